"""Transfer rate and ETA for a progress bar, from (time, bytes) samples (no I/O)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from aoft_tui.domain.formatting import byte_size


class TransferMeter:
    """Rate over a sliding window, so a stall shows up within seconds, not averaged away."""

    def __init__(
        self, total: int, *, window: float = 3.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.total = total
        self.done = 0
        self._window = window
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque([(clock(), 0)])

    def update(self, done: int) -> None:
        now = self._clock()
        self.done = done
        self._samples.append((now, done))
        # Keep one sample older than the window as the rate's starting point.
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window:
            self._samples.popleft()

    @property
    def rate(self) -> float | None:
        """Bytes per second, None until time has passed."""
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        if t1 - t0 <= 0:
            return None
        return (b1 - b0) / (t1 - t0)

    @property
    def eta(self) -> float | None:
        """Seconds to go at the current rate; None when unknown (no rate yet, or stalled)."""
        rate = self.rate
        if self.done >= self.total:
            return 0.0
        if not rate or rate <= 0:
            return None
        return (self.total - self.done) / rate


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def describe_transfer(done: int, total: int, rate: float | None, eta: float | None) -> str:
    """`3.2 MiB / 10.0 MiB · 1.1 MiB/s · ETA 00:06`"""
    speed = f"{byte_size(rate)}/s" if rate else "—/s"
    return f"{byte_size(done)} / {byte_size(total)} · {speed} · ETA {format_eta(eta)}"
