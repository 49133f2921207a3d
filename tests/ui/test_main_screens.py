"""Main screen: the keys that open other screens, the compare view, connection loss."""

from __future__ import annotations

import importlib
import json
import textwrap

import pytest

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.compare_screen import CompareScreen
from aoft_tui.ui.widgets.connection import ConnectionIndicator
from aoft_tui.ui.widgets.metric_chart import MetricChart
from tests.support.clean_interpreter import run_python

from .main_support import loaded, main_screen, make_app, select_job, settle, table, toasts


async def test_enter_opens_job_detail_and_escape_returns(dashboard) -> None:
    from aoft_tui.ui.screens.job_detail import JobDetailScreen

    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await dashboard.press("enter")
    await dashboard.pause()
    assert isinstance(dashboard.app.screen, JobDetailScreen)
    assert dashboard.app.screen.job_id == job_id
    await dashboard.press("escape")
    await settle(dashboard)
    assert dashboard.app.screen is main_screen(dashboard)
    assert table(dashboard).selected_key == job_id


@pytest.mark.parametrize(
    ("key", "module", "name"),
    [
        ("v", "validate_screen", "ValidateScreen"),
        ("n", "new_job_screen", "NewJobScreen"),
        ("w", "push_screen", "PushScreen"),
    ],
)
async def test_v_n_w_open_the_feature_screens(seeded_emulator, seeded_service, key, module, name) -> None:
    try:
        screen_cls = getattr(importlib.import_module(f"aoft_tui.ui.screens.{module}"), name)
    except ImportError:
        screen_cls = None  # that feature has not landed: the key must explain, not crash
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await select_job(pilot, lambda j: j.status is JobStatus.SUCCEEDED)
        await pilot.press(key)
        await pilot.pause()
        if screen_cls is None:
            assert app.screen is main_screen(pilot)
            assert any(title == "Not available" for title, _ in toasts(app))
        else:
            assert isinstance(app.screen, screen_cls)
            app.pop_screen()
            await pilot.pause()
            assert app.screen is main_screen(pilot)


async def test_new_job_dismissed_with_an_id_selects_it(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        last = table(pilot).visible_ids[-1]
        await pilot.press("slash", *"no-such-job", "enter")  # a filter that hides it
        await pilot.pause()
        screen._new_job_done(last)  # what NewJobScreen's dismiss callback does
        await settle(pilot)
        assert table(pilot).selected_key == last
        assert screen.query_one("#filter").value == "" and last in table(pilot).visible_ids


async def test_compare_overlays_marked_jobs_one_colour_each(dashboard, seeded_service) -> None:
    jobs_table = table(dashboard)
    with_metrics = [j for j in jobs_table.visible_ids if seeded_service.metrics(j)]
    assert len(with_metrics) >= 2
    for job_id in with_metrics[:2]:
        jobs_table.move_cursor(row=jobs_table.get_row_index(job_id))
        await dashboard.press("space")
    await dashboard.press("m")
    await dashboard.pause()
    compare = dashboard.app.screen
    assert isinstance(compare, CompareScreen)
    await settle(dashboard)
    chart = compare.query_one(MetricChart)
    assert sorted(chart.series_names) == sorted(with_metrics[:2])
    colours = {chart.colour_for(j) for j in with_metrics[:2]}
    assert len(colours) == 2
    await dashboard.press("l")  # log-scale loss
    await settle(dashboard)
    assert chart.log_scale and chart.chart_title.endswith("· log")
    await dashboard.press("a")  # accuracy: always linear
    await settle(dashboard)
    assert "accuracy" in chart.chart_title and not chart.log_scale
    await dashboard.press("escape")
    await dashboard.pause()
    assert dashboard.app.screen is main_screen(dashboard)


async def test_compare_without_marks_explains(dashboard) -> None:
    await dashboard.press("m")
    await dashboard.pause()
    assert not isinstance(dashboard.app.screen, CompareScreen)
    assert ("Nothing to compare", "Mark jobs with space, then press m to compare them.") in toasts(
        dashboard.app
    )


async def test_connection_loss_shows_offline_and_nothing_crashes(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await loaded(pilot)
        before = list(table(pilot).visible_ids)
        seeded_emulator.stop()
        indicator = screen.query_one(ConnectionIndicator)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert indicator.state in ("retrying", "offline")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert indicator.state == "offline"
        errors = [t for t in toasts(app) if t[0] == "Connection problem"]
        assert len(errors) == 1  # one toast per outage
        # the table keeps the last known jobs, the app still answers keys
        assert table(pilot).visible_ids == before
        await pilot.press("down", "question_mark")
        await pilot.pause()
        assert app.is_running


def test_wandb_and_feature_screens_are_not_imported_at_start() -> None:
    code = textwrap.dedent(
        """
        import asyncio, json, sys
        from aoft_tui.emulator.embedded import EmbeddedEmulator
        from aoft_tui.services.finetuning import FineTuningService
        from tests.ui.main_support import loaded, make_app

        async def main():
            with EmbeddedEmulator(seed_jobs=4, speed=0.0, seed=3) as emu:
                svc = FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview")
                app = make_app(svc, emu)
                async with app.run_test(size=(100, 30)) as pilot:
                    await loaded(pilot)
                    heavy = sorted(m for m in sys.modules if m.split(".")[0] == "wandb" or m in (
                        "aoft_tui.ui.screens.push_screen", "aoft_tui.ui.screens.new_job_screen",
                        "aoft_tui.ui.screens.validate_screen"))
                svc.close()
            print(json.dumps(heavy))

        asyncio.run(main())
        """
    )
    out = run_python(code, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


async def test_polling_pauses_under_a_modal_and_resumes_after(seeded_emulator, seeded_service) -> None:
    calls: list[float] = []
    real_list_jobs = seeded_service.list_jobs

    def counting_list_jobs(*args, **kwargs):
        calls.append(1)
        return real_list_jobs(*args, **kwargs)

    seeded_service.list_jobs = counting_list_jobs  # count polls; the real call still happens
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        before = len(calls)
        await pilot.pause(1.6)  # longer than the demo's 1 s active interval
        assert len(calls) == before, "polled while a modal was open"
        await pilot.press("escape")
        await settle(pilot)
        assert len(calls) > before, "did not poll again when the modal closed"
        assert screen.query_one(ConnectionIndicator).state == "ok"


async def test_back_online_after_an_outage(seeded_emulator, seeded_service) -> None:
    """The network drops for two polls (the service raises what it raises for a refused
    connection), then comes back: offline → connected, one toast each way."""
    from aoft_tui.services.errors import ConnectionFailed

    outage = {"polls": 0}
    real_list_jobs = seeded_service.list_jobs

    def flaky_list_jobs(*args, **kwargs):
        if outage["polls"] > 0:
            outage["polls"] -= 1
            raise ConnectionFailed("Could not reach http://127.0.0.1 (connection refused).")
        return real_list_jobs(*args, **kwargs)

    seeded_service.list_jobs = flaky_list_jobs
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await loaded(pilot)
        indicator = screen.query_one(ConnectionIndicator)
        outage["polls"] = 2
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert indicator.state == "retrying"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert indicator.state == "offline"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert indicator.state == "ok"
        titles = [title for title, _ in toasts(app)]
        assert titles.count("Connection problem") == 1 and titles.count("Reconnected") == 1


async def test_keyboard_only_round_trip_at_80x24(seeded_emulator, seeded_service) -> None:
    from aoft_tui.ui.screens.job_detail import JobDetailScreen

    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        assert screen.has_class("-narrow")
        # the table, the summary and the preview all have room on screen
        for selector in ("#jobs", "#summary", "#preview"):
            region = screen.query_one(selector).region
            assert region.height >= 5 and region.right <= 80 and region.bottom <= 24, selector
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"fail", "enter")
        await pilot.pause()
        shown = table(pilot).visible_ids
        assert shown and all(table(pilot).jobs[j].status is JobStatus.FAILED for j in shown)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
