"""Job detail screen on the seeded emulator (real HTTP): overview, live growth, tail, back."""

from __future__ import annotations

from textual.widgets import Static, TabbedContent

from aoft_tui.domain.models import JobStatus
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.ui.screens.job_detail import JobDetailScreen
from aoft_tui.ui.widgets.checkpoints_table import CheckpointsTable
from aoft_tui.ui.widgets.events_log import EventsLog
from aoft_tui.ui.widgets.job_overview import JobOverview
from aoft_tui.ui.widgets.metric_chart import MetricChart

from .detail_support import DetailApp, job_with, settle


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_overview_shows_every_field_with_file_names_and_sizes(seeded_service):
    job = job_with(seeded_service, JobStatus.RUNNING)
    training = seeded_service.get_file(job.training_file)
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JobDetailScreen)
        body = screen.query_one(JobOverview).plain_text()
        assert job.id in body and job.model in body and "● running" in body
        assert "estimated finish" in body and "trained tokens" in body
        assert training.filename in body
        assert "KiB" in body or "MiB" in body or " B " in body
        for key in job.hyperparameters:
            assert key in body
        assert screen.query_one("#overview-error").display is False
        assert job.id in _text(screen, "#detail-title")


async def test_failed_job_shows_error_code_and_message_and_offers_no_cancel(seeded_service):
    job = job_with(seeded_service, JobStatus.FAILED)
    assert job.error is not None
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        error_box = screen.query_one("#overview-error", Static)
        assert error_box.display is True
        assert job.error.code in str(error_box.border_title)
        assert (job.error.message or "")[:30] in screen.query_one(JobOverview).error_text
        assert screen.check_action("cancel_job", ()) is None
        await pilot.press("c")
        assert app.screen is screen  # no confirm dialog for a job that is over
        # A finished job is fetched once more at most: no timer left running.
        assert screen.finished and not screen.poller.scheduled


async def test_charts_grow_as_the_emulator_reports_new_steps(seeded_emulator, start_detail):
    async with start_detail(JobStatus.RUNNING, size=(120, 40)) as (pilot, job):
        app = pilot.app
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        chart = screen.query_one("#loss-chart", MetricChart)
        steps_before = screen.metrics[-1].step if screen.metrics else 0
        last_x_before = max((xs[-1] for xs, _ in chart.series.values()), default=0)

        seeded_emulator.advance(900)
        await pilot.press("ctrl+r")
        await settle(pilot)

        assert screen.metrics[-1].step > steps_before
        last_x_after = max(xs[-1] for xs, _ in chart.series.values())
        assert last_x_after > last_x_before
        assert last_x_after == screen.metrics[-1].step  # the newest point is drawn
        assert chart.point_count <= 3 * screen._budget  # downsampled, 3 series at most


async def test_events_tail_appends_only_new_events(seeded_emulator, seeded_service, start_detail):
    async with start_detail(JobStatus.RUNNING, size=(120, 40)) as (pilot, job):
        app = pilot.app
        log = app.screen.query_one(EventsLog)
        first = log.event_count
        assert first == len(seeded_service.events_since(job.id))

        seeded_emulator.advance(900)
        await pilot.press("ctrl+r")
        await settle(pilot)

        everything = seeded_service.events_since(job.id)
        assert log.event_count == len(everything) > first  # no duplicates, nothing missed
        tab_label = str(app.screen.query_one(TabbedContent).get_tab("events").label)
        assert f"({len(everything)})" in tab_label


async def test_event_levels_are_marked_without_colour(start_detail):
    from datetime import UTC, datetime

    from aoft_tui.domain.models import EventLevel, JobEvent

    async with start_detail(JobStatus.RUNNING, size=(120, 40)) as (pilot, job):
        app = pilot.app
        log = app.screen.query_one(EventsLog)
        when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        marks = {level: log.format_event(JobEvent("e", when, level, "msg")).plain for level in EventLevel}
        assert "✖ error" in marks[EventLevel.ERROR]
        assert "▲  warn" in marks[EventLevel.WARNING]
        assert "·  info" in marks[EventLevel.INFO]
        assert marks[EventLevel.ERROR].startswith("01-02 03:04:05")


async def test_checkpoints_table_lists_every_checkpoint_newest_first(seeded_service):
    job = job_with(seeded_service, JobStatus.SUCCEEDED)
    expected = seeded_service.checkpoints(job.id)
    assert expected, "a succeeded seeded job has checkpoints"
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        table = app.screen.query_one(CheckpointsTable)
        assert table.row_count == len(expected)
        first_row = table.get_row_at(0)
        newest = max(expected, key=lambda c: c.step)
        assert first_row[0] == str(newest.step)
        # the whole name, or (too long for the column) the name without its middle
        assert first_row[-2] == table.model_cell(newest)
        assert newest.fine_tuned_model_checkpoint.endswith(first_row[-2].split("…")[-1])
        assert newest.fine_tuned_model_checkpoint.startswith(first_row[-2].split("…")[0])
        assert newest.metrics, "checkpoints carry metrics"
        assert first_row[1] == f"{newest.metrics['train_loss']:.4f}"


async def test_escape_and_backspace_go_back(seeded_service):
    job = job_with(seeded_service, JobStatus.SUCCEEDED)
    for key in ("escape", "backspace"):
        app = DetailApp(seeded_service, job.id)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, JobDetailScreen)
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, JobDetailScreen)


async def test_fits_80x24(start_detail):
    async with start_detail(JobStatus.RUNNING, size=(80, 24)) as (pilot, job):
        app = pilot.app
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        for chart in screen.query(MetricChart):
            assert chart.size.height >= 5 and chart.size.width >= 70
        assert screen.query_one("#detail-status").region.bottom <= 23
        await pilot.press("1")
        assert screen.query_one(JobOverview).size.height > 5


async def test_connection_failure_is_a_toast_and_a_retry_not_a_crash():
    dead = FineTuningService(
        "http://127.0.0.1:9", "not-a-real-key", "2025-04-01-preview", max_retries=0, timeout=2
    )
    app = DetailApp(dead, "ftjob-doesnotexist")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JobDetailScreen)
        assert "retrying in" in _text(screen, "#detail-status")
        notes = list(app._notifications)
        assert len(notes) == 1 and notes[0].severity == "error"
        assert notes[0].title == "Connection problem"
        assert "not-a-real-key" not in notes[0].message
        assert screen.poller.scheduled  # it will try again
        # A second failure with the same message is not toasted again.
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(list(app._notifications)) == 1
    dead.close()


async def test_unknown_job_says_not_found(seeded_service):
    app = DetailApp(seeded_service, "ftjob-doesnotexist0000")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        notes = list(app._notifications)
        assert notes and notes[0].title == "Not found"
        assert isinstance(app.screen, JobDetailScreen)


async def test_unexpected_failure_is_a_toast_too(seeded_service):
    class Broken:
        def __getattr__(self, name):
            return getattr(seeded_service, name)

        def get_job(self, job_id):
            raise ValueError("mangled response")

    app = DetailApp(Broken(), "ftjob-anything")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        notes = list(app._notifications)
        assert [(n.title, n.message) for n in notes] == [("Unexpected error", "mangled response")]
        assert isinstance(app.screen, JobDetailScreen)


async def test_a_long_job_is_drawn_downsampled_to_the_chart_width(emulator, service):
    job_id = emulator.add_job(n_steps=20_000, status="running", progress=1.0, seconds_per_step=0.01)
    emulator.advance(60)
    metrics = service.metrics(job_id)
    assert len(metrics) > 1_000
    app = DetailApp(service, job_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        loss = screen.query_one("#loss-chart", MetricChart)
        train_xs, train_ys = loss.series["train_loss"]
        assert len(train_xs) <= screen._budget < len(metrics)
        assert train_xs[-1] == metrics[-1].step
        # min/max bucketing: the extremes of the whole run are still drawn
        all_train = [p.values["train_loss"] for p in metrics if "train_loss" in p.values]
        assert max(train_ys) == max(all_train) and min(train_ys) == min(all_train)


async def test_loaded_objects_are_frozen_for_the_gc_only_while_the_screen_is_up(seeded_service):
    import gc

    job = job_with(seeded_service, JobStatus.SUCCEEDED)
    assert gc.get_freeze_count() == 0
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 0
        await pilot.press("escape")
        await pilot.pause()
        assert gc.get_freeze_count() == 0  # nothing kept out of the collector for good
