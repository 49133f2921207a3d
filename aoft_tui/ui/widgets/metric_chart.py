"""A line chart of metric series (loss, accuracy, …) over training steps.

Interface (used by the job detail screen, the main screen's preview and the compare view):

    chart = MetricChart(title="loss", id="loss-chart")          # compose it like any widget
    budget = chart.point_budget                                   # ~2 points per plot column
    # in a thread worker: data = series.prepare_series(points, LOSS_SERIES, max_points=budget)
    chart.show(data, ylabel="loss", log=False)                    # on the UI thread
    chart.show({})                                                # → "waiting for metrics…"

- `show(series, *, ylabel="", log=False, title=None, labels=None, empty_text=None)`: `series` maps a
  series name to `(xs, ys)`, ALREADY downsampled (see `aoft_tui.domain.series`); with
  `log=True` the values must be positive (`series.log_safe` / `prepare_series(log=True)`).
  Nothing is recomputed in `render` beyond plotext's own drawing.
- Colours are fixed per series name: the metric names in `domain.models` always get the
  same colour (train = bright blue, valid = bright yellow, full valid = bright magenta: ANSI
  colours, so 16-colour terminals keep them apart); any other name (a job id
  in the compare view) gets the next free colour of a palette, and keeps it for the life
  of the widget — so toggling a series never recolours the others.
- `labels`: optional name → legend label mapping (defaults to friendly metric names).
- `series` / `series_names` tell what is drawn now; `point_count` how many points in total.
- Empty state: a centred, muted "waiting for metrics…" (or `empty_text`).
- Each series also has a marker (`marker_for`: the braille line, then `•`, `x`, `+`, …) so
  series stay apart without colour (NO_COLOR, monochrome, colour-blind readers).
- The legend (each series' coloured marker + label) is a line above the plot, never over the curves.
- `threaded=True`: plotext builds the picture in a worker thread (it costs 15-50 ms per
  chart even on downsampled data); the UI thread only pastes the result. Use it for charts
  that redraw while data streams in; wait for workers before a snapshot.
- plotext (through textual-plotext's `Plot`) is imported at the first drawing, not with this
  module: ~25 ms that the dashboard's first paint, which shows "loading metrics…", never
  needs. So this is a plain Widget that does what `PlotextPlot` does for us (figure, theme).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color as TextualColor
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from aoft_tui.domain import models as m
from aoft_tui.domain.series import Series, point_budget, step_ticks

if TYPE_CHECKING:
    from textual_plotext.plot import Color as PlotColor
    from textual_plotext.plot import Plot

# ANSI colour names: readable in 16-colour terminals and on dark or light themes.
METRIC_COLOURS: dict[str, str] = {
    m.TRAIN_LOSS: "blue+",
    m.TRAIN_ACCURACY: "blue+",
    m.VALID_LOSS: "orange+",
    m.VALID_ACCURACY: "orange+",
    m.FULL_VALID_LOSS: "magenta+",
    m.FULL_VALID_ACCURACY: "magenta+",
}
PALETTE: tuple[str, ...] = (
    "cyan+", "orange+", "magenta+", "green+", "red+", "blue+", "gray+", "cyan", "green", "red",
)  # fmt: skip

# A marker per series as well as a colour, so series stay apart under NO_COLOR, on
# monochrome terminals and for colour-blind readers: the first is the dense braille line,
# the others are drawn with a character of their own (one cell per point).
METRIC_MARKERS: dict[str, str] = {
    m.TRAIN_LOSS: "braille",
    m.TRAIN_ACCURACY: "braille",
    m.VALID_LOSS: "•",
    m.VALID_ACCURACY: "•",
    m.FULL_VALID_LOSS: "x",
    m.FULL_VALID_ACCURACY: "x",
}
MARKERS: tuple[str, ...] = ("braille", "•", "x", "+", "o", "*", "#", "=", "~", "%")

METRIC_LABELS: dict[str, str] = {
    m.TRAIN_LOSS: "train",
    m.VALID_LOSS: "valid",
    m.FULL_VALID_LOSS: "full valid",
    m.TRAIN_ACCURACY: "train",
    m.VALID_ACCURACY: "valid",
    m.FULL_VALID_ACCURACY: "full valid",
    m.TRAIN_REWARD: "train",
    m.VALID_REWARD: "valid",
}

EMPTY_TEXT = "waiting for metrics…"
# Plotext's y-axis labels and frame take columns that cannot hold data points.
_AXIS_COLUMNS = 10


class MetricChart(Widget):
    """Metric series over steps, drawn with plotext in braille (2×4 dots per cell)."""

    DEFAULT_CSS = """
    MetricChart {
        width: 1fr;
        height: 1fr;
        min-height: 6;
    }
    MetricChart.-empty {
        content-align: center middle;
        color: $text-muted;
    }
    """

    def __init__(
        self,
        title: str = "",
        *,
        empty_text: str = EMPTY_TEXT,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        threaded: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._figure: Plot | None = None  # made at the first unthreaded drawing
        self.threaded = threaded
        # threaded mode: the last plot built off the UI thread, and the size it was built for
        self._built: Text | None = None
        self._built_size: tuple[int, int] | None = None
        self._generation = 0
        self.chart_title = title
        self._empty_text = empty_text
        self._series: dict[str, Series] = {}
        self._assigned: dict[str, str] = {}
        self._log = False
        self._labels: dict[str, str] = {}
        self._ylabel = ""
        self.add_class("-empty")

    # --- public interface -----------------------------------------------------------------
    @property
    def point_budget(self) -> int:
        """Points per series worth drawing at the current width (read it from a worker)."""
        return point_budget(max(self.size.width - _AXIS_COLUMNS, 10))

    @property
    def series_names(self) -> list[str]:
        return list(self._series)

    @property
    def series(self) -> dict[str, Series]:
        """What is drawn now (a copy): name → (xs, ys)."""
        return {name: (list(xs), list(ys)) for name, (xs, ys) in self._series.items()}

    @property
    def log_scale(self) -> bool:
        return self._log

    @property
    def point_count(self) -> int:
        return sum(len(xs) for xs, _ in self._series.values())

    def colour_for(self, name: str) -> str:
        """The plotext colour this series is (or will be) drawn in."""
        if name in METRIC_COLOURS:
            return METRIC_COLOURS[name]
        if name not in self._assigned:
            used = set(self._assigned.values())
            free = [c for c in PALETTE if c not in used]
            self._assigned[name] = free[0] if free else PALETTE[len(self._assigned) % len(PALETTE)]
        return self._assigned[name]

    def marker_for(self, name: str) -> str:
        """The plotext marker of this series: `braille` or one character."""
        if name in METRIC_MARKERS:
            return METRIC_MARKERS[name]
        self.colour_for(name)  # markers follow the colour's order of assignment
        return MARKERS[list(self._assigned).index(name) % len(MARKERS)]

    def legend_glyph(self, name: str) -> str:
        """What the legend shows for a series: its marker, twice (`⠒⠒` for the braille line)."""
        marker = self.marker_for(name)
        return "⠒⠒" if marker == "braille" else marker * 2

    def show(
        self,
        series: Mapping[str, Series],
        *,
        ylabel: str = "",
        log: bool = False,
        title: str | None = None,
        labels: Mapping[str, str] | None = None,
        empty_text: str | None = None,
    ) -> None:
        """Replace what is drawn (UI thread only). `series` must already be downsampled."""
        if title is not None:
            self.chart_title = title
        if empty_text is not None:
            self._empty_text = empty_text
        self._series = {k: v for k, v in series.items() if v[0]}
        self._log = log
        self._labels = {
            name: (labels or {}).get(name) or METRIC_LABELS.get(name, name) for name in self._series
        }
        self._ylabel = ylabel
        self._generation += 1
        if self.threaded:
            self._build_in_thread()
        elif self._series:  # an empty chart is only text: no plotext needed
            _draw(self.plt, self._series, self._colours(), log, self._markers())
        self.set_class(not self._series, "-empty")
        self.refresh()

    @property
    def plt(self) -> Plot:
        """The plotext figure this chart draws on (UI-thread drawings)."""
        if self._figure is None:
            from textual_plotext.plot import Plot

            self._figure = Plot()
        return self._figure

    # --- rendering --------------------------------------------------------------------------
    def legend(self) -> Text:
        """`loss   ⠒⠒ train   •• valid   x axis: step` — above the plot, so it never hides data
        (plotext draws its own legend over the top-left of the curves)."""
        from plotext._dict import color_codes

        line = Text()
        line.append(self.chart_title or self._ylabel, style="bold")
        for name, label in self._labels.items():
            code = None if self.app.no_color else color_codes.get(self.colour_for(name))
            line.append("   ")
            line.append(
                self.legend_glyph(name), Style(color=Color.from_ansi(code)) if code is not None else ""
            )
            line.append(f" {label}")
        line.append("   x axis: step", style="dim")  # not `x = step`: x is a marker too
        return line

    def _colours(self) -> dict[str, str]:
        if self.app.no_color:  # greyed, a colour can fade to near-invisible: markers tell them apart
            return dict.fromkeys(self._series, "default")
        return {name: self.colour_for(name) for name in self._series}

    def _markers(self) -> dict[str, str]:
        return {name: self.marker_for(name) for name in self._series}

    def _plot_size(self) -> tuple[int, int]:
        # one row fewer than the widget: the legend line sits above the plot
        return self.size.width, max(self.size.height - 1, 3)

    def _build_in_thread(self) -> None:
        """Build the plot's text in a worker: plotext costs ~15-50 ms per chart even on
        downsampled data, which would otherwise stall the UI on every update."""
        width, height = self._plot_size()
        if not self._series or width <= 0:
            self.refresh()
            return
        job = partial(
            _build_text,
            dict(self._series),
            self._colours(),
            self._markers(),
            self._log,
            width,
            height,
            self._auto_theme(),
            self._generation,
        )
        self.run_worker(job, thread=True, exclusive=True, group=f"chart-{id(self)}", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != f"chart-{id(self)}" or event.state is not WorkerState.SUCCESS:
            return
        generation, size, text = cast(
            "tuple[int, tuple[int, int], Text]", event.worker.result
        )  # _build_text's
        if generation == self._generation:
            self._built, self._built_size = text, size
            self.refresh()

    def on_resize(self) -> None:
        if self.threaded and self._series and self._built_size != self._plot_size():
            self._build_in_thread()

    def render(self) -> RenderResult:
        if not self._series:
            heading = f"{self.chart_title}\n\n" if self.chart_title else ""
            return Text(f"{heading}{self._empty_text}", justify="center")
        width, height = self._plot_size()
        legend = self.legend()
        legend.truncate(width, overflow="ellipsis")
        if self.threaded:
            # The last plot built for this data (a resize shows it until the rebuild lands).
            return Text.assemble(legend, "\n", self._built or Text("drawing…", style="dim"))
        # As PlotextPlot.render, one row shorter for the legend line.
        plt = self.plt
        plt.plotsize(width, height)
        plt._set_size(width, height)
        plt.theme(_use_theme(self._auto_theme()))
        _y_ticks(plt, self._series, self._log, height)
        return Text.assemble(legend, "\n", Text.from_ansi(plt.build()))

    def _auto_theme(self) -> tuple[str, tuple]:
        """PlotextPlot's "auto" theme: the plot's background and text follow the app theme
        (the name and the colours; registered with plotext where the drawing happens)."""
        variables = self.app.theme_variables
        surface = TextualColor.parse(variables.get("surface")).rgb
        foreground = TextualColor.parse(variables.get("foreground")).rgb
        return f"textual-auto-{self.app.theme}", (surface, foreground)


def _draw(
    plt: Plot, series: Mapping[str, Series], colours: Mapping[str, str], log: bool, markers: Mapping[str, str]
) -> None:
    plt.clear_figure()
    plt.yscale("log" if log else "linear")
    # braille lines first: a marker drawn after them stays on top, where it can be seen
    for name, (xs, ys) in sorted(series.items(), key=lambda item: markers[item[0]] != "braille"):
        plt.plot(xs, ys, marker=markers[name], color=colours[name])
    if series:
        lo = min(xs[0] for xs, _ in series.values())
        hi = max(xs[-1] for xs, _ in series.values())
        plt.xticks(*step_ticks(lo, hi))


def nice_ticks(lo: float, hi: float, count: int) -> tuple[list[float], list[str]]:
    """About `count` evenly spaced round values (a step of 1, 2, 2.5 or 5 × 10ⁿ) within
    [lo, hi], labelled with the same number of decimals: plotext's own y labels were
    uneven and skipped values (`2.04 1.72 1.41 0.77 0.46`)."""
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return [lo], [f"{lo:.4g}"]
    raw = span / max(count - 1, 1)
    exponent = math.floor(math.log10(raw))
    steps = [(f, e) for e in (exponent - 1, exponent) for f in (1, 2, 2.5, 5)] + [(1, exponent + 1)]
    # the roundest step no smaller than `raw`, or a finer one if fewer than two ticks fit
    candidates = [fe for fe in steps if fe[0] * 10 ** fe[1] >= raw * (1 - 1e-9)]
    candidates += [fe for fe in reversed(steps) if fe not in candidates]
    for factor, power in candidates:
        step = factor * 10**power
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        if last - first >= 1:
            break
    decimals = max(0, -math.floor(math.log10(step)) + (1 if factor == 2.5 else 0))
    ticks = [round(i * step, decimals + 2) for i in range(first, last + 1)]
    return ticks, [f"{tick:.{decimals}f}" for tick in ticks]


def _y_ticks(plt: Plot, series: Mapping[str, Series], log: bool, height: int) -> None:
    """Explicit y ticks, about one per four rows (log axes keep plotext's decades)."""
    values = [y for _, ys in series.values() for y in ys]
    if log or not values:
        return
    plt.yticks(*nice_ticks(min(values), max(values), max(2, min(8, height // 4))))


def _build_text(
    series: Mapping[str, Series],
    colours: Mapping[str, str],
    markers: Mapping[str, str],
    log: bool,
    width: int,
    height: int,
    theme: tuple[str, tuple],
    generation: int,
) -> tuple[int, tuple[int, int], Text]:
    """Runs in a worker thread, on a figure of its own (plotext figures share no state)."""
    from textual_plotext.plot import Plot

    plt = Plot()
    _draw(plt, series, colours, log, markers)
    plt.plotsize(width, height)
    plt._set_size(width, height)
    plt.theme(_use_theme(theme))
    _y_ticks(plt, series, log, height)
    return generation, (width, height), Text.from_ansi(plt.build())


def _use_theme(theme: tuple[str, tuple]) -> str:
    """Register an "auto" theme with plotext once (as PlotextPlot does) and return its name."""
    from plotext._dict import themes
    from textual_plotext.plot import _rgbify_theme, _sequence

    name, (surface, foreground) = theme
    if name not in themes:
        # cast: textual_plotext types the colours as an invariant list[Color] (a Sequence is what it
        # reads), which its own _sequence, a list of RGB tuples, is not to mypy
        colours = cast("list[PlotColor]", _sequence)
        themes[name] = _rgbify_theme(surface, surface, foreground, "default", colours)
    return name
