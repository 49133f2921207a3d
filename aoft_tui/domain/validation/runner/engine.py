"""Scanning a whole file: chunks in order (or in parallel worker processes, pools.py), merged.

Chunks are scanned independently; the merge adds line offsets, caps the listing per code,
finds exact duplicates across chunks and sums the statistics.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aoft_tui.domain.sizes import byte_size
from aoft_tui.domain.validation.rules.problems import ProblemLog
from aoft_tui.domain.validation.runner.chunk import ChunkResult, ScanConfig
from aoft_tui.domain.validation.runner.pools import chunks_in_process, chunks_in_workers
from aoft_tui.domain.validation.runner.reader import (
    CHUNK_BYTES,
    MAX_LINE_BYTES,
    SNIFF_BYTES,
    plan_ranges,
    read_range,
    sniff,
)
from aoft_tui.domain.validation.stats import FileStats, TokenStats

PARALLEL_MIN_BYTES = 16 * 1024 * 1024  # below this, worker start-up costs more than it saves

# Called after each chunk with (bytes of this file done, lines of this file done).
ChunkProgress = Callable[[int, int], None]


@dataclass(slots=True)
class FileScan:
    stats: FileStats
    lengths: array = field(default_factory=lambda: array("l"))
    digests: dict[int, int] = field(default_factory=dict)  # example digest -> first line
    readable: bool = True  # False when the file is UTF-16, binary, …


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def scan_source(
    source: bytes | Path,
    name: str,
    cfg: ScanConfig,
    log: ProblemLog,
    *,
    workers: int = 1,
    head: bytes | None = None,
    progress: ChunkProgress | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> FileScan:
    """Scan a file (by path) or an in-memory upload, adding its problems to `log`.
    `progress` may raise to stop the scan (the workers are stopped too)."""
    if isinstance(source, bytes):
        size = len(source)
        head = source[:SNIFF_BYTES]
    else:
        size = source.stat().st_size
        if head is None:
            head = read_range(str(source), 0, SNIFF_BYTES)
    out = FileScan(
        FileStats(
            file=name, format=cfg.fmt, size_bytes=size, encoding=cfg.encoding, context_tokens=cfg.context
        )
    )
    if size <= SNIFF_BYTES and not head.strip(b" \t\r\n\xef\xbb\xbf"):
        log.add("empty_file", "The file is empty: it needs one JSON object per line.", file=name)
        out.readable = False
        return out
    found = sniff(head)
    if found:
        log.add(found[0], found[1], file=name)
        out.readable = False
        return out

    if isinstance(source, bytes):
        ranges = _byte_ranges(source)
        chunks = chunks_in_process(source, ranges, cfg, size)
    else:
        with open(source, "rb") as f:
            ranges, too_long = plan_ranges(f, size, max_line=max_line_bytes)
        scanned = [r for i, r in enumerate(ranges) if i not in too_long] if too_long else ranges
        if workers > 1 and size >= PARALLEL_MIN_BYTES and len(scanned) > 1:
            chunks = chunks_in_workers(str(source), scanned, cfg, size, workers)
        else:
            chunks = chunks_in_process(str(source), scanned, cfg, size)
        if too_long:
            chunks = _with_long_lines(chunks, ranges, too_long, cfg, max_line_bytes)
    if progress is not None:
        chunks = _reporting(chunks, ranges, out.stats, progress)
    _merge(chunks, name, out, log)
    if out.stats.examples == 0 and not log.counts.get("empty_file"):
        log.add("empty_file", "The file has no examples (only blank lines).", file=name)
    return out


def _with_long_lines(
    chunks: Iterator[ChunkResult],
    ranges: list[tuple[int, int]],
    too_long: set[int],
    cfg: ScanConfig,
    max_line: int,
) -> Iterator[ChunkResult]:
    """The scanned chunks' results, with a refusal in the place of each line too long to
    read (it is never read: its length alone rules it out)."""
    try:
        for i, (start, end) in enumerate(ranges):
            if i not in too_long:
                yield next(chunks)
                continue
            res = ChunkResult(lines=1, examples=1)
            res.add(
                cfg.cap,
                "line_too_long",
                1,
                None,
                f"The line is {byte_size(end - start)}, longer than any example Azure "
                f"accepts ({byte_size(max_line)}: 64 images of 10 MiB as base64 data URIs, "
                "plus text); it was not read. Remove it, or split it into smaller examples.",
            )
            yield res
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _reporting(
    chunks: Iterator[ChunkResult], ranges: list[tuple[int, int]], st: FileStats, progress: ChunkProgress
) -> Iterator[ChunkResult]:
    """The chunks, telling `progress` after each one has been merged."""
    lines = 0
    try:
        for res, (_, end) in zip(chunks, ranges, strict=True):
            lines += res.lines
            yield res
            progress(end, lines)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:  # a generator over worker processes: stop them now
            close()


def _byte_ranges(data: bytes, chunk: int = CHUNK_BYTES) -> list[tuple[int, int]]:
    ranges, start, size = [], 0, len(data)
    while start < size:
        nl = data.find(b"\n", min(start + chunk, size) - 1) if start + chunk < size else -1
        end = size if nl < 0 else nl + 1
        ranges.append((start, end))
        start = end
    return ranges


def _merge(chunks: Iterator[ChunkResult], name: str, out: FileScan, log: ProblemLog) -> None:
    from aoft_tui.domain.validation.rules.codes import severity_of
    from aoft_tui.domain.validation.rules.problems import Problem

    st = out.stats
    offset = 0
    for res in chunks:
        listed: dict[str, int] = {}
        for code, line, loc, msg in res.problems:
            listed[code] = listed.get(code, 0) + 1
            log.add_problem(
                Problem(severity_of(code), code, None if line is None else line + offset, loc, msg, name)
            )
        for code, n in res.counts.items():
            if n > listed.get(code, 0):
                log.add_uncounted(code, n - listed.get(code, 0))
        st.over_context += res.counts.get("over_context", 0)
        st.lines += res.lines
        st.examples += res.examples
        st.messages += res.messages
        st.image_examples += res.image_examples
        st.assistant_tokens += res.assistant_tokens
        st.trained_tokens += res.trained_tokens
        out.lengths.extend(res.token_lengths)
        digests = out.digests
        for digest, line in zip(res.digests, res.digest_lines, strict=True):
            first = digests.get(digest)
            if first is None:
                digests[digest] = line + offset
            else:
                st.duplicates += 1
                log.add(
                    "duplicate_example",
                    f"An exact duplicate of line {first}: duplicates weigh that example "
                    "more in training; remove the copy.",
                    file=name,
                    line=line + offset,
                )
        offset += res.lines
    st.tokens = TokenStats.of(out.lengths)
