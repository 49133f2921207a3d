"""Where a file's chunks are scanned: in this process, or in worker processes.

A single-threaded process (the CLI) forks its workers (forked.py: they share the loaded
tokenizer, and a head start checks chunks while it loads); a threaded one (the TUI)
gets them from a fork server, as forking a threaded process can deadlock.

The process pools are here, in the domain, and not in services/: they are the
validator's own compute (CPU work on one file, nothing kept after the call), and
`validate_file` must run in parallel for every caller without one wiring a pool in.
Only engine.py reaches them (an import-linter contract in pyproject.toml), so moving them
out would be a change to one import.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Iterator

from aoft_tui.domain.validation.runner.chunk import ChunkResult, ScanConfig
from aoft_tui.domain.validation.runner.forked import scan_forked
from aoft_tui.domain.validation.runner.reader import read_range
from aoft_tui.domain.validation.runner.scan import scan_chunk


def _scan_path_range(path: str, start: int, end: int, cfg: ScanConfig, size: int) -> ChunkResult:
    return scan_chunk(read_range(path, start, end), cfg, at_file_start=start == 0, at_file_end=end >= size)


def chunks_in_process(
    source: bytes | str, ranges: list[tuple[int, int]], cfg: ScanConfig, size: int
) -> Iterator[ChunkResult]:
    for start, end in ranges:
        if isinstance(source, bytes):
            data = source[start:end]
            yield scan_chunk(data, cfg, at_file_start=start == 0, at_file_end=end >= size)
        else:
            yield _scan_path_range(source, start, end, cfg, size)


def chunks_in_workers(
    path: str, ranges: list[tuple[int, int]], cfg: ScanConfig, size: int, workers: int
) -> Iterator[ChunkResult]:
    threaded = threading.active_count() > 1
    if not threaded and "fork" in multiprocessing.get_all_start_methods():
        # Single-threaded (the CLI): forked workers share the tokenizer, and a head start
        # checks the first chunks while it loads.
        yield from scan_forked(path, ranges, cfg, size, workers)
        return
    # Forking a threaded process (the TUI) can deadlock: start clean workers instead.
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("forkserver")
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)
    except (OSError, ValueError):
        # No helper process can start when stdio are not real files (a TUI's replaced
        # stderr: "bad value(s) in fds_to_keep"): scan here, slower but complete.
        yield from chunks_in_process(path, ranges, cfg, size)
        return
    with pool:
        n = len(ranges)
        yield from pool.map(
            _scan_path_range,
            [path] * n,
            [r[0] for r in ranges],
            [r[1] for r in ranges],
            [cfg] * n,
            [size] * n,
        )


def _ignore_sigint() -> None:
    """Ctrl-C is the parent's to handle: workers must not print their own tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
