"""Compare marked jobs: their loss (or token-accuracy) curves overlaid, one colour per job.

A thread worker fetches every job's metrics and downsamples them to the chart's width;
a small table under the chart gives each job's colour, status and final/best values.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import TRAIN_ACCURACY, TRAIN_LOSS, VALID_ACCURACY, VALID_LOSS, Job, MetricPoint
from aoft_tui.domain.series import Series, downsample_minmax, ema, extract_series, log_safe
from aoft_tui.services.errors import ServiceError
from aoft_tui.ui.screens.base import AoftScreen
from aoft_tui.ui.widgets.key_bar import KeyBar
from aoft_tui.ui.widgets.metric_chart import MetricChart
from aoft_tui.ui.widgets.table_fill import Heading, TableRow, fill_table

# plotext colour names → Rich colour names, so the legend table matches the chart.
_RICH_COLOUR = {
    "cyan+": "bright_cyan", "orange+": "bright_yellow", "magenta+": "bright_magenta", "green+": "bright_green",
    "red+": "bright_red", "blue+": "bright_blue", "gray+": "bright_black", "cyan": "cyan", "green": "green",
    "red": "red",
}  # fmt: skip
SMOOTHING = 0.6
LEGEND_HEADINGS = tuple(
    Heading(label) for label in (" ", "Job", "Status", "Model / suffix", "Steps", "Last", "Best")
)
ACCURACIES = (TRAIN_ACCURACY, VALID_ACCURACY)


def compare_series(
    points: dict[str, list[MetricPoint]],
    metric: str,
    *,
    smoothing: float,
    budget: int,
    higher_is_better: bool,
    log: bool = False,
) -> tuple[dict[str, Series], dict[str, tuple[int, float | None, float | None]]]:
    """Pure: one downsampled series per job for `metric`, plus (last step, last, best)."""
    series: dict[str, Series] = {}
    rows: dict[str, tuple[int, float | None, float | None]] = {}
    for job_id, job_points in points.items():
        xs, ys = extract_series(job_points, [metric]).get(metric, ([], []))
        last_step = max((p.step for p in job_points), default=0)
        best = (max if higher_is_better else min)(ys) if ys else None
        rows[job_id] = (last_step, ys[-1] if ys else None, best)
        if smoothing and ys:
            ys = ema(ys, smoothing)
        if log and ys:
            ys = log_safe(ys)
        series[job_id] = downsample_minmax(xs, ys, budget)
    return series, rows


class CompareScreen(AoftScreen[None]):
    # The same keys as the detail's charts where they mean the same (~ smooth, l log).
    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="compare.back"),
        Binding("a", "toggle_metric", "Loss/accuracy", id="compare.metric", tooltip="Switch between loss and token accuracy"),
        Binding("t", "toggle_split", "Train/valid", id="compare.split", tooltip="Switch between training and validation series"),
        Binding("tilde", "toggle_smoothing", "Smooth", id="compare.smooth", tooltip="EMA smoothing on/off"),
        Binding("l", "toggle_log", "Log", id="compare.log", tooltip="Log-scale loss axis (accuracy stays linear)"),
    ]  # fmt: skip

    class CompareReady(Message):
        """Chart-ready series (downsampled in the worker) and per-job figures for the legend."""

        def __init__(self, series: dict[str, Series], rows: dict[str, tuple[int, float | None, float | None]],
                     errors: dict[str, str], log: bool = False) -> None:  # fmt: skip
            super().__init__()
            self.log_scale = log
            self.series = series
            self.rows = rows  # job id -> (last step, last value, best value)
            self.errors = errors

    def __init__(self, jobs: list[Job]) -> None:
        super().__init__()
        self.jobs = jobs
        self.accuracy = False
        self.validation = False
        self.smoothing = False
        self.log_loss = False
        self.points: dict[str, list[MetricPoint]] | None = None  # written by the worker only
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Label(f"Compare {fmt.plural(len(self.jobs), 'job')}", id="compare-title")
        yield MetricChart(title="training loss", id="compare-chart", empty_text="loading metrics…")
        yield DataTable(id="compare-legend", cursor_type="none", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        fill_table(self.query_one(DataTable), LEGEND_HEADINGS, [])
        self._refresh_chart()

    @property
    def metric(self) -> str:
        if self.accuracy:
            return VALID_ACCURACY if self.validation else TRAIN_ACCURACY
        return VALID_LOSS if self.validation else TRAIN_LOSS

    def _refresh_chart(self) -> None:
        self._prepare(self.metric, SMOOTHING if self.smoothing else 0.0, self.query_one(MetricChart).point_budget,
                      self.log_scale)  # fmt: skip

    @property
    def log_scale(self) -> bool:
        return self.log_loss and not self.accuracy

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _prepare(self, metric: str, smoothing: float, budget: int, log: bool) -> None:
        """Fetch metrics once (first call), then extract, smooth and downsample — off the UI thread."""
        errors: dict[str, str] = {}
        if self.points is None:
            fetched: dict[str, list[MetricPoint]] = {}
            for job in self.jobs:
                try:
                    fetched[job.id] = self.aoft.service.metrics(job.id)
                except ServiceError as err:
                    errors[job.id] = f"{err.title}: {err}"
                except Exception as err:
                    errors[job.id] = f"{type(err).__name__}: {err}"
            self.points = fetched
        series, rows = compare_series(
            self.points,
            metric,
            smoothing=smoothing,
            budget=budget,
            higher_is_better=metric in ACCURACIES,
            log=log,
        )
        self.post_message(self.CompareReady(series, rows, errors, log))

    def on_compare_screen_compare_ready(self, message: CompareReady) -> None:
        for job_id, error in message.errors.items():
            self.notify(error, title=f"No metrics for {job_id[-8:]}", severity="error")
        chart = self.query_one(MetricChart)
        split = "validation" if self.validation else "training"
        what = "token accuracy" if self.accuracy else "loss"
        title = (
            f"{split} {what}" + (" (EMA)" if self.smoothing else "") + (" · log" if message.log_scale else "")
        )
        labels = {job.id: f"{job.short_id} {job.suffix or ''}".strip() for job in self.jobs}
        chart.show(message.series, title=title, ylabel=what, labels=labels, log=message.log_scale,
                   empty_text=f"no {split} {what} reported")  # fmt: skip
        rows: list[TableRow] = []
        for job in self.jobs:
            step, last, best = message.rows.get(job.id, (0, None, None))
            cells = (
                # the series' marker as well as its colour: the legend reads under NO_COLOR too
                Text(
                    chart.legend_glyph(job.id),
                    style="" if self.app.no_color else _RICH_COLOUR.get(chart.colour_for(job.id), "default"),
                ),
                job.short_id,
                fmt.status_label(job.status),
                fmt.ellipsize_middle(fmt.model_or_suffix(job), 28),
                str(step),
                fmt.DASH if last is None else f"{last:.4f}",
                fmt.DASH if best is None else f"{best:.4f}",
            )
            rows.append((None, cells))
        fill_table(self.query_one(DataTable), LEGEND_HEADINGS, rows)  # widths set before the paint
        self.loaded = True

    def action_toggle_metric(self) -> None:
        self.accuracy = not self.accuracy
        self._refresh_chart()

    def action_toggle_split(self) -> None:
        self.validation = not self.validation
        self._refresh_chart()

    def action_toggle_smoothing(self) -> None:
        self.smoothing = not self.smoothing
        self._refresh_chart()

    def action_toggle_log(self) -> None:
        self.log_loss = not self.log_loss
        self._refresh_chart()
