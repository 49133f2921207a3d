"""Main screen: the live job table (content, live update by key, filter, sort, marks)."""

from __future__ import annotations

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.widgets.connection import ConnectionIndicator
from aoft_tui.ui.widgets.job_summary import JobSummary
from aoft_tui.ui.widgets.metric_chart import MetricChart

from .main_support import loaded, main_screen, make_app, select_job, settle, table


def _cell(jobs_table, job_id: str, column: str) -> str:
    value = jobs_table.get_cell(job_id, column)
    return getattr(value, "plain", str(value))


async def test_every_job_is_listed_with_readable_status(seeded_emulator, seeded_service) -> None:
    expected = seeded_service.list_jobs()
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        jobs_table = table(pilot)
        assert set(jobs_table.visible_ids) == {job.id for job in expected}
        # newest first by default, like the API
        assert jobs_table.visible_ids == [
            j.id for j in sorted(expected, key=lambda j: j.created_at, reverse=True)
        ]
        for job in expected:
            assert _cell(jobs_table, job.id, "status") == fmt.status_label(job.status)
            assert _cell(jobs_table, job.id, "id") == " " + job.short_id
            assert _cell(jobs_table, job.id, "model") == job.model
        assert main_screen(pilot).query_one(ConnectionIndicator).state == "ok"
        assert "demo — ctrl+p → Connect · local emulator" in str(
            main_screen(pilot).query_one("#mode").render()
        )


async def test_live_update_changes_cells_and_chart_without_moving_cursor(dashboard, seeded_emulator) -> None:
    jobs_table = table(dashboard)
    running = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await settle(dashboard)
    row_before = jobs_table.cursor_row
    scroll_before = jobs_table.scroll_offset
    chart = main_screen(dashboard).query_one(MetricChart)
    points_before = chart.point_count
    progress_before = _cell(jobs_table, running, "progress")
    step_before = jobs_table.steps[running][0]
    duration_before = _cell(jobs_table, running, "duration")

    seeded_emulator.advance(90)
    await dashboard.press("ctrl+r")
    await settle(dashboard)

    assert jobs_table.selected_key == running
    assert jobs_table.cursor_row == row_before
    assert jobs_table.scroll_offset == scroll_before
    changed = (_cell(jobs_table, running, "progress"), _cell(jobs_table, running, "duration"))
    assert changed != (progress_before, duration_before)
    # the preview chart got the new metrics (more steps → at least as many points, a later last step)
    xs_after = max(xs[-1] for xs, _ in chart.series.values())
    assert chart.point_count >= points_before and xs_after > step_before
    assert jobs_table.jobs[running].status is JobStatus.RUNNING
    assert jobs_table.steps[running][0] == int(xs_after)
    assert f"Progress: step {int(xs_after)} · " in main_screen(dashboard).query_one(JobSummary).plain


async def test_filter_by_status_and_escape_clears(dashboard) -> None:
    jobs_table = table(dashboard)
    everything = list(jobs_table.visible_ids)
    await dashboard.press("slash")
    await dashboard.press(*"succeeded")
    await dashboard.pause()
    shown = jobs_table.visible_ids
    assert shown and len(shown) < len(everything)
    assert all(jobs_table.jobs[j].status is JobStatus.SUCCEEDED for j in shown)
    await dashboard.press("enter")  # keep the filter, back to the table
    assert jobs_table.has_focus and jobs_table.visible_ids == shown
    await dashboard.press("slash", "escape")
    assert sorted(jobs_table.visible_ids) == sorted(everything)


async def test_filter_matches_model_and_id(dashboard) -> None:
    jobs_table = table(dashboard)
    some = jobs_table.jobs[jobs_table.visible_ids[-1]]
    await dashboard.press("slash", *some.short_id)
    await dashboard.pause()
    assert jobs_table.visible_ids == [some.id]
    await dashboard.press("escape")
    await dashboard.press("slash", *some.model)
    await dashboard.pause()
    assert some.id in jobs_table.visible_ids
    assert all(jobs_table.jobs[j].model == some.model for j in jobs_table.visible_ids)


async def test_sort_cycles_columns_and_keeps_selection(dashboard) -> None:
    jobs_table = table(dashboard)
    chosen = await select_job(dashboard, lambda j: j.status is JobStatus.FAILED)
    await dashboard.press("s")  # the column after "created"
    assert jobs_table.sort_column == "duration"
    jobs_table.sort_by("model", reverse=False)
    await dashboard.pause()
    models = [jobs_table.jobs[j].model for j in jobs_table.visible_ids]
    assert models == sorted(models)
    jobs_table.sort_by("model")  # same column again flips
    await dashboard.pause()
    assert [jobs_table.jobs[j].model for j in jobs_table.visible_ids] == sorted(models, reverse=True)
    assert jobs_table.selected_key == chosen
    assert "▼" in jobs_table.header_label("model")


async def test_summary_follows_selection(dashboard) -> None:
    failed = await select_job(dashboard, lambda j: j.status is JobStatus.FAILED)
    await settle(dashboard)
    summary = main_screen(dashboard).query_one(JobSummary).plain
    job = table(dashboard).jobs[failed]
    assert failed in summary and "✖ failed" in summary
    if job.error and job.error.message:
        assert job.error.message[:20] in summary


async def test_space_marks_and_moves_down(dashboard) -> None:
    jobs_table = table(dashboard)
    first, second = jobs_table.visible_ids[:2]
    await dashboard.press("space")
    assert jobs_table.marked == {first} and jobs_table.selected_key == second
    assert _cell(jobs_table, first, "id").startswith("◆")
    await dashboard.press("up", "space")
    assert jobs_table.marked == set() and _cell(jobs_table, first, "id").startswith(" ")


async def test_scrolling_fast_loads_one_preview_at_a_time_and_ends_on_the_last(dashboard) -> None:
    jobs_table = table(dashboard)
    for _ in range(len(jobs_table.visible_ids) - 1):
        await dashboard.press("down")
        running = [w for w in dashboard.app.workers if w.group == "preview" and not w.is_finished]
        assert len(running) <= 1
    await settle(dashboard)
    await settle(dashboard)
    last = jobs_table.visible_ids[-1]
    assert jobs_table.selected_key == last
    assert main_screen(dashboard).query_one(MetricChart).chart_title == f"loss · {last[-8:]}"


async def test_clicking_a_header_sorts_by_that_column(dashboard) -> None:
    from aoft_tui.domain.job_columns import PADDING, WIDTHS
    from aoft_tui.ui.widgets.jobs_table import JobsTable

    jobs_table = table(dashboard)
    model_x = WIDTHS["id"] + WIDTHS["status"] + 4 * PADDING + 2
    await dashboard.click(JobsTable, offset=(model_x, 0))
    await dashboard.pause()
    assert jobs_table.sort_column == "model"
    models = [jobs_table.jobs[j].model for j in jobs_table.visible_ids]
    assert models in (sorted(models), sorted(models, reverse=True))


async def test_empty_resource_and_empty_filter_say_what_to_do(emulator, service) -> None:
    app = make_app(service, emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        hint = screen.query_one("#empty")
        assert hint.display and "No fine-tuning jobs" in str(hint.render())
        assert "0 jobs · 0 active" in str(screen.query_one("#counts").render())


async def test_filter_counts_and_no_match_hint(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        total = len(table(pilot).jobs)
        await pilot.press("slash", *"zzz-no-such-job")
        await pilot.pause()
        hint = screen.query_one("#empty")
        assert hint.display and "zzz-no-such-job" in str(hint.render())
        assert f"0 of {total} jobs" in str(screen.query_one("#counts").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not hint.display
