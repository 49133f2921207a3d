"""Dataset statistics: token distribution, duplicates, epochs, billed tokens and cost.

Epochs and billed tokens follow the OpenAI Cookbook's "Chat_finetuning_data_prep" rule
when `n_epochs` is auto: aim at 3 epochs, but at least 100 and at most 25,000 example
passes in total, between 1 and 25 epochs; each example is billed up to the training
context.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import accumulate, repeat
from typing import Any

TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25
MIN_EXAMPLES = 10  # Azure rejects a training file with fewer
FILES_API_LIMIT = 512 * 1024 * 1024  # bytes; larger files go through the Uploads API


def auto_epochs(n_examples: int) -> int:
    """The cookbook's default number of epochs for `n_examples` training examples."""
    if n_examples <= 0:
        return 0
    n_epochs = TARGET_EPOCHS
    if n_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        n_epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_examples)
    elif n_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        n_epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_examples)
    return n_epochs


def percentile(sorted_values: list[int], q: float) -> int:
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return 0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(slots=True)
class TokenStats:
    min: int = 0
    mean: float = 0.0
    p50: int = 0
    p95: int = 0
    max: int = 0
    total: int = 0

    @classmethod
    def of(cls, lengths: Sequence[int]) -> TokenStats:
        if not lengths:
            return cls()
        # Counting, not sorting: lengths repeat a lot (100k examples hold a few hundred
        # distinct values), and Counter counts in C: cheaper than sorting them.
        counts = Counter(lengths)
        values = sorted(counts)
        ranks = list(accumulate(counts[v] for v in values))  # examples up to each value
        n = len(lengths)
        total = sum(v * counts[v] for v in values)

        def percentile_of(q: float) -> int:  # nearest rank, as `percentile`
            return values[bisect_left(ranks, max(1, math.ceil(q / 100 * n)))]

        return cls(values[0], round(total / n, 1), percentile_of(50), percentile_of(95), values[-1], total)


@dataclass(slots=True)
class FileStats:
    """What the validator learned about one file. Cost fields are set on the training file."""

    file: str
    format: str
    size_bytes: int = 0
    lines: int = 0
    examples: int = 0
    messages: int = 0
    image_examples: int = 0
    tokens: TokenStats = field(default_factory=TokenStats)
    assistant_tokens: int = 0
    trained_tokens: int = 0
    over_context: int = 0
    duplicates: int = 0
    overlap_with_training: int = 0
    encoding: str = "o200k_base"
    context_tokens: int = 0
    # training file only
    epochs: int | None = None
    epochs_auto: bool | None = None
    billed_tokens: int | None = None
    price_per_million: float | None = None
    est_cost_usd: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def billed_tokens(lengths: Sequence[int], context: int, epochs: int) -> int:
    """Tokens billed: each example up to the context (longer ones are truncated), per epoch."""
    if max(lengths, default=0) <= context:
        return epochs * sum(lengths)
    return epochs * sum(map(min, lengths, repeat(context)))


def estimate_cost(billed: int, price_per_million: float | None) -> float | None:
    if price_per_million is None:
        return None
    return round(billed / 1_000_000 * price_per_million, 2)


def histogram(lengths: list[int] | Any, bins: int = 30) -> tuple[list[float], list[int], float]:
    """Equal-width bins of token lengths: (bin centres, counts, bin width).

    Computed once off the UI thread, so a chart draws `bins` bars, not 100,000 values."""
    values = list(lengths)
    if not values:
        return [], [], 0.0
    lo, hi = min(values), max(values)
    if lo == hi:
        return [float(lo)], [len(values)], 1.0
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / width))] += 1
    centres = [lo + width * (i + 0.5) for i in range(bins)]
    return centres, counts, width
