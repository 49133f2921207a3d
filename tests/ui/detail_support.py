"""Shared helpers for the job detail Pilot and snapshot tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual.app import App
from textual.pilot import Pilot

from aoft_tui.domain.models import Job, JobStatus
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.settings import Settings
from aoft_tui.ui.screens.job_detail import JobDetailScreen
from aoft_tui.ui.widgets.events_log import EventsLog


class DetailApp(App[None]):
    """The smallest app the detail screen needs: what it reads of AoftApp (`service`,
    `settings`, `demo`, `now()`), and the screen pushed on start."""

    demo = False

    def __init__(
        self, service: FineTuningService, job_id: str, *, now: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__()
        self.service = service
        self.settings = Settings()  # the new-job form opened from here reads its prices
        self.job_id = job_id
        self._now = now or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self._now()  # as AoftApp.now: the emulator's clock for relative times

    def on_mount(self) -> None:
        self.push_screen(JobDetailScreen(self.job_id))


def job_with(service: FineTuningService, *statuses: JobStatus, validation: bool = False) -> Job:
    """The first seeded job in one of these states (the seeded emulator has each kind),
    with a validation file when asked."""
    jobs = service.list_jobs()
    for job in jobs:
        if job.status in statuses and (job.validation_file or not validation):
            return job
    raise AssertionError(f"no seeded job in {statuses}: {[j.status.value for j in jobs]}")


async def settle(pilot: Pilot) -> None:
    """Let poll/prepare workers finish and their messages be handled (twice: a poll may
    start a chart preparation)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    # the events log draws a backlog in slices
    for _ in range(500):
        if not any(log.pending for log in pilot.app.screen.query(EventsLog)):
            break
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
