"""The common case, cheaply: a chat record of plain messages that has nothing to report.

Most lines of a real training file are {"messages": [{"role", "content"}, ...]} with string
contents and perhaps an assistant `weight`. For those, `plain_chat` finds the texts to
count without building dicts, locations, issue lists or `Texts` records: msgspec checks
the shape in C (only these keys and roles, a 0/1 weight) and hands back each content as
its raw JSON literal, whose place in the line is then its span. A text is counted from
the line's own bytes (UTF-8 already), so no str is built for it, and a span costs
16 bytes where the text would cost its size: the head start (forked.py) can hold the
spans of a whole file while the tokenizer loads.

Finding the spans is a walk over the messages; _native.c has it in C (and the head
start's whole line loop, scan_run), several times faster. Without the compiled module the walk
below runs instead, with the same results (tests/validation/test_native.py).

It accepts a record only when `rules.formats.check_chat` would report nothing for it and would
collect the same texts; for anything else it returns None and the scanner runs the full
checker, so problems are found by one code path only.
(tests/validation/test_fastpath.py holds the two paths equal on fuzzed records.)
"""

from __future__ import annotations

import operator
import types
from array import array
from collections.abc import Callable
from functools import reduce
from typing import Any, Literal

import msgspec

from aoft_tui.domain.validation.rules.checks import PROMPT, TRAINED, UNTRAINED
from aoft_tui.domain.validation.runner import native


def tagged_message(role: str, *fields: tuple) -> type:
    """A msgspec struct for a message of `role` with exactly these fields (name, type[,
    default]): msgspec picks it by the "role" key and refuses any other key."""
    return msgspec.defstruct(
        f"_{role.title()}Message", list(fields), tag_field="role", tag=role, forbid_unknown_fields=True
    )


def list_of_union(*members: type) -> Any:
    """`list[A | B | ...]` of struct types made at run time, which mypy cannot take as types."""
    return types.GenericAlias(list, (reduce(operator.or_, members),))


def _plain_record(content: object) -> tuple[Any, Any]:
    """The msgspec type of a plain chat record whose contents decode as `content`, and its
    assistant message type. Only these keys and roles; a 0/1 weight on assistants only
    (bool, float or other ints are reported by the full checker). Both are made at run
    time, so typed Any: mypy cannot know their fields."""
    prompt = [tagged_message(role, ("content", content)) for role in ("system", "developer", "user")]
    assistant = tagged_message("assistant", ("content", content), ("weight", Literal[0, 1], 1))
    record = msgspec.defstruct(
        "_PlainRecord", [("messages", list_of_union(*prompt, assistant))], forbid_unknown_fields=True
    )
    return record, assistant


# Contents as their raw JSON literals (spans), or decoded (texts).
_SpanRecord, SpanAssistant = _plain_record(msgspec.Raw)
_TextRecord, _TextAssistant = _plain_record(str)
# The record types are made at run time: their instances are typed Any.
decode_spans: Callable[[bytes], Any] = msgspec.json.Decoder(_SpanRecord).decode
_decode_texts: Callable[[bytes], Any] = msgspec.json.Decoder(_TextRecord).decode
decode_text = msgspec.json.Decoder(str).decode
# ValidationError is a DecodeError; invalid UTF-8 in a decoded string raises UnicodeDecodeError.
DECODE_ERRORS = (msgspec.DecodeError, UnicodeDecodeError)

_QUOTE = ord('"')


def plain_chat(
    raw: bytes, chunk: bytes, at: int, spans: array, kinds: array, escaped: array, specials: bool = True
) -> int | None:
    """For a chat line the full checker would pass without a word (`raw`, found at `at` in
    `chunk`): append its texts' spans in the chunk to `spans` (start, end) and their kinds
    (PROMPT, TRAINED, UNTRAINED) to `kinds`, and return its number of messages. A text
    with escapes is spanned as its whole JSON literal, quotes included, and its index goes
    to `escaped` (decode it before counting). Else None, with nothing appended.

    The caller has checked that the line is UTF-8 (msgspec does not look inside a raw
    literal), and passes specials=False when the line holds no "<|".
    Why each condition sends a record to the full checker instead: another top-level key
    (tools, functions, unknown keys), a message with more keys than role + content (+ an
    assistant's 0/1 weight), a non-string content (parts, images, null), special-token text
    (a warning), an empty trained reply (a warning), no trained assistant reply (an error)."""
    if specials and b"<|" in raw:
        return None
    try:
        messages = decode_spans(raw).messages
    except DECODE_ERRORS:
        return None
    if not messages:
        return None
    if native.plain_spans is not None:
        return spans_in_c(messages, chunk, at, at + len(raw), spans, kinds, escaped)
    return spans_in_python(messages, raw, chunk, at, spans, kinds, escaped)


def spans_in_c(
    messages: list, chunk: bytes, at: int, stop: int, spans: array, kinds: array, escaped: array
) -> int | None:
    found = native.plain_spans(chunk, at, stop, messages, SpanAssistant)
    if found is None:
        return None
    line_spans, line_kinds, line_escaped = found
    first = len(kinds)
    for k in line_escaped:  # literals with escapes: decoded and checked here, as below
        start, end = array("I", line_spans[8 * k : 8 * k + 8])
        try:
            text = decode_text(chunk[start:end])
        except DECODE_ERRORS:
            return None
        if "<|" in text:
            return None
        escaped.append(first + k)
    spans.frombytes(line_spans)
    kinds.frombytes(line_kinds)
    return len(messages)


def spans_in_python(
    messages: list, raw: bytes, chunk: bytes, at: int, spans: array, kinds: array, escaped: array
) -> int | None:
    backslashes = b"\\" in raw
    find, add_span, add_kind = chunk.find, spans.append, kinds.append
    mark = len(kinds)
    trained = False
    pos, stop = at, at + len(raw)
    for m in messages:
        literal = m.content
        start = find(literal, pos, stop)  # the same bytes wherever found: the text is the same
        end = pos = start + len(literal)
        if chunk[start] != _QUOTE:
            _undo(mark, spans, kinds, escaped)
            return None
        if backslashes and find(b"\\", start, end) >= 0:
            try:
                text = decode_text(literal)
            except DECODE_ERRORS:  # a lone surrogate: the full checker counts it tiktoken's way
                _undo(mark, spans, kinds, escaped)
                return None
            if "<|" in text:  # perhaps written as \u003c|
                _undo(mark, spans, kinds, escaped)
                return None
            escaped.append(len(kinds))
            add_span(start)
            add_span(end)
            empty = False
        else:
            add_span(start + 1)
            add_span(end - 1)
            empty = end - start == 2
        if type(m) is not SpanAssistant:
            add_kind(PROMPT)
        elif not m.weight:
            add_kind(UNTRAINED)
        elif empty:  # an empty trained reply: a warning
            _undo(mark, spans, kinds, escaped)
            return None
        else:
            add_kind(TRAINED)
            trained = True
    if not trained:
        _undo(mark, spans, kinds, escaped)
        return None
    return len(messages)


def _undo(mark: int, spans: array, kinds: array, escaped: array) -> None:
    """Drop what a declined record appended."""
    del spans[2 * mark :]
    del kinds[mark:]
    while escaped and escaped[-1] >= mark:
        escaped.pop()


# (messages, prompt texts, trained texts, weight-0 texts)
PlainTexts = tuple[int, list[str], list[str], list[str]]


def plain_chat_texts(raw: bytes, specials: bool = True) -> PlainTexts | None:
    """The texts of a chat line the full checker would pass without a word, else None:
    `plain_chat` for a tokenizer at hand, when spans would only cost a copy of each text.
    msgspec decodes every string of such a record, so it checks the UTF-8 itself. Pass
    specials=False when the line holds neither "<|" nor a \\u escape."""
    try:
        messages = _decode_texts(raw).messages
    except DECODE_ERRORS:
        return None
    if not messages:
        return None
    prompt: list[str] = []
    trained: list[str] = []
    untrained: list[str] = []
    for m in messages:
        content = m.content
        if specials and "<|" in content:
            return None
        if type(m) is not _TextAssistant:
            prompt.append(content)
        elif not m.weight:
            untrained.append(content)
        elif content:
            trained.append(content)
        else:  # an empty trained reply: a warning
            return None
    if not trained:
        return None
    return len(messages), prompt, trained, untrained
