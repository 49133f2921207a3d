"""Shared vocabulary for the per-format checks.

A check appends `(code, location, message)` tuples to an `Issues` list and the texts the
model reads to a `Texts` record; the scanner turns them into problems with line numbers
and into token counts. Nothing here raises on bad data.
"""

from __future__ import annotations

import json
import re
from typing import Any

Issues = list[tuple[str, str | None, str]]

# Categories of text for token counting.
PROMPT = 0  # read by the model, not trained on
TRAINED = 1  # assistant output the model is trained on
UNTRAINED = 2  # assistant output with weight 0

_SPECIAL = re.compile(r"<\|[A-Za-z0-9_]+\|>")


class Texts:
    """The texts of one example, by category (prompt, trained, untrained output), plus
    tokens known without encoding (the cookbook's per-message overhead, 1-token roles)."""

    __slots__ = ("prompt", "trained", "untrained", "fixed")

    def __init__(self) -> None:
        self.prompt: list[str] = []
        self.trained: list[str] = []
        self.untrained: list[str] = []
        self.fixed = 0

    def add(self, text: str, cat: int) -> None:
        (self.prompt, self.trained, self.untrained)[cat].append(text)

    @property
    def texts(self) -> list[str]:
        return self.prompt + self.trained + self.untrained


def check_special_text(text: str, loc: str, issues: Issues) -> None:
    """`<|endoftext|>` typed in data is trained on as plain text; usually a copy-paste slip."""
    if "<|" in text:
        m = _SPECIAL.search(text)
        if m:
            issues.append(("special_token_text", loc,
                           f"The text contains {m.group(0)}, which is trained as ordinary text, "
                           "not as a special token: remove it unless you mean the literal string."))


# One encoder for all calls: json.dumps with these options builds a new encoder each time,
# which is half the cost of a small value.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def compact_json(value: Any) -> str:
    """A value as the compact JSON that is counted for tool definitions and calls ("" when
    it cannot be serialised)."""
    try:
        return _COMPACT(value)
    except (ValueError, TypeError, RecursionError):
        return ""
