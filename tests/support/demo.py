"""The frozen demo: what the dashboard snapshot tests and screenshots/make.py start from.

Deterministic: the wall clock is frozen (time-machine, started before the emulator so its
start epoch is fixed), the emulator's clock moves only by `advance`, its seed is fixed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import time_machine

from aoft_tui.emulator.embedded import EmbeddedEmulator
from aoft_tui.services.finetuning import FineTuningService

FROZEN_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@contextmanager
def frozen_demo(
    *, seed_jobs: int = 8, seed: int = 7, advance: float = 600
) -> Iterator[tuple[EmbeddedEmulator, FineTuningService]]:
    """The seeded emulator `advance` simulated seconds in (running jobs have a curve worth
    looking at) under a wall clock frozen at FROZEN_AT, and a service on it."""
    # The wall clock first: the emulator's start epoch comes from it.
    with (
        time_machine.travel(FROZEN_AT, tick=False),
        EmbeddedEmulator(seed_jobs=seed_jobs, speed=0.0, seed=seed) as emu,
    ):
        emu.advance(advance)
        svc = FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=0, timeout=10)
        try:
            yield emu, svc
        finally:
            svc.close()
