"""Chart-ready metric series: extraction, EMA smoothing, log-safe values, min/max downsampling.

Pure functions (no Textual, no I/O) so they run in a worker thread and in benchmarks.
A terminal chart is ~100 columns wide; drawing 100k points costs ~600 ms on the UI thread,
so `prepare_series` reduces each series to about two points per column first. Min/max
bucketing (rather than striding or averaging) keeps every spike and dip visible.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from aoft_tui.domain.metric_values import metric_value
from aoft_tui.domain.models import (
    FULL_VALID_ACCURACY,
    FULL_VALID_LOSS,
    TRAIN_ACCURACY,
    TRAIN_LOSS,
    TRAIN_REWARD,
    VALID_ACCURACY,
    VALID_LOSS,
    VALID_REWARD,
    MetricPoint,
)

# (xs, ys): x is the training step, y the metric value; sorted by x.
Series = tuple[list[float], list[float]]

POINTS_PER_COLUMN = 2
# Below this many points a series is drawn as is (bucketing two points gains nothing).
MIN_BUDGET = 8


def extract_series(points: Iterable[MetricPoint], names: Sequence[str]) -> dict[str, Series]:
    """One series per requested metric name, by step, skipping steps without a value (absent,
    not finite, or Azure's -1).

    Names with no value at all are left out, so the chart shows only what the job reported.
    The result keeps the order of `names` (which fixes legend order).
    """
    ordered = sorted(points, key=lambda p: p.step)
    out: dict[str, Series] = {}
    for name in names:
        xs: list[float] = []
        ys: list[float] = []
        for point in ordered:
            value = metric_value(point.values.get(name))  # None for Azure's -1 ("no value")
            if value is not None:
                xs.append(float(point.step))
                ys.append(value)
        if xs:
            out[name] = (xs, ys)
    return out


def downsample_minmax(xs: Sequence[float], ys: Sequence[float], max_points: int) -> Series:
    """At most `max_points` points: per bucket of consecutive points, its min and its max.

    Both extremes are emitted in step order, so the drawn line still goes through every
    peak and trough. The first and last points of the series are always kept, so the
    smallest useful budget is 4 (smaller ones are raised to it).
    """
    n = len(xs)
    if len(ys) != n:
        raise ValueError(f"xs and ys differ in length ({n} vs {len(ys)})")
    budget = max(max_points, 4)
    if n <= budget:
        return list(xs), list(ys)
    # Reserve the two ends, bucket the interior into pairs of (min, max).
    buckets = (budget - 2) // 2
    out_x: list[float] = [xs[0]]
    out_y: list[float] = [ys[0]]
    interior = n - 2
    for b in range(buckets):
        start = 1 + b * interior // buckets
        stop = 1 + (b + 1) * interior // buckets
        if start >= stop:
            continue
        lo = hi = start
        lo_v = hi_v = ys[start]
        for i in range(start + 1, stop):
            v = ys[i]
            if v < lo_v:
                lo, lo_v = i, v
            elif v > hi_v:
                hi, hi_v = i, v
        first, second = (lo, hi) if lo <= hi else (hi, lo)
        out_x.append(xs[first])
        out_y.append(ys[first])
        if second != first:
            out_x.append(xs[second])
            out_y.append(ys[second])
    out_x.append(xs[-1])
    out_y.append(ys[-1])
    return out_x, out_y


def ema(ys: Sequence[float], weight: float) -> list[float]:
    """Exponential moving average with TensorBoard's convention: `weight` in [0, 1).

    0 leaves the values unchanged; 0.9 smooths heavily. Debiased, so the start of the
    curve is not pulled towards zero.
    """
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"smoothing weight must be in [0, 1), got {weight}")
    if weight == 0.0:
        return list(ys)
    out: list[float] = []
    last = 0.0
    for i, y in enumerate(ys, start=1):
        last = last * weight + (1.0 - weight) * y
        out.append(last / (1.0 - weight**i))
    return out


def log_safe(ys: Sequence[float]) -> list[float]:
    """Values a log-scale axis can take: non-positive values are raised to a small floor.

    The floor is a tenth of the smallest positive value (or 1e-6 when there is none), so
    a loss of exactly 0 shows at the bottom of the chart instead of crashing `log10`.
    """
    positives = [y for y in ys if y > 0]
    floor = min(positives) / 10 if positives else 1e-6
    return [y if y > 0 else floor for y in ys]


def point_budget(plot_columns: int) -> int:
    """How many points to draw for a chart with this many columns."""
    return max(plot_columns * POINTS_PER_COLUMN, MIN_BUDGET)


def prepare_series(
    points: Iterable[MetricPoint],
    names: Sequence[str],
    *,
    max_points: int,
    smoothing: float = 0.0,
    log: bool = False,
) -> dict[str, Series]:
    """Everything a chart needs, in the order that is correct: smooth the full-resolution
    values, then make them log-safe, then downsample to `max_points` per series."""
    prepared: dict[str, Series] = {}
    for name, (xs, ys) in extract_series(points, names).items():
        if smoothing:
            ys = ema(ys, smoothing)
        if log:
            ys = log_safe(ys)
        prepared[name] = downsample_minmax(xs, ys, max_points)
    return prepared


def step_ticks(lo: float, hi: float, count: int = 5) -> tuple[list[float], list[str]]:
    """Round step numbers for the x axis (`0, 25k, 50k, …`) instead of `25000.8`."""
    span = hi - lo
    if span <= 0:
        return [lo], [_compact_step(lo, lo)]
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    nice = next(f * magnitude for f in (1, 2, 2.5, 5, 10) if f * magnitude >= raw)
    nice = max(nice, 1.0)  # steps are integers
    first = math.ceil(lo / nice) * nice
    ticks: list[float] = []
    tick = first
    while tick <= hi + 1e-9:
        ticks.append(tick)
        tick += nice
    return ticks, [_compact_step(t, hi) for t in ticks]


def _compact_step(step: float, scale: float) -> str:
    """One unit for every label of an axis, chosen by its largest value."""
    if abs(scale) >= 1_000_000:
        return f"{step / 1_000_000:g}M"
    if abs(scale) >= 10_000:
        return f"{step / 1000:g}k"
    return f"{step:g}"


def last_step(points: Sequence[MetricPoint]) -> int | None:
    """The highest step reported so far (None before the first metric)."""
    return max((p.step for p in points), default=None)


# --- what the job detail charts show ---------------------------------------------------------
# A "kind" switches a loss series and its accuracy twin on or off together.
KINDS: dict[str, tuple[str, str]] = {
    "train": (TRAIN_LOSS, TRAIN_ACCURACY),
    "valid": (VALID_LOSS, VALID_ACCURACY),
    "full": (FULL_VALID_LOSS, FULL_VALID_ACCURACY),
}
# A reinforcement job's second chart is its mean reward (Azure reports no full-valid reward).
REWARD_KINDS: dict[str, str] = {"train": TRAIN_REWARD, "valid": VALID_REWARD}
SMOOTHING_STEPS = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99)
DEFAULT_SMOOTHING = 0.6


@dataclass(frozen=True, slots=True)
class ChartOptions:
    """The user's view of the charts: which series, how much smoothing, log-scale loss."""

    kinds: frozenset[str] = field(default_factory=lambda: frozenset(KINDS))
    smoothing: float = 0.0
    log: bool = False
    # the weight `smooth on` goes back to (remembered while smoothing is off)
    last_smoothing: float = DEFAULT_SMOOTHING

    def toggled(self, kind: str) -> ChartOptions:
        return replace(self, kinds=self.kinds ^ {kind})

    def toggled_smoothing(self) -> ChartOptions:
        if self.smoothing:
            return replace(self, smoothing=0.0, last_smoothing=self.smoothing)
        return replace(self, smoothing=self.last_smoothing)

    def stepped_smoothing(self, direction: int) -> ChartOptions:
        """Next (+1) or previous (-1) weight of SMOOTHING_STEPS."""
        index = min(range(len(SMOOTHING_STEPS)), key=lambda i: abs(SMOOTHING_STEPS[i] - self.smoothing))
        index = max(0, min(len(SMOOTHING_STEPS) - 1, index + direction))
        weight = SMOOTHING_STEPS[index]
        return replace(self, smoothing=weight, last_smoothing=weight or self.last_smoothing)

    def toggled_log(self) -> ChartOptions:
        return replace(self, log=not self.log)

    def names(self, accuracy: bool) -> list[str]:
        """Metric names to draw, in fixed legend order."""
        column = 1 if accuracy else 0
        return [pair[column] for kind, pair in KINDS.items() if kind in self.kinds]


def has_reward(points: Sequence[MetricPoint]) -> bool:
    """A reinforcement job's metrics: they carry a mean reward."""
    return any(TRAIN_REWARD in p.values or VALID_REWARD in p.values for p in points)


def chart_data(
    points: Sequence[MetricPoint], options: ChartOptions, max_points: int
) -> tuple[dict[str, Series], dict[str, Series]]:
    """(loss series, second series) ready to draw: token accuracy, or for a reinforcement job
    its mean reward (train_reward_mean, valid_reward_mean). Log scale applies to loss only:
    accuracy and reward live in [0, 1] where a log axis only distorts."""
    loss = prepare_series(
        points, options.names(False), max_points=max_points, smoothing=options.smoothing, log=options.log
    )
    second = (
        [REWARD_KINDS[k] for k in REWARD_KINDS if k in options.kinds]
        if has_reward(points)
        else options.names(True)
    )
    accuracy = prepare_series(points, second, max_points=max_points, smoothing=options.smoothing)
    return loss, accuracy
