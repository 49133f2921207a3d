"""A command run in a real pseudo-terminal, its screen read as a person would see it.

The benchmarks that time what users see use this: the installed command is started on a
pty of a fixed size, every byte it writes goes through a VT100 emulator (pyte), and the
clock stops when a predicate on the visible screen first holds. Nothing in the program
under test is patched or hooked.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Sequence

import pyte

ScreenTest = Callable[[list[str]], bool]


class PtyRun:
    """One command on a pty of `columns` x `lines`; `wait_for` reads its output until the
    screen satisfies a test, and returns the seconds since the process was started."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], *, columns: int = 120, lines: int = 40):
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        full_env = {**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)

    def wait_for(self, test: ScreenTest, timeout: float = 60.0) -> float:
        deadline = self.started + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(
                    "the screen never showed what was waited for:\n" + "\n".join(self.screen.display)
                )
            ready, _, _ = select.select([self.master], [], [], min(remaining, 0.5))
            if not ready:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"the command exited ({self.process.returncode}):\n" + "\n".join(self.screen.display)
                    )
                continue
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:  # the child closed the pty
                data = b""
            if not data:
                raise RuntimeError("the command closed its terminal:\n" + "\n".join(self.screen.display))
            self.stream.feed(data)
            if test(self.screen.display):
                return time.perf_counter() - self.started

    def cpu_seconds(self) -> float:
        """CPU time the command has used so far, all its live threads (Linux: schedstat, in ns;
        threads that already ended are not counted). Less noisy than wall time on a shared
        machine, so an A/B of a change is judged on both."""
        pid = self.process.pid
        total = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                    total += int(stat.read().split()[0])
            except (OSError, ValueError, IndexError):  # a thread that just ended
                continue
        return total / 1e9

    def drain(self, seconds: float) -> None:
        """Keep reading what the command writes for `seconds`, as a terminal does."""
        end = time.perf_counter() + seconds
        while (remaining := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.stream.feed(os.read(self.master, 1 << 16))
                except OSError:
                    return

    def close(self) -> None:
        """End the command (and anything it started) and drain the pty."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.master)

    def __enter__(self) -> PtyRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
