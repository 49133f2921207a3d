"""Snapshots of the job detail screen: every tab, for a running job and for a failed one.

Deterministic: the wall clock is frozen (time-machine, started before the emulator so its
start epoch is fixed), the emulator's clock moves only by `advance`, its seed is fixed,
animations are off, the terminal size is fixed, and workers finish before the shot.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from aoft_tui.domain.models import JobStatus
from tests.ui.detail_support import DetailApp, job_with, settle

FROZEN_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TABS = {"overview": "1", "charts": "2", "events": "3", "checkpoints": "4"}


@pytest.fixture
def frozen_service():
    from aoft_tui.emulator.embedded import EmbeddedEmulator
    from aoft_tui.services.finetuning import FineTuningService

    with time_machine.travel(FROZEN_AT, tick=False):
        with EmbeddedEmulator(seed_jobs=8, speed=0.0, seed=7) as emu:
            emu.advance(600)  # running jobs have a curve worth looking at
            svc = FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=0, timeout=10)
            svc.emulator_now = lambda: datetime.fromtimestamp(emu.clock.now(), UTC)
            try:
                yield svc
            finally:
                svc.close()


@pytest.mark.parametrize("tab", list(TABS))
@pytest.mark.parametrize("status", [JobStatus.RUNNING, JobStatus.FAILED])
def test_job_detail_tabs(snap_compare, frozen_service, status, tab):
    job = job_with(frozen_service, status)
    app = DetailApp(frozen_service, job.id, now=frozen_service.emulator_now)

    async def open_tab(pilot):
        await settle(pilot)
        await pilot.press(TABS[tab])
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=open_tab)


def test_job_detail_charts_80x24_smoothed_log(snap_compare, frozen_service):
    job = job_with(frozen_service, JobStatus.RUNNING)
    app = DetailApp(frozen_service, job.id, now=frozen_service.emulator_now)

    async def smoothed(pilot):
        await settle(pilot)
        await pilot.press("2", "s", "l")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=smoothed)
