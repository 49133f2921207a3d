"""Scanning a file in forked worker processes, with a head start while the tokenizer loads.

Loading the tokenizer takes a while and holds the GIL, so no thread of this process can
work meanwhile. So:
1. a head-start process is forked first (small: nothing is loaded yet). It parses and
   checks chunks from the start of the file, keeping where their texts are (pending.py:
   16 bytes a text, so it can go on for the whole load), while this process loads the
   tokenizer;
2. once it is loaded, the other workers are forked at once (they share the tokenizer's
   tables copy-on-write) and scan chunks the head start did not take; the head
   start stops after its current chunk and puts its chunks on a queue, from which every
   process, this one included, takes chunks to count before scanning more;
3. results arrive in any order and are yielded in file order.
Chunks are claimed from a shared counter: whoever is free takes the next one. This
process being a worker itself saves one process's memory and keeps no core idle.

Only for a process without other threads (the CLI): forking a threaded one can deadlock.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from aoft_tui.domain import tokens
from aoft_tui.domain.validation.errors import ValidationStopped
from aoft_tui.domain.validation.runner.chunk import ChunkResult, ScanConfig
from aoft_tui.domain.validation.runner.reader import read_range
from aoft_tui.domain.validation.runner.scan import count_pending, scan_chunk

# What the head start may hold for counting: bounds its memory (peak PSS). Spans cost
# 16 bytes a text, little for a whole file; texts from the full checker (tool calls,
# content parts) cost their UTF-8 size.
HEAD_START_MAX_BYTES = 12 * 1024 * 1024
# Spans are 4-byte offsets (pending.py): a chunk this big (a line of 2 GB) is not spanned.
MAX_SPANNED_CHUNK = 2**31

Ranges = list[tuple[int, int]]


class _Claims:
    """The next unclaimed chunk, shared by all the forked processes."""

    def __init__(self, ctx: Any, n: int) -> None:
        self._next = ctx.Value("l", 0)
        self._n = n

    def take(self) -> int | None:
        with self._next.get_lock():
            i = self._next.value
            if i >= self._n:
                return None
            self._next.value = i + 1
        return i


class _Failed:
    """A worker's exception, sent to the parent to be raised there."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def scan_forked(path: str, ranges: Ranges, cfg: ScanConfig, size: int, workers: int) -> Iterator[ChunkResult]:
    """Chunk results in file order, from `workers` processes: this one and workers - 1
    forked ones (plus the head start while the tokenizer loads)."""
    ctx = multiprocessing.get_context("fork")
    job = _Job(path, ranges, cfg, size, _Claims(ctx, len(ranges)))
    started: list[tuple[Any, Connection]] = []
    try:
        if cfg.count_tokens and not tokens.is_loaded(cfg.encoding):
            loading = ctx.RawValue("b", 1)
            job.held = _Handover(ctx)
            started.append(_start(ctx, _head_start, job, loading, workers))
            job.held.writer.close()  # the head start's now: the workers forked later lack it
            tokens.get_encoding(cfg.encoding)  # the head start works meanwhile
            loading.value = 0
        for _ in range(workers - 1):
            started.append(_start(ctx, _worker, job))
        yield from _in_order(started, job)
    except ValidationStopped as exc:
        raise ValidationStopped(
            f"{path}: the validation stopped: {exc}. Run it again; with --workers 1 it runs in one process."
        ) from None
    finally:
        for proc, conn in started:
            conn.close()
            if proc.is_alive():
                proc.terminate()
            proc.join()


def _start(ctx: Any, target: Callable[..., None], *args: Any) -> tuple[Any, Connection]:
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run, args=(target, writer, *args), daemon=True)
    proc.start()
    writer.close()  # the child holds the only writer now: its exit reads as EOF here
    return proc, reader


def _run(target: Callable[..., None], conn: Connection, *args: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        target(conn, *args)
        conn.send(None)  # done
    except BaseException as exc:
        conn.send(_Failed(exc))
    finally:
        conn.close()


_NOTHING_YET = object()


class _Handover:
    """The head start's checked chunks, then one None per process, for whichever process
    is free: one writer (the head start), several readers."""

    def __init__(self, ctx: Any) -> None:
        self.reader, self.writer = ctx.Pipe(duplex=False)
        self._lock = ctx.Lock()

    def put(self, item: tuple[int, ChunkResult | None] | None) -> None:
        self.writer.send(item)

    def take(self, block: bool) -> Any:
        """The next item, or _NOTHING_YET when none is there and block is False."""
        with self._lock:
            if not block and not self.reader.poll():
                return _NOTHING_YET
            return self.reader.recv()


class _Job:
    """What every process needs to scan a chunk of the file by its index, or to count one
    the head start checked."""

    def __init__(self, path: str, ranges: Ranges, cfg: ScanConfig, size: int, claims: _Claims) -> None:
        self.path, self.ranges, self.cfg, self.size, self.claims = path, ranges, cfg, size, claims
        # The head start's checked chunks; each process's copy is set to None once it
        # has taken its end marker.
        self.held: _Handover | None = None

    def scan(self, i: int, defer: bool = False) -> ChunkResult:
        start, end = self.ranges[i]
        return scan_chunk(
            read_range(self.path, start, end),
            self.cfg,
            at_file_start=start == 0,
            at_file_end=end >= self.size,
            defer_counting=defer,
        )

    def next_result(self, block: bool = True) -> tuple[int, ChunkResult] | None:
        """Do the next task: count a chunk the head start checked, else scan an unclaimed
        one, else (if block) wait for the head start's next chunk. None when there is
        nothing to do (then, if not block, the head start may still send chunks)."""
        while True:
            if self.held is not None and (item := self.held.take(block=False)) is not _NOTHING_YET:
                pass
            elif (i := self.claims.take()) is not None:
                return i, self.scan(i)
            elif self.held is not None and block:
                item = self.held.take(block=True)
            else:
                return None
            if item is None:  # this process's end marker: the head start has sent all
                self.held = None
                continue
            i, res = item
            if res is None:  # a chunk the head start left unchecked
                return i, self.scan(i)
            start, end = self.ranges[i]
            return i, count_pending(res, self.cfg, read_range(self.path, start, end))


def _head_start(conn: Connection, job: _Job, loading: Any, processes: int) -> None:
    handover = job.held
    assert handover is not None  # scan_forked sets it before it starts the head start
    held: list[tuple[int, ChunkResult | None]] = []
    nbytes = 0
    while loading.value and nbytes < HEAD_START_MAX_BYTES:
        i = job.claims.take()
        if i is None:
            break
        start, end = job.ranges[i]
        if end - start >= MAX_SPANNED_CHUNK:  # a giant line: left whole to a process that counts
            held.append((i, None))
            break
        res = job.scan(i, defer=True)
        nbytes += res.pending.nbytes if res.pending is not None else 0
        held.append((i, res))
    for item in held:  # the others read once the tokenizer is loaded
        handover.put(item)
    for _ in range(processes):
        handover.put(None)


def _worker(conn: Connection, job: _Job) -> None:
    while (result := job.next_result()) is not None:
        conn.send(result)


def _in_order(started: list[tuple[Any, Connection]], job: _Job) -> Iterator[ChunkResult]:
    """Yield the results in chunk order, working meanwhile: first read whatever the
    workers sent (so that none waits long on a full pipe), then do one task here."""
    open_conns = {conn: proc for proc, conn in started}
    done: dict[int, ChunkResult] = {}
    i, n = 0, len(job.ranges)
    while i < n:
        if i in done:
            yield done.pop(i)
            i += 1
            continue
        for ready in wait(list(open_conns), timeout=0):
            conn = cast(Connection, ready)  # wait gives back some of the connections it was given
            while (msg := _receive(conn, open_conns)) is not None:
                j, res = msg
                done[j] = res
                if not conn.poll():
                    break
        # Never blocking on the head start's chunks here: if it died, its pipe to this
        # process says so, and the workers are stopped.
        if (result := job.next_result(block=False)) is not None:
            done[result[0]] = result[1]
        elif i not in done:
            sources = [*open_conns, *([job.held.reader] if job.held is not None else [])]
            if not sources:
                raise ValidationStopped("the validator's worker processes stopped before the end of the file")
            wait(sources)  # nothing left to do here but wait for the others


def _receive(conn: Connection, open_conns: dict[Connection, Any]) -> tuple[int, ChunkResult] | None:
    try:
        msg = conn.recv()
    except EOFError:
        proc = open_conns.pop(conn)
        proc.join()
        raise ValidationStopped(f"a validator worker process died (exit code {proc.exitcode})") from None
    if msg is None:  # that process is done
        del open_conns[conn]
    elif isinstance(msg, _Failed):
        raise msg.exc
    return msg
