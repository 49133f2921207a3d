"""The emulator's simulated clock.

    now = start_epoch + speed * (monotonic() - t0) + manual_offset

`start_epoch` is `time.time()` at construction, so a test that freezes `time.time`
(time-machine) before starting the emulator gets fixed timestamps. `speed=0` freezes the
clock: it then moves only through `advance()`.
"""

from __future__ import annotations

import threading
import time


class SimClock:
    def __init__(self, *, speed: float = 1.0, start_epoch: float | None = None) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self.speed = float(speed)
        self.start_epoch = time.time() if start_epoch is None else float(start_epoch)
        self._t0 = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self.start_epoch + self.speed * (time.monotonic() - self._t0) + self._offset

    def advance(self, seconds: float) -> float:
        """Move simulated time forward (never backward); returns the new now."""
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            self._offset += float(seconds)
        return self.now()

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def resume_at(self, sim: float) -> None:
        """Continue from simulated time `sim` (a reloaded state dir), at this clock's speed."""
        with self._lock:
            self.start_epoch, self._t0, self._offset = float(sim), time.monotonic(), 0.0

    def restore(self, *, offset: float) -> None:
        """Used when reloading a state dir: keep the earlier run's manual offset."""
        with self._lock:
            self._offset = float(offset)
