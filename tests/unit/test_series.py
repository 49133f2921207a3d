"""domain.series: what the charts draw must keep every spike, stay bounded and be log-safe."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoft_tui.domain.models import TRAIN_LOSS, VALID_LOSS, MetricPoint
from aoft_tui.domain.series import (
    downsample_minmax,
    ema,
    extract_series,
    log_safe,
    point_budget,
    prepare_series,
    step_ticks,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def _xy(ys: list[float]) -> tuple[list[float], list[float]]:
    return [float(i) for i in range(len(ys))], ys


@given(st.lists(finite, min_size=0, max_size=400), st.integers(min_value=2, max_value=120))
def test_downsample_is_bounded_and_keeps_global_extremes_and_ends(ys, budget):
    xs, ys = _xy(ys)
    out_x, out_y = downsample_minmax(xs, ys, budget)
    assert len(out_x) == len(out_y) <= max(budget, 4)
    if ys:
        assert max(out_y) == max(ys)
        assert min(out_y) == min(ys)
        assert (out_x[0], out_x[-1]) == (xs[0], xs[-1])
    # x stays in order and every output point is a real input point
    assert out_x == sorted(out_x)
    assert all(ys[int(x)] == y for x, y in zip(out_x, out_y, strict=True))


def test_downsample_keeps_min_and_max_of_every_bucket():
    rng = random.Random(3)
    ys = [rng.random() for _ in range(10_000)]
    # Single-point spikes that striding would drop.
    ys[4_321] = 50.0
    ys[7_777] = -50.0
    xs, ys = _xy(ys)
    out_x, out_y = downsample_minmax(xs, ys, 200)
    assert len(out_x) <= 200
    assert 50.0 in out_y and -50.0 in out_y
    # Each interior bucket of ~100 points contributes its own extremes.
    buckets = 99
    interior = len(ys) - 2
    kept = set(zip(out_x, out_y, strict=True))
    for b in range(buckets):
        start, stop = 1 + b * interior // buckets, 1 + (b + 1) * interior // buckets
        chunk = ys[start:stop]
        lo = start + chunk.index(min(chunk))
        hi = start + chunk.index(max(chunk))
        assert (xs[lo], ys[lo]) in kept
        assert (xs[hi], ys[hi]) in kept


def test_downsample_short_series_unchanged_and_copied():
    xs, ys = [1.0, 2.0, 3.0], [0.5, 0.4, 0.3]
    out = downsample_minmax(xs, ys, 100)
    assert out == (xs, ys)
    assert out[0] is not xs


def test_downsample_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="differ in length"):
        downsample_minmax([1.0, 2.0], [1.0], 10)


def test_ema_matches_tensorboard_debiased_formula():
    ys = [1.0, 0.0, 0.0, 1.0]
    w = 0.5
    expected, last = [], 0.0
    for i, y in enumerate(ys, start=1):
        last = last * w + (1 - w) * y
        expected.append(last / (1 - w**i))
    assert ema(ys, w) == pytest.approx(expected)
    assert ema(ys, w)[0] == 1.0  # debiased: starts at the first value, not pulled to 0


def test_ema_zero_weight_is_identity_and_smoothing_reduces_variance():
    rng = random.Random(1)
    ys = [1 + rng.gauss(0, 0.3) for _ in range(2_000)]
    assert ema(ys, 0.0) == ys
    smooth = ema(ys, 0.9)

    def var(v):
        mean = sum(v) / len(v)
        return sum((x - mean) ** 2 for x in v) / len(v)

    assert var(smooth[100:]) < var(ys[100:]) / 5


@pytest.mark.parametrize("weight", [-0.1, 1.0, 1.5])
def test_ema_rejects_weights_outside_unit_interval(weight):
    with pytest.raises(ValueError, match="smoothing weight"):
        ema([1.0], weight)


def test_ema_empty():
    assert ema([], 0.6) == []


def test_log_safe_raises_non_positive_values_to_a_floor_below_the_data():
    out = log_safe([2.0, 0.0, -1.0, 0.5])
    assert out[0] == 2.0 and out[3] == 0.5
    assert out[1] == out[2] == pytest.approx(0.05)
    assert all(math.log10(v) < math.log10(0.5) for v in out[1:3])
    assert log_safe([0.0, -3.0]) == [1e-6, 1e-6]
    assert log_safe([]) == []


def test_extract_series_orders_by_step_skips_missing_and_non_finite():
    points = [
        MetricPoint(3, {TRAIN_LOSS: 0.7}),
        MetricPoint(1, {TRAIN_LOSS: 1.0, VALID_LOSS: 1.1}),
        MetricPoint(2, {TRAIN_LOSS: float("nan")}),
        MetricPoint(4, {TRAIN_LOSS: 0.6, VALID_LOSS: float("inf")}),
    ]
    out = extract_series(points, [VALID_LOSS, TRAIN_LOSS, "full_valid_loss"])
    assert list(out) == [VALID_LOSS, TRAIN_LOSS]  # order of the request, absent ones dropped
    assert out[TRAIN_LOSS] == ([1.0, 3.0, 4.0], [1.0, 0.7, 0.6])
    assert out[VALID_LOSS] == ([1.0], [1.1])
    assert extract_series([], [TRAIN_LOSS]) == {}


def test_prepare_series_smooths_before_downsampling_and_is_log_safe():
    points = [MetricPoint(i, {TRAIN_LOSS: 0.0 if i % 2 else 1.0}) for i in range(1, 5_001)]
    out = prepare_series(points, [TRAIN_LOSS], max_points=100, smoothing=0.9, log=True)
    xs, ys = out[TRAIN_LOSS]
    assert len(xs) <= 100
    assert min(ys) > 0  # zeros made log-safe
    # Smoothing happened on the full series: late values sit near the mean (0.5), not 0 or 1.
    assert all(0.3 < y < 0.7 for y in ys[10:])


def test_point_budget_two_per_column_with_a_floor():
    assert point_budget(100) == 200
    assert point_budget(1) == 8


@pytest.mark.parametrize(
    ("lo", "hi", "labels"),
    [
        (1, 100_000, ["25k", "50k", "75k", "100k"]),
        (1, 12_345, ["5k", "10k"]),
        (0, 3, ["0", "1", "2", "3"]),
        (7, 7, ["7"]),
    ],
)
def test_step_ticks_are_round_and_compact(lo, hi, labels):
    ticks, got = step_ticks(lo, hi)
    assert got == labels
    assert all(lo <= t <= hi for t in ticks)


def test_chart_options_toggles_and_smoothing_steps():
    from aoft_tui.domain.models import TRAIN_ACCURACY, VALID_ACCURACY
    from aoft_tui.domain.series import DEFAULT_SMOOTHING, SMOOTHING_STEPS, ChartOptions

    opts = ChartOptions()
    assert opts.names(False) == [TRAIN_LOSS, VALID_LOSS, "full_valid_loss"]
    opts = opts.toggled("full")
    assert opts.names(True) == [TRAIN_ACCURACY, VALID_ACCURACY]
    assert opts.toggled("full").names(False)[-1] == "full_valid_loss"

    on = opts.toggled_smoothing()
    assert on.smoothing == DEFAULT_SMOOTHING
    off = on.stepped_smoothing(+1).toggled_smoothing()
    assert off.smoothing == 0.0
    # switching back on returns to the weight the user chose, not the default
    assert off.toggled_smoothing().smoothing == SMOOTHING_STEPS[SMOOTHING_STEPS.index(DEFAULT_SMOOTHING) + 1]
    top = ChartOptions(smoothing=SMOOTHING_STEPS[-1]).stepped_smoothing(+1)
    assert top.smoothing == SMOOTHING_STEPS[-1]
    assert ChartOptions().stepped_smoothing(-1).smoothing == 0.0
    assert ChartOptions().toggled_log().log is True


def test_chart_data_log_applies_to_loss_only():
    from aoft_tui.domain.models import TRAIN_ACCURACY
    from aoft_tui.domain.series import ChartOptions, chart_data

    points = [MetricPoint(i, {TRAIN_LOSS: 0.0, TRAIN_ACCURACY: 0.0}) for i in range(1, 50)]
    loss, accuracy = chart_data(points, ChartOptions(log=True), 20)
    assert min(loss[TRAIN_LOSS][1]) > 0
    assert accuracy[TRAIN_ACCURACY][1][0] == 0.0
    assert len(loss[TRAIN_LOSS][0]) <= 20


def test_minus_one_is_no_value_in_every_chart_series() -> None:
    """Azure's "-1" (no validation on this step) never becomes a dip to -1 in a chart."""
    points = [
        MetricPoint(1, {TRAIN_LOSS: 2.0, VALID_LOSS: 2.2}),
        MetricPoint(2, {TRAIN_LOSS: 1.8, VALID_LOSS: -1.0}),
        MetricPoint(3, {TRAIN_LOSS: 1.5, VALID_LOSS: 1.7}),
    ]
    series = extract_series(points, [TRAIN_LOSS, VALID_LOSS])
    assert series[VALID_LOSS] == ([1.0, 3.0], [2.2, 1.7])
    assert series[TRAIN_LOSS] == ([1.0, 2.0, 3.0], [2.0, 1.8, 1.5])
    smoothed = prepare_series(points, [VALID_LOSS], max_points=100, smoothing=0.6, log=True)
    assert smoothed[VALID_LOSS][0] == [1.0, 3.0] and min(smoothed[VALID_LOSS][1]) > 1.0
    only_missing = [MetricPoint(s, {VALID_LOSS: -1.0}) for s in range(1, 5)]
    assert extract_series(only_missing, [VALID_LOSS]) == {}  # no series, not a flat line at -1


def test_a_reinforcement_job_charts_its_reward_where_others_chart_token_accuracy() -> None:
    from aoft_tui.domain.models import TRAIN_REWARD, VALID_REWARD, MetricPoint
    from aoft_tui.domain.series import ChartOptions, chart_data

    rft = [
        MetricPoint(
            s,
            {
                "train_loss": 1.0 / s,
                TRAIN_REWARD: 0.1 * s,
                VALID_REWARD: 0.08 * s,
                "train_reasoning_tokens_mean": 2000.0 - s,
            },
        )
        for s in range(1, 6)
    ]
    sft = [
        MetricPoint(s, {"train_loss": 1.0 / s, "train_mean_token_accuracy": 0.5 + 0.01 * s})
        for s in range(1, 6)
    ]
    loss, second = chart_data(rft, ChartOptions(), 100)
    assert list(loss) == ["train_loss"] and list(second) == [TRAIN_REWARD, VALID_REWARD]
    assert second[TRAIN_REWARD][1] == [0.1 * s for s in range(1, 6)]
    _, hidden_valid = chart_data(rft, ChartOptions().toggled("valid"), 100)
    assert list(hidden_valid) == [TRAIN_REWARD]  # `a` hides the valid reward as it hides valid accuracy
    assert list(chart_data(sft, ChartOptions(), 100)[1]) == ["train_mean_token_accuracy"]
