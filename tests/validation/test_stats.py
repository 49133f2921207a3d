"""Token statistics and billed tokens, against their definitions on sorted lists."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from aoft_tui.domain.validation.stats import TokenStats, billed_tokens

LENGTHS = st.lists(st.integers(1, 400), min_size=1, max_size=300)


def _nearest_rank(sorted_values: list[int], q: float) -> int:
    return sorted_values[max(1, math.ceil(q / 100 * len(sorted_values))) - 1]


@given(lengths=LENGTHS)
def test_token_stats_are_those_of_the_sorted_lengths(lengths: list[int]) -> None:
    s = sorted(lengths)
    stats = TokenStats.of(lengths)
    assert (stats.min, stats.p50, stats.p95, stats.max, stats.total) == (
        s[0],
        _nearest_rank(s, 50),
        _nearest_rank(s, 95),
        s[-1],
        sum(s),
    )
    assert stats.mean == round(sum(s) / len(s), 1)


def test_token_stats_of_nothing_are_zero() -> None:
    assert TokenStats.of([]) == TokenStats()


@given(lengths=LENGTHS, context=st.integers(1, 500), epochs=st.integers(1, 25))
def test_billed_tokens_cut_each_example_at_the_context(lengths: list[int], context: int, epochs: int) -> None:
    assert billed_tokens(lengths, context, epochs) == epochs * sum(min(n, context) for n in lengths)
