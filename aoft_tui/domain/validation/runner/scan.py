"""Scanning one chunk of a JSONL file: every line read, parsed, checked and counted.

A chunk is a byte range that starts at a line start. Line numbers here are relative to
the chunk (1 = its first line); the caller adds the chunk's offset. The functions are
pure and picklable-in/picklable-out so they can run in a worker process.

Four ways to scan a chunk, one function each; `scan_chunk` picks one:
- check_chunk: format checks only, no tokenizer (the emulator's upload check);
- scan_chunk_counted: each example's texts decoded and counted at once;
- scan_chunk_deferred: texts kept as spans (pending.py), counted later by
  `count_pending` (the head start, while the tokenizer loads);
- scan_chunk_spanned: deferred, then counted at once: with the C loops (native.py),
  spanning the texts and counting the spans beats decoding every text to count it.
Plain chat lines and lines with tools take the fast paths (fastpath*.py); every other
line goes to the full checker (full_check.py), which sees exactly what json.loads gives.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

from xxhash import xxh3_64_intdigest

from aoft_tui.domain import tokens
from aoft_tui.domain.validation.rules.formats import CHAT_FORMAT
from aoft_tui.domain.validation.runner import native
from aoft_tui.domain.validation.runner.chunk import ChunkResult, ScanConfig
from aoft_tui.domain.validation.runner.fastpath import (
    SpanAssistant,
    decode_spans,
    plain_chat,
    plain_chat_texts,
)
from aoft_tui.domain.validation.runner.fastpath_tools import tool_chat_texts
from aoft_tui.domain.validation.runner.full_check import check_line
from aoft_tui.domain.validation.runner.pending import PendingTexts
from aoft_tui.domain.validation.runner.reader import UTF8_BOM

if TYPE_CHECKING:
    import quicktok

# Not for security: a 64-bit hash of each line, to spot exact copies.
_digest = xxh3_64_intdigest


def scan_chunk(
    data: bytes, cfg: ScanConfig, *, at_file_start: bool, at_file_end: bool, defer_counting: bool = False
) -> ChunkResult:
    """Read, parse, check and count one chunk, the fastest way that fits: with
    defer_counting (the tokenizer is not loaded yet) the texts are kept in `pending`
    for `count_pending`."""
    where = {"at_file_start": at_file_start, "at_file_end": at_file_end}
    if not cfg.count_tokens:
        return check_chunk(data, cfg, **where)
    if defer_counting:
        return scan_chunk_deferred(data, cfg, **where)
    if cfg.fmt == CHAT_FORMAT and native.scan_run is not None:
        return scan_chunk_spanned(data, cfg, **where)
    return scan_chunk_counted(data, cfg, **where)


def check_chunk(data: bytes, cfg: ScanConfig, *, at_file_start: bool, at_file_end: bool) -> ChunkResult:
    """Format checks only: no tokenizer, no token statistics."""
    return _scan_texts(data, cfg, at_file_start, at_file_end, None)


def scan_chunk_counted(
    data: bytes, cfg: ScanConfig, *, at_file_start: bool, at_file_end: bool
) -> ChunkResult:
    """Checks, with each example's texts decoded and counted as it is read."""
    return _scan_texts(data, cfg, at_file_start, at_file_end, tokens.get_encoding(cfg.encoding))


def scan_chunk_spanned(
    data: bytes, cfg: ScanConfig, *, at_file_start: bool, at_file_end: bool
) -> ChunkResult:
    """Checks, with the texts spanned and the spans then counted (the C loops' way)."""
    res = scan_chunk_deferred(data, cfg, at_file_start=at_file_start, at_file_end=at_file_end)
    return count_pending(res, cfg, data)


def _split_lines(data: bytes, at_file_start: bool) -> tuple[list[bytes], int, bool]:
    """The chunk's lines (without their newlines), where the first one starts (after a
    BOM), and whether the last one lacks its newline."""
    origin = len(UTF8_BOM) if at_file_start and data.startswith(UTF8_BOM) else 0
    lines = (data[origin:] if origin else data).split(b"\n")
    unterminated = lines[-1] != b""
    if not unterminated:
        lines.pop()  # the empty piece after the final newline
    return lines, origin, unterminated


def _example_line(res: ChunkResult, cfg: ScanConfig, line: bytes, lineno: int) -> bytes | None:
    """The line without its \\r, hashed to find duplicates; None for a blank line (reported)."""
    if line.endswith(b"\r"):
        line = line[:-1]
    if not line or line.isspace():
        res.add(
            cfg.cap,
            "blank_line",
            lineno,
            None,
            "Blank line: delete it (every line must hold one JSON object).",
        )
        return None
    res.digests.append(_digest(line))
    res.digest_lines.append(lineno)
    return line


def _scan_texts(
    data: bytes, cfg: ScanConfig, at_file_start: bool, at_file_end: bool, enc: quicktok.Tokenizer | None
) -> ChunkResult:
    """The line loop with texts as str: each example counted with `enc`, or not at all."""
    res = ChunkResult()
    lines, _, unterminated = _split_lines(data, at_file_start)
    res.lines = last = len(lines)
    count = enc.count if enc is not None else None
    fast = cfg.fmt == CHAT_FORMAT
    # Special-token text is rare: one search of the chunk spares one a text ("<" is found
    # at memchr speed, "<|" much slower; a decoded text may spell it \u003c|).
    specials = (b"<" in data and b"<|" in data) or b"\\u" in data
    lengths = res.token_lengths
    context = cfg.context
    messages = assistant_tokens = trained_tokens = 0
    for lineno, line in enumerate(lines, 1):
        raw = _example_line(res, cfg, line, lineno)
        if raw is None:
            continue
        plain = None
        if fast:
            plain = plain_chat_texts(raw, specials)
            if plain is None and b'"tools"' in raw:
                plain = tool_chat_texts(raw, specials)
        if plain is not None:
            n_messages, prompt, trained, untrained = plain
            messages += n_messages
            fixed = 4 * n_messages + 3  # the cookbook's 3 per message + 3, and 1 per (known) role
        else:
            texts = check_line(res, cfg, raw, lineno, at_file_end and unterminated and lineno == last)
            if texts is None:
                continue
            fixed, prompt, trained, untrained = texts
        if count is None:
            continue
        try:
            p = sum(map(count, prompt))
            t = sum(map(count, trained))
            u = sum(map(count, untrained)) if untrained else 0
        except TypeError:  # a lone surrogate (from a "\ud800" escape): tiktoken's way
            p, t, u = (
                sum(tokens.count_text(enc, x) for x in group) for group in (prompt, trained, untrained)
            )
        n = fixed + p + t + u
        lengths.append(n)
        assistant_tokens += t + u
        trained_tokens += t
        if n > context:
            res.add_over_context(cfg, lineno, n)
    res.examples = len(res.digests)
    res.messages += messages
    res.assistant_tokens += assistant_tokens
    res.trained_tokens += trained_tokens
    return res


def scan_chunk_deferred(
    data: bytes, cfg: ScanConfig, *, at_file_start: bool, at_file_end: bool
) -> ChunkResult:
    """Checks, with the texts kept in `pending` (spans of `data` where it can) for
    `count_pending`: the head start's scan, while the tokenizer loads."""
    res = ChunkResult()
    lines, at, unterminated = _split_lines(data, at_file_start)
    res.lines = last = len(lines)
    pending = PendingTexts(len(data))
    fast = cfg.fmt == CHAT_FORMAT
    # Spans need UTF-8: checked for the whole chunk at once, and line by line only if that fails.
    utf8 = fast and is_utf8(data)
    specials = b"<" in data and b"<|" in data
    text_specials = specials or b"\\u" in data  # as in _scan_texts
    # The C loop takes runs of plain chat lines; each line it leaves (blank, tools,
    # anything else) goes through the loop below.
    run_in_c = fast and utf8 and native.scan_run is not None
    spans, kinds, escaped = pending.spans, pending.kinds, pending.escaped
    p_lines, p_fixed, p_texts = pending.lines.append, pending.fixed.append, pending.texts.append
    messages = 0
    i = 0
    while i < last:
        if run_in_c:
            i, at, n_messages = _scan_run_in_c(lines, i, at, data, pending, res, specials)
            messages += n_messages
            if i >= last:
                break
        line = lines[i]
        i += 1
        lineno = i
        line_at = at
        at += len(line) + 1
        raw = _example_line(res, cfg, line, lineno)
        if raw is None:
            continue
        plain = None
        if fast:
            if utf8 or is_utf8(raw):
                n_plain = plain_chat(raw, data, line_at, spans, kinds, escaped, specials)
                if n_plain is not None:
                    messages += n_plain
                    p_lines(lineno)
                    p_fixed(4 * n_plain + 3)  # as in _scan_texts
                    p_texts(n_plain)
                    continue
            if b'"tools"' in raw:
                plain = tool_chat_texts(raw, text_specials)
        if plain is not None:
            n_messages, prompt, trained, untrained = plain
            messages += n_messages
            pending.add(lineno, 4 * n_messages + 3, prompt, trained, untrained)
            continue
        texts = check_line(res, cfg, raw, lineno, at_file_end and unterminated and lineno == last)
        if texts is not None:
            pending.add(lineno, *texts)
    res.examples = len(res.digests)
    res.messages += messages
    res.pending = pending.pack()
    return res


def _scan_run_in_c(
    lines: list[bytes], i: int, at: int, data: bytes, pending: PendingTexts, res: ChunkResult, specials: bool
) -> tuple[int, int, int]:
    """Run the C loop from lines[i]: append what it found, return where it stopped."""
    assert native.scan_run is not None
    (i, at, n_messages, spans, kinds, escaped, ex_lines, fixed, texts, digests) = native.scan_run(
        lines, i, at, data, decode_spans, _digest, SpanAssistant, specials
    )
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


def is_utf8(data: bytes) -> bool:
    """Whether `data` decodes as UTF-8 (Python's strict decoder), without keeping the str."""
    if native.is_utf8 is not None:
        return native.is_utf8(data)
    if data.isascii():
        return True
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


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
        for lineno, n in zip(counted.lines, counted.lengths, strict=True):
            if n > cfg.context:
                res.add_over_context(cfg, lineno, n)
    res.pending = None
    return res
