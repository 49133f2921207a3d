"""Pilot: filter, sort, marks and the selected job survive a restart (per endpoint); a damaged
file is ignored with a notice and replaced."""

from __future__ import annotations

import json

from aoft_tui.services.ui_state import UiState, UiStateStore
from aoft_tui.ui.widgets.filter_input import FilterInput

from .main_support import loaded, main_screen, make_app, settle, table, toasts


async def test_filter_sort_marks_and_selection_survive_a_restart(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        jobs_table = table(pilot)
        await pilot.press("slash", *"gpt", "enter")
        await pilot.press("s", "s")  # two columns on from "created"
        await pilot.pause()
        marked = jobs_table.visible_ids[:2]
        jobs_table.select_job(marked[0])
        await pilot.press("space", "space")  # marks row 0 and row 1, the cursor ends on row 2
        await settle(pilot)
        expected = (
            jobs_table.filter_text,
            jobs_table.sort_column,
            jobs_table.sort_reverse,
            set(jobs_table.marked),
            jobs_table.selected_key,
        )
        assert expected[0] == "gpt" and expected[1] != "created" and expected[3] == set(marked)

    second = make_app(seeded_service, seeded_emulator)
    async with second.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        jobs_table = table(pilot)
        restored = (
            jobs_table.filter_text,
            jobs_table.sort_column,
            jobs_table.sort_reverse,
            set(jobs_table.marked),
            jobs_table.selected_key,
        )
        assert restored == expected
        assert main_screen(pilot).query_one(FilterInput).value == "gpt"


async def test_state_is_kept_per_endpoint(seeded_emulator, seeded_service) -> None:
    UiStateStore("http://some-other-resource.example").save(UiState(filter="nothing-matches-this"))
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert table(pilot).filter_text == "" and table(pilot).row_count == 8


async def test_a_damaged_file_is_ignored_with_a_notice_and_replaced(seeded_emulator, seeded_service) -> None:
    store = UiStateStore(seeded_service.endpoint)
    store.directory.mkdir(parents=True, exist_ok=True)
    store.path.write_text('{"format": 1, "marked": "not a list"')
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        assert table(pilot).row_count == 8
        notice = [m for t, m in toasts(app) if t == "Saved view ignored"]
        assert len(notice) == 1 and str(store.path) in notice[0] and "damaged" in notice[0]
        await pilot.press("s")
        await settle(pilot)
    assert json.loads(store.path.read_text())["sort_column"] == table_sort_after_one_press()


def table_sort_after_one_press() -> str:
    from aoft_tui.domain.job_columns import SORTABLE

    return SORTABLE[(SORTABLE.index("created") + 1) % len(SORTABLE)]


def test_store_round_trip_and_bad_shapes(tmp_path) -> None:
    store = UiStateStore("https://r.openai.azure.com", directory=tmp_path)
    state = UiState(filter="x", sort_column="model", sort_reverse=False, marked=["a", "b"], selected="a")
    assert store.save(state) and not store.save(state)  # unchanged: not rewritten
    assert UiStateStore("https://r.openai.azure.com", directory=tmp_path).load() == (state, None)
    for bad in (
        "[1]",
        '{"format": 2}',
        '{"format": 1, "sort_reverse": "yes"}',
        "\xff\xfe",
        '{"format":1,"selected":3}',
    ):
        store.path.write_bytes(bad.encode("latin-1"))
        loaded_state, notice = store.load()
        assert loaded_state == UiState() and notice is not None and "ignored" in notice
    assert [p.name for p in tmp_path.iterdir()] == [store.path.name]  # no temp files left
