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


# The special tokens of the tokenizers of Azure's fine-tunable models: cl100k_base has all
# five; o200k_base publishes only <|endoftext|> and <|endofprompt|>. The service tokenizes
# training text with specials refused and fails the job on the first one: "Invalid file
# format. Example 6174 message contains an invalid token: <|fim_suffix|>."
# (johny-b/llmcomp#59; the report does not name the model). All five are refused for every
# model: a literal marker costs the user an edit, a missed one a failed job.
SPECIAL_TOKENS = frozenset(
    {"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"}
)


def special_token_in(text: str) -> str | None:
    """The first special token of the model's tokenizer that `text` spells, else None."""
    if "<|" in text:
        for m in _SPECIAL.finditer(text):
            if m.group(0) in SPECIAL_TOKENS:
                return m.group(0)
    return None


def check_special_text(text: str, loc: str, issues: Issues) -> None:
    """A special token spelled in data fails the job; other `<|name|>` text (ChatML's
    <|im_start|>, say) is trained as ordinary text, usually a copy-paste slip."""
    if "<|" in text:
        token = special_token_in(text)
        if token is not None:
            issues.append(
                (
                    "special_token",
                    loc,
                    f"{loc} contains {token}, a special token of the model's tokenizer: the "
                    'service fails the job ("message contains an invalid token"). Remove it, '
                    f'or break it up (e.g. "{token[:2]} {token[2:-2]} {token[-2:]}") if you '
                    "mean the literal text.",
                )
            )
            return
        m = _SPECIAL.search(text)
        if m:
            issues.append(
                (
                    "special_token_text",
                    loc,
                    f"The text contains {m.group(0)}, which is trained as ordinary text, "
                    "not as a special token: remove it unless you mean the literal string.",
                )
            )


def check_special_json(value: Any, text: str, loc: str, issues: Issues) -> None:
    """Special-token text anywhere in a JSON value sent to the model (tool definitions, tool
    calls), reported at the string that holds it. `text` is the value's compact JSON: one
    search of it spares the walk on the common, clean value."""
    if "<|" in text:
        _special_in_value(value, loc, issues)


def _special_in_value(value: Any, loc: str, issues: Issues) -> None:
    if type(value) is str:
        check_special_text(value, loc, issues)
    elif type(value) is dict:
        for key, item in value.items():
            if type(key) is str:
                check_special_text(key, f"{loc}.{key}", issues)
            _special_in_value(item, f"{loc}.{key}", issues)
    elif type(value) is list:
        for i, item in enumerate(value):
            _special_in_value(item, f"{loc}[{i}]", issues)


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


def add_json_text(value: Any, loc: str, out: list[str], issues: Issues) -> None:
    """A JSON value the model reads (tool definitions, calls) as a text of `out`, in the
    compact JSON it is counted as, with any special-token text in it reported."""
    text = compact_json(value)
    out.append(text)
    check_special_json(value, text, loc, issues)


def kind_of(value: Any) -> str:
    """What a JSON value is, for messages: "null", "a string", "an object"…"""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
