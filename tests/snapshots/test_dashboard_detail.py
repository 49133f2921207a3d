"""Snapshots of the job detail screen: every tab, for a running job and for a failed one.

Deterministic: the wall clock is frozen (time-machine, started before the emulator so its
start epoch is fixed), the emulator's clock moves only by `advance`, its seed is fixed,
animations are off, the terminal size is fixed, and workers finish before the shot.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aoft_tui.domain.models import JobStatus
from tests.support.demo import frozen_demo
from tests.ui.detail_support import DetailApp, job_with, settle

TABS = {"overview": "1", "charts": "2", "events": "3", "checkpoints": "4"}


@pytest.fixture
def frozen_service():
    with frozen_demo() as (emu, svc):
        svc.emulator_now = lambda: datetime.fromtimestamp(emu.clock.now(), UTC)
        yield svc


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


@pytest.mark.parametrize(
    ("size", "tab"), [((80, 24), "checkpoints"), ((200, 60), "charts"), ((200, 60), "events")]
)
def test_job_detail_sizes(snap_compare, frozen_service, size, tab):
    """Issue #14: checkpoint names keep their end, the title has no dangling arrow, events hang
    under the message column, y ticks are even — at 80×24 and 200×60."""
    job = job_with(frozen_service, JobStatus.SUCCEEDED)
    app = DetailApp(frozen_service, job.id, now=frozen_service.emulator_now)

    async def open_tab(pilot):
        await settle(pilot)
        await pilot.press(TABS[tab])
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_tab)
