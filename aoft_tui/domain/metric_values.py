"""Which numbers in Azure's metrics are values, and which mean "no value".

Azure's results.csv writes `-1` in a metric column on a step that has no such value
(validation columns on a step without validation, `full_valid_*` outside epoch ends);
Azure's own pipeline drops those rows before logging (tests/fixtures/azure-real/SOURCE.md).
No loss or accuracy Azure reports is exactly -1, so exactly -1 is "missing" everywhere:
kept as a value, it draws a dip to -1 and reaches W&B as a real point.
"""

from __future__ import annotations

import math

NO_VALUE = -1.0


def metric_value(value: float | None) -> float | None:
    """`value` as a float, or None when it is missing, Azure's -1, NaN or infinite."""
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    if number == NO_VALUE or not math.isfinite(number):
        return None
    return number


def present_metrics(values: dict[str, float]) -> dict[str, float]:
    """The entries of `values` that are real values (see `metric_value`)."""
    return {name: v for name, value in values.items() if (v := metric_value(value)) is not None}
