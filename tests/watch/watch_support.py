"""A real `aoft-tui watch` process against the embedded emulator, its lines read as they come."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time


class WatchProcess:
    def __init__(self, emu, *args: str, env: dict[str, str] | None = None) -> None:
        full_env = {
            **os.environ,
            "AZURE_OPENAI_ENDPOINT": emu.endpoint,
            "AZURE_OPENAI_API_KEY": emu.api_key,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aoft_tui", "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=full_env,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self._lines.put), daemon=True).start()
        threading.Thread(
            target=self._pump, args=(self.proc.stderr, self.stderr_lines.append), daemon=True
        ).start()

    @staticmethod
    def _pump(stream, sink) -> None:
        for line in stream:
            sink(line.rstrip("\n"))

    def next_line(self, timeout: float = 20.0) -> str:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line within {timeout} s; stderr: {self.stderr}") from None
        assert line is not None
        return line

    def wait(self, timeout: float = 30.0) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            time.sleep(0.05)  # let the pumps drain

    @property
    def stderr(self) -> str:
        return "\n".join(self.stderr_lines)

    def remaining_lines(self) -> list[str]:
        lines = []
        while True:
            try:
                line = self._lines.get(timeout=0.5)
            except queue.Empty:
                return lines
            if line is not None:
                lines.append(line)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


def make_fail(emu, job_id: str, at_step: int) -> None:
    """The emulator's job fails (internal error) when it reaches `at_step`."""
    with emu.store.lock:
        emu.store.jobs[job_id].fail_at_step = at_step
