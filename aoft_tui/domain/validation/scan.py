"""Scanning one chunk of a JSONL file: every line read, parsed, checked and counted.

A chunk is a byte range that starts at a line start. Line numbers here are relative to
the chunk (1 = its first line); the caller adds the chunk's offset. The function is pure
and picklable-in/picklable-out so it can run in a worker process.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field

from xxhash import xxh3_64_intdigest

from aoft_tui.domain import tokens
from aoft_tui.domain.validation.checks import Texts
from aoft_tui.domain.validation.fastpath import _SpanAssistant, _decode_spans, plain_chat, plain_chat_texts
from aoft_tui.domain.validation.fastpath_tools import tool_chat_texts
from aoft_tui.domain.validation.formats import CHAT_FORMAT, CHECKERS, FORMAT_LABELS, family_of, shape_of
from aoft_tui.domain.validation.pending import PendingTexts
from aoft_tui.domain.validation.reader import UTF8_BOM

_SCAN_ONCE = json.JSONDecoder().scan_once  # the C scanner, without json.loads' Python wrappers


def _parse(text: str) -> object:
    """json.loads, ~25% faster on the good path; errors come from json.loads itself."""
    try:
        value, end = _SCAN_ONCE(text, 0)
    except StopIteration:
        return json.loads(text)  # leading whitespace parses; anything else raises its error
    if end != len(text) and text[end:].strip(" \t\r\n"):
        return json.loads(text)  # raises "Extra data"
    return value


# (code, line relative to the chunk, location, message)
RawProblem = tuple[str, int | None, str | None, str]


@dataclass(frozen=True, slots=True)
class ScanConfig:
    fmt: str  # the file's format (detected or required by the method)
    method_given: bool  # a record of another format is then "wrong for the method", not "mixed"
    encoding: str  # tiktoken encoding name
    context: int  # training context of the model, in tokens
    cap: int = 20  # problems listed per code per chunk (the merge caps again)
    count_tokens: bool = True  # False: format checks only (the emulator's upload check)


@dataclass(slots=True)
class ChunkResult:
    lines: int = 0
    examples: int = 0  # non-blank lines
    messages: int = 0
    image_examples: int = 0
    problems: list[RawProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    token_lengths: list[int] = field(default_factory=list)  # per example that was counted
    assistant_tokens: int = 0
    trained_tokens: int = 0
    # A 64-bit hash per non-blank line (duplicates), and its line. Arrays: 8 bytes an
    # entry where a list of ints costs ~40, and they pickle as one block.
    digests: array = field(default_factory=lambda: array("Q"))
    digest_lines: array = field(default_factory=lambda: array("i"))
    # Examples checked but not yet counted: see `defer_counting`.
    pending: PendingTexts | None = None

    def add(self, cap: int, code: str, line: int | None, location: str | None, message: str) -> None:
        n = self.counts.get(code, 0)
        self.counts[code] = n + 1
        if n < cap:
            self.problems.append((code, line, location, message))


def scan_chunk(data: bytes, cfg: ScanConfig, *, at_file_start: bool, at_file_end: bool,
               defer_counting: bool = False) -> ChunkResult:
    """Read, parse, check and count one chunk. With defer_counting the texts are kept in
    `pending` for `count_pending` (used while the tokenizer is still loading)."""
    if cfg.count_tokens and not defer_counting and cfg.fmt == CHAT_FORMAT and _native_run is not None:
        # With the C loops (_native.c), spanning the texts and then counting the spans
        # beats decoding every text to count it: ~10.6 against ~12 ms a 1 MB chunk.
        res = scan_chunk(data, cfg, at_file_start=at_file_start, at_file_end=at_file_end, defer_counting=True)
        return count_pending(res, cfg, data)
    res = ChunkResult()
    origin = len(UTF8_BOM) if at_file_start and data.startswith(UTF8_BOM) else 0
    lines = (data[origin:] if origin else data).split(b"\n")
    unterminated = lines[-1] != b""
    if not unterminated:
        lines.pop()  # the empty piece after the final newline
    res.lines = len(lines)

    deferred = cfg.count_tokens and defer_counting
    enc = tokens.get_encoding(cfg.encoding) if cfg.count_tokens and not deferred else None
    count = enc.count if enc is not None else None
    pending = PendingTexts(len(data))
    digests, digest_lines = res.digests, res.digest_lines
    # The fast paths take plain chat records and records with tools (most lines) and leave
    # the rest to the full checker, which sees exactly what json.loads gives.
    fast = cfg.fmt == CHAT_FORMAT
    spans, kinds, escaped = pending.spans, pending.kinds, pending.escaped
    p_lines, p_fixed, p_texts = pending.lines.append, pending.fixed.append, pending.texts.append
    # Checks for the whole chunk instead of every line: spans need UTF-8, and special-token
    # text is rare ("<" is found at memchr speed, "<|" much slower; a decoded text may hold
    # one written as \u003c|).
    utf8 = deferred and _is_utf8(data)
    specials = b"<" in data and b"<|" in data
    text_specials = specials or b"\\u" in data
    context = cfg.context
    digest = xxh3_64_intdigest
    last = len(lines)
    messages = assistant_tokens = trained_tokens = 0
    lengths = res.token_lengths
    at = origin
    # The head start's loop runs in C (_native.c) over runs of plain chat lines; each line
    # it leaves (blank, tools, anything else) goes through the loop below.
    native = _native_run if deferred and fast and utf8 and _native_run is not None else None
    i = 0

    while i < last:
        if native is not None:
            i, at, n_messages = native(lines, i, at, data, pending, res, specials)
            messages += n_messages
            if i >= last:
                break
        raw = lines[i]
        i += 1
        lineno = i
        line_at = at
        at += len(raw) + 1
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if not raw or raw.isspace():
            res.add(cfg.cap, "blank_line", lineno, None,
                    "Blank line: delete it (every line must hold one JSON object).")
            continue
        # A 64-bit hash to spot exact copies (not for security).
        digests.append(digest(raw))
        digest_lines.append(lineno)
        plain = None
        if fast:
            if not deferred:
                plain = plain_chat_texts(raw, text_specials)
            elif utf8 or _is_utf8(raw):
                n_messages = plain_chat(raw, data, line_at, spans, kinds, escaped, specials)
                if n_messages is not None:
                    messages += n_messages
                    p_lines(lineno)
                    # The cookbook's 3 per message + 3, and 1 for each message's (known) role.
                    p_fixed(4 * n_messages + 3)
                    p_texts(n_messages)
                    continue
            if plain is None and b'"tools"' in raw:
                plain = tool_chat_texts(raw, text_specials)
        if plain is not None:
            n_messages, prompt, trained, untrained = plain
            messages += n_messages
            fixed = 4 * n_messages + 3  # as in plain_chat
        else:
            texts = _check_line(res, cfg, raw, lineno, at_file_end and unterminated and lineno == last)
            if texts is None:
                continue
            fixed, prompt, trained, untrained = texts
        if deferred:
            pending.add(lineno, fixed, prompt, trained, untrained)
            continue
        if count is None:
            continue
        try:
            p = sum(map(count, prompt))
            t = sum(map(count, trained))
            u = sum(map(count, untrained)) if untrained else 0
        except TypeError:  # a lone surrogate (from a "\ud800" escape): tiktoken's way
            p, t, u = (sum(tokens.count_text(enc, x) for x in group) for group in (prompt, trained, untrained))
        n = fixed + p + t + u
        lengths.append(n)
        assistant_tokens += t + u
        trained_tokens += t
        if n > context:
            _over_context(res, cfg, lineno, n)
    res.examples = len(digests)
    res.messages += messages
    res.assistant_tokens += assistant_tokens
    res.trained_tokens += trained_tokens
    if deferred:
        res.pending = pending.pack()
    return res


def _native_lines(lines: list[bytes], i: int, at: int, data: bytes, pending: PendingTexts,
                  res: ChunkResult, specials: bool) -> tuple[int, int, int]:
    """Run the C loop from lines[i]: append what it found, return where it stopped."""
    (i, at, n_messages, spans, kinds, escaped, ex_lines, fixed, texts,
     digests) = _native_scan_run(lines, i, at, data, _decode_spans, xxh3_64_intdigest, _SpanAssistant, specials)
    if escaped:
        first = len(pending.kinds)
        pending.escaped.extend(first + k for k in array("i", escaped))
    pending.spans.frombytes(spans)
    pending.kinds.frombytes(kinds)
    pending.lines.frombytes(ex_lines)
    pending.fixed.frombytes(fixed)
    pending.texts.frombytes(texts)
    res.digests.frombytes(digests)
    res.digest_lines.frombytes(ex_lines)
    return i, at, n_messages


try:  # the head start's loop in C (_native.c); without it, the loop in scan_chunk
    from aoft_tui.domain.validation._native import is_utf8 as _native_is_utf8
    from aoft_tui.domain.validation._native import scan_run as _native_scan_run
    _native_run = _native_lines
except ImportError:  # pragma: no cover - built by pip install; optional
    _native_run = _native_is_utf8 = None


def _is_utf8(data: bytes) -> bool:
    if _native_is_utf8 is not None:
        return _native_is_utf8(data)
    if data.isascii():
        return True
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def _check_line(res: ChunkResult, cfg: ScanConfig, raw: bytes, lineno: int,
                maybe_truncated: bool) -> tuple[int, list[str], list[str], list[str]] | None:
    """The full path for one non-blank line: decode, parse with json, check the record,
    add its problems to `res`. Returns (tokens known without encoding, prompt, trained,
    weight-0 texts) when the record can be counted, else None."""
    cap = cfg.cap
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        res.add(cap, "not_utf8", lineno, None,
                f"Byte {exc.start + 1} of the line is not UTF-8 (0x{raw[exc.start]:02x}): "
                "re-save the file as UTF-8.")
        return None
    try:
        record = _parse(text)
    except (ValueError, RecursionError) as exc:
        if maybe_truncated:
            res.add(cap, "truncated_last_line", lineno, None,
                    "The last line is cut off (no closing brace / newline): the file was "
                    "probably truncated while copying; re-export it.")
        else:
            res.add(cap, "invalid_json", lineno, None, _json_error(exc))
        return None
    if type(record) is not dict:
        res.add(cap, "not_an_object", lineno, None,
                f"The line is a JSON {_json_kind(record)}, but every line must be one JSON object.")
        return None
    shape = shape_of(record)
    if shape is None:
        keys = ", ".join(sorted(map(str, record))[:5]) or "none"
        res.add(cap, "unknown_format", lineno, None,
                f"The record's keys ({keys}) match no training format: expected "
                f"{_expected_keys(cfg.fmt)}.")
        return None
    if shape != family_of(cfg.fmt):
        res.add(cap, "wrong_format_for_method" if cfg.method_given else "mixed_formats", lineno, None,
                f"This is a {FORMAT_LABELS[_label_key(shape)]} record, but the file is "
                f"{FORMAT_LABELS[cfg.fmt]}"
                + (" as the training method requires" if cfg.method_given else
                   " (from its first record)")
                + ": keep one format per file.")
        return None
    issues: list[tuple[str, str | None, str]] = []
    texts = Texts()
    try:
        rr = CHECKERS[cfg.fmt](record, issues, texts)
    except RecursionError:
        res.add(cap, "invalid_json", lineno, None, "The record is nested too deeply to check.")
        return None
    except Exception as exc:  # noqa: BLE001 - one odd record must not abort the whole report
        res.add(cap, "unchecked_record", lineno, None,
                f"This record could not be checked ({type(exc).__name__}: {exc}); please report "
                "it as an aoft-tui bug, with the line.")
        return None
    for code, loc, msg in issues:
        res.add(cap, code, lineno, loc, msg)
    res.messages += rr.messages
    if rr.images:
        res.image_examples += 1
    return rr.overhead + texts.fixed, texts.prompt, texts.trained, texts.untrained


def count_pending(res: ChunkResult, cfg: ScanConfig, chunk: bytes) -> ChunkResult:
    """Count the texts `scan_chunk(defer_counting=True)` kept; `chunk` is the chunk's
    bytes, read again."""
    if res.pending is None:
        return res
    counted = res.pending.count(tokens.get_encoding(cfg.encoding).count, chunk)
    res.token_lengths.extend(counted.lengths)
    res.assistant_tokens += counted.assistant
    res.trained_tokens += counted.trained
    if max(counted.lengths, default=0) > cfg.context:
        for lineno, n in zip(counted.lines, counted.lengths):
            if n > cfg.context:
                _over_context(res, cfg, lineno, n)
    res.pending = None
    return res


def _over_context(res: ChunkResult, cfg: ScanConfig, lineno: int, n: int) -> None:
    res.add(cfg.cap, "over_context", lineno, None,
            f"The example has {n:,} tokens, over the model's training context of {cfg.context:,}: "
            "it will be truncated. Shorten or split it.")


def _json_error(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return (f"Not valid JSON: {exc.msg} at column {exc.colno}. Each line must be one complete "
                "JSON object (no trailing commas, double-quoted keys, no line breaks inside).")
    if isinstance(exc, RecursionError):
        return "Not valid JSON: nested too deeply."
    return f"Not valid JSON: {exc}."


def _json_kind(value: object) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null")


def _label_key(shape: str) -> str:
    return "chat" if shape == "messages" else shape


def _expected_keys(fmt: str) -> str:
    return {
        "chat": '{"messages": [...]}',
        "reinforcement": '{"messages": [...]} ending with a user message',
        "dpo": '{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}',
        "prompt_completion": '{"prompt": "...", "completion": "..."}',
    }[fmt]
