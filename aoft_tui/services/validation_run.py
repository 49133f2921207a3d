"""Validating a dataset in a child process, for the TUI: progress, and a cancel that stops.

The TUI is threaded and its stdio are not normal file descriptors, so the validator's
worker processes cannot be started from it (forking a threaded process can deadlock; a
process pool's helper fails with "bad value(s) in fds_to_keep"). A child Python process
is single-threaded: it runs `validate_file` exactly as `aoft-tui validate` does (the
forked fast path) and sends pickled frames back on a pipe:
    ("progress", bytes_done, bytes_total, lines_done)   at most ~10 a second
    ("report", ValidationReport) | ("error", DatasetIOError)
The child leads its own process group, so `cancel()` stops it and every worker it forked
at once. If the TUI dies, the child's next progress frame fails and it exits.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # the validator loads in the child, not on the TUI's start path
    from aoft_tui.domain.validation import ValidationReport

ProgressSink = Callable[[int, int, int], None]  # bytes done, bytes in all, lines done
PROGRESS_INTERVAL = 0.1  # seconds between progress frames


class ValidationCancelled(Exception):
    """The user cancelled the validation; the child process and its workers are stopped."""


class ChildValidation:
    """One validation in a child process. `validate_file` blocks (call it from a worker
    thread); `cancel` may be called from any thread, before or during it."""

    def __init__(self, on_progress: ProgressSink | None = None) -> None:
        self.on_progress = on_progress
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._cancelled = False

    @property
    def pid(self) -> int | None:
        """The child's pid (its process group's id) while it runs."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def validate_file(self, train: Path, **options: Any) -> ValidationReport:
        """`aoft_tui.domain.validation.validate_file(train, **options)`, in the child.
        Raises DatasetIOError as it does, ValidationCancelled after `cancel()`."""
        with tempfile.TemporaryFile() as errors:
            with self._lock:  # with cancel's lock: either it sees the child, or this sees it
                if self._cancelled:
                    raise ValidationCancelled("The validation was cancelled.")
                self._proc = proc = subprocess.Popen(
                    [sys.executable, "-m", "aoft_tui.services.validation_run"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    start_new_session=True,  # its own group: cancel stops its workers too
                )
            try:
                try:
                    stdin = _pipe(proc.stdin)
                    pickle.dump((Path(train), options), stdin)
                    stdin.close()
                except OSError:
                    pass  # it died at once: told below
                return self._receive(proc, errors, Path(train))
            finally:
                self._stop(proc)
                _pipe(proc.stdout).close()

    def _receive(self, proc: subprocess.Popen[bytes], errors: Any, train: Path) -> ValidationReport:
        while True:
            try:
                frame = pickle.load(_pipe(proc.stdout))
            except (EOFError, pickle.UnpicklingError, OSError):
                break
            kind = frame[0]
            if kind == "progress":
                if self.on_progress is not None and not self._cancelled:
                    self.on_progress(*frame[1:])
            elif kind == "report":
                return frame[1]
            elif kind == "error":
                raise frame[1]
        from aoft_tui.domain.validation.errors import ValidationStopped

        code = proc.wait()
        if self._cancelled:
            raise ValidationCancelled("The validation was cancelled.")
        errors.seek(0)
        last = errors.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {code}"]
        raise ValidationStopped(
            f"{train}: the validator stopped before the end ({last[0][:300]}). "
            f"Run `aoft-tui validate {train}` for the full error."
        )

    def cancel(self) -> None:
        """Stop the child and its workers (SIGKILL to its process group); idempotent."""
        with self._lock:
            self._cancelled = True
            proc = self._proc
        if proc is not None:
            self._stop(proc)

    @staticmethod
    def _stop(proc: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            # the whole group: workers it forked may outlive it
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):  # pragma: no cover - SIGKILL cannot be ignored
            proc.wait(timeout=5)


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    """The child's stdin or stdout: opened with subprocess.PIPE, so never None."""
    assert stream is not None, "opened with subprocess.PIPE"
    return stream


def _child() -> None:
    """The child's side: read the arguments, validate, send the frames."""
    from aoft_tui.domain.validation import DatasetIOError, validate_file

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the frames
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c in the TUI is the TUI's
    train, options = pickle.load(sys.stdin.buffer)
    last = [0.0]

    def progress(done: int, total: int, lines: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL or done >= total:
            last[0] = now
            pickle.dump(("progress", done, total, lines), out)
            out.flush()  # BrokenPipeError here (the TUI is gone) stops the validation

    try:
        report = validate_file(train, progress=progress, **options)
    except DatasetIOError as exc:
        pickle.dump(("error", type(exc)(str(exc))), out)
    else:
        pickle.dump(("report", report), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


if __name__ == "__main__":
    _child()
