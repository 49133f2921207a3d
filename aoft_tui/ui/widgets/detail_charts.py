"""The job detail's Charts tab: an options line, the loss chart and the token-accuracy chart."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from aoft_tui.domain.series import KINDS, ChartOptions, Series
from aoft_tui.ui.widgets.metric_chart import MetricChart

KIND_LABELS = {"train": "train [t]", "valid": "valid [V]", "full": "full valid [f]"}


def options_text(options: ChartOptions) -> str:
    """Readable without colour: ■ shown, □ hidden."""
    kinds = "  ".join(f"{'■' if kind in options.kinds else '□'} {KIND_LABELS[kind]}" for kind in KINDS)
    smoothing = f"EMA {options.smoothing:g}" if options.smoothing else "EMA off"
    scale = "log" if options.log else "linear"
    return f"{kinds}   {smoothing} [~ +/-]   {scale} [l]"


class DetailCharts(Vertical):
    """Loss (train / valid / full valid) above token accuracy; x = step."""

    def compose(self) -> ComposeResult:
        yield Static(options_text(ChartOptions()), id="chart-options", markup=False)
        yield MetricChart(title="loss", id="loss-chart", threaded=True)
        yield MetricChart(title="token accuracy", id="accuracy-chart", threaded=True)

    def show_options(self, options: ChartOptions) -> None:
        self.query_one("#chart-options", Static).update(options_text(options))

    def show(
        self,
        loss: dict[str, Series],
        accuracy: dict[str, Series],
        options: ChartOptions,
        *,
        empty_text: str | None = None,
    ) -> None:
        self.show_options(options)
        smoothing = f" · EMA {options.smoothing:g}" if options.smoothing else ""
        self.query_one("#loss-chart", MetricChart).show(
            loss,
            log=options.log,
            title=f"loss{' (log)' if options.log else ''}{smoothing}",
            empty_text=empty_text,
        )
        # a reinforcement job's second chart is its reward (domain.series.chart_data)
        second = (
            "mean reward" if any(name.endswith("_reward_mean") for name in accuracy) else "token accuracy"
        )
        self.query_one("#accuracy-chart", MetricChart).show(
            accuracy, title=f"{second}{smoothing}", empty_text=empty_text
        )
