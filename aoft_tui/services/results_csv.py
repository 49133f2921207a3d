"""Parse a job's `results.csv` (purpose `fine-tune-results`) into metric points.

Azure serves this file in several shapes: plain CSV or base64 of it, with
`valid_mean_token_accuracy` or `validation_mean_token_accuracy`, with or without the
validation columns, with `-1` (the live service) or empty cells for "no value". A pure function, so odd inputs are
unit-tested without a server.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import math
import re

from aoft_tui.domain.metric_values import metric_value
from aoft_tui.domain.models import MetricPoint

# Spellings Azure and OpenAI use for the same series -> the domain's constants.
_ALIASES = {
    "validation_loss": "valid_loss",
    "validation_mean_token_accuracy": "valid_mean_token_accuracy",
    "full_validation_loss": "full_valid_loss",
    "full_validation_mean_token_accuracy": "full_valid_mean_token_accuracy",
    "training_loss": "train_loss",
    "train_accuracy": "train_mean_token_accuracy",
}
_BASE64_RE = re.compile(rb"^[A-Za-z0-9+/=\s]+$")


class ResultsFormatError(ValueError):
    """The content is not a results CSV (no `step` column, or not text at all)."""


def normalise_metric_name(name: str) -> str:
    key = name.strip().lower()
    return _ALIASES.get(key, key)


def decode_maybe_base64(data: bytes) -> bytes:
    """Return `data` decoded when it is base64 (Azure sends result files that way), else as is.

    CSV and JSONL always contain characters outside the base64 alphabet (`,` `{` `"`),
    so a body made only of that alphabet is base64.
    """
    stripped = data.strip()
    if not stripped or not _BASE64_RE.match(stripped):
        return data
    try:
        return base64.b64decode(b"".join(stripped.split()), validate=True)
    except (binascii.Error, ValueError):
        return data


def _to_float(cell: str | None) -> float | None:
    if cell is None:
        return None
    cell = cell.strip()
    if not cell:
        return None
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_results_csv(content: bytes | str) -> list[MetricPoint]:
    """Metric points by ascending step; empty or missing cells, and Azure's `-1` for
    "no value", are simply absent.

    Raises ResultsFormatError when there is no `step` column (not a results file).
    """
    raw = content.encode() if isinstance(content, str) else content
    raw = decode_maybe_base64(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ResultsFormatError(f"results file is not UTF-8 text ({exc.reason})") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return []
    names = [normalise_metric_name(h) for h in header]
    if "step" not in names:
        raise ResultsFormatError(f"results file has no 'step' column (columns: {', '.join(header)})")
    step_index = names.index("step")
    by_step: dict[int, dict[str, float]] = {}
    for row in reader:
        if step_index >= len(row):
            continue
        step = _to_float(row[step_index])
        if step is None:
            continue
        values = by_step.setdefault(int(step), {})
        for index, name in enumerate(names):
            if index == step_index or index >= len(row) or not name:
                continue
            value = metric_value(_to_float(row[index]))  # Azure's -1 is "no value"
            if value is not None:
                values[name] = value
    return [MetricPoint(step=step, values=values) for step, values in sorted(by_step.items()) if values]
