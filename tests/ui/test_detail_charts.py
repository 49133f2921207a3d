"""Charts tab: series toggles, EMA smoothing, log scale — drawn values checked against the
domain pipeline run on the service's own metrics."""

from __future__ import annotations

from aoft_tui.domain.models import (
    TRAIN_ACCURACY,
    TRAIN_LOSS,
    VALID_ACCURACY,
    VALID_LOSS,
    JobStatus,
)
from aoft_tui.domain.series import DEFAULT_SMOOTHING, SMOOTHING_STEPS, prepare_series
from aoft_tui.ui.widgets.metric_chart import EMPTY_TEXT, MetricChart

from .detail_support import DetailApp, job_with, settle


def _charts(screen) -> tuple[MetricChart, MetricChart]:
    return screen.query_one("#loss-chart", MetricChart), screen.query_one("#accuracy-chart", MetricChart)


async def _open_charts(app, pilot):
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    return app.screen


async def test_series_toggles_hide_and_show_loss_and_accuracy_together(seeded_service):
    job = job_with(seeded_service, JobStatus.SUCCEEDED, validation=True)
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_charts(app, pilot)
        loss, accuracy = _charts(screen)
        assert TRAIN_LOSS in loss.series_names and VALID_LOSS in loss.series_names
        assert TRAIN_ACCURACY in accuracy.series_names

        await pilot.press("t")
        await settle(pilot)
        assert TRAIN_LOSS not in loss.series_names and TRAIN_ACCURACY not in accuracy.series_names
        assert VALID_LOSS in loss.series_names
        assert "□ train" in str(screen.query_one("#chart-options").render())

        await pilot.press("V")
        await settle(pilot)
        assert VALID_LOSS not in loss.series_names and VALID_ACCURACY not in accuracy.series_names

        await pilot.press("t", "V")
        await settle(pilot)
        assert {TRAIN_LOSS, VALID_LOSS} <= set(loss.series_names)


async def test_ema_and_log_scale_redraw_with_the_expected_values(seeded_service):
    job = job_with(seeded_service, JobStatus.SUCCEEDED)
    metrics = seeded_service.metrics(job.id)
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_charts(app, pilot)
        loss, _ = _charts(screen)
        budget = screen._budget
        raw = prepare_series(metrics, [TRAIN_LOSS], max_points=budget)[TRAIN_LOSS]
        assert loss.series[TRAIN_LOSS] == raw

        await pilot.press("tilde")
        await settle(pilot)
        assert screen.options.smoothing == DEFAULT_SMOOTHING
        smooth = prepare_series(metrics, [TRAIN_LOSS], max_points=budget, smoothing=DEFAULT_SMOOTHING)
        assert loss.series[TRAIN_LOSS] == smooth[TRAIN_LOSS] != raw
        assert f"EMA {DEFAULT_SMOOTHING:g}" in loss.chart_title

        await pilot.press("plus")
        await settle(pilot)
        stronger = SMOOTHING_STEPS[SMOOTHING_STEPS.index(DEFAULT_SMOOTHING) + 1]
        assert screen.options.smoothing == stronger
        await pilot.press("minus", "minus")
        await settle(pilot)
        assert screen.options.smoothing < DEFAULT_SMOOTHING

        await pilot.press("tilde")  # off
        await pilot.press("l")
        await settle(pilot)
        assert loss.log_scale is True and "log" in loss.chart_title
        logged = prepare_series(metrics, [TRAIN_LOSS], max_points=budget, log=True)[TRAIN_LOSS]
        assert loss.series[TRAIN_LOSS] == logged
        assert min(logged[1]) > 0


async def test_chart_keys_act_only_on_the_charts_tab(start_detail):
    async with start_detail(JobStatus.SUCCEEDED, size=(120, 40)) as (pilot, job):
        app = pilot.app
        screen = app.screen
        await pilot.press("t", "l", "s")  # on the overview tab: nothing happens
        assert screen.options.kinds == {"train", "valid", "full"}
        assert not screen.options.log and screen.options.smoothing == 0.0


async def test_job_without_metrics_says_waiting(seeded_service):
    job = job_with(seeded_service, JobStatus.QUEUED, JobStatus.VALIDATING_FILES, JobStatus.PENDING)
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_charts(app, pilot)
        loss, accuracy = _charts(screen)
        assert loss.point_count == 0
        assert EMPTY_TEXT in str(loss.render()) and EMPTY_TEXT in str(accuracy.render())


async def test_each_series_keeps_its_colour_and_compare_names_get_distinct_ones():
    from textual.app import App

    class One(App[None]):
        def compose(self):
            yield MetricChart(title="compare")

    app = One()
    async with app.run_test(size=(80, 20)):
        chart = app.query_one(MetricChart)
        assert chart.colour_for(TRAIN_LOSS) == chart.colour_for(TRAIN_ACCURACY)
        assert chart.colour_for(TRAIN_LOSS) != chart.colour_for(VALID_LOSS)
        jobs = [f"ftjob-{i}" for i in range(6)]
        chart.show({j: ([1.0, 2.0], [float(i), float(i)]) for i, j in enumerate(jobs)})
        colours = [chart.colour_for(j) for j in jobs]
        assert len(set(colours)) == len(jobs)
        chart.show({jobs[3]: ([1.0, 2.0], [1.0, 1.0])})  # others hidden: no recolouring
        assert chart.colour_for(jobs[3]) == colours[3]
