"""The dashboard's key bar: the screen's shown bindings, clickable, following focus."""

from __future__ import annotations

from aoft_tui.ui.widgets.key_bar import KeyBar

from .main_support import loaded, main_screen, make_app, table


async def test_it_lists_every_shown_binding_once_and_a_click_presses_it(
    seeded_emulator, seeded_service
) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        bar = main_screen(pilot).query_one(KeyBar)
        shown = [b.description for _, b, _, _ in main_screen(pilot).active_bindings.values() if b.show]
        items = bar.keys()
        assert [item.description for item in items] == list(dict.fromkeys(shown))
        line = bar.render().plain
        for item in items:  # where the bar says an item is, it is drawn
            assert line[item.start : item.end] == f"{item.display} {item.description}"

        sort = next(item for item in items if item.description == "Sort")
        before = table(pilot).sort_column
        await pilot.click(KeyBar, offset=(sort.start + 1, 0))
        await pilot.pause()
        assert table(pilot).sort_column != before


async def test_it_follows_focus_and_a_keymap(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator, keymap={"cancel_job": "x"})
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        bar = main_screen(pilot).query_one(KeyBar)
        assert any(item.description == "Cancel" and item.display == "x" for item in bar.keys())  # noqa: SIM118 - KeyBar.keys(), not a dict
        await pilot.press("slash")  # the filter takes focus: its own keys appear
        await pilot.pause()
        assert "Clear filter" in [item.description for item in bar.keys()]  # noqa: SIM118 - KeyBar.keys(), not a dict
        assert "Clear filter" in bar.render().plain
