"""The dashboard as the main-screen tests start it: the demo app on the seeded emulator,
its job list loaded, driven through Textual's Pilot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from textual.pilot import Pilot

from aoft_tui.domain.models import Job

from .detail_support import DetailApp, job_with
from .detail_support import settle as detail_settle
from .main_support import loaded, make_app

StartDashboard = Callable[..., AbstractAsyncContextManager[Pilot]]
StartDetail = Callable[..., AbstractAsyncContextManager[tuple[Pilot, Job]]]


@pytest.fixture
def start_dashboard(seeded_emulator, seeded_service) -> StartDashboard:
    """`async with start_dashboard(size=(120, 40), **settings) as pilot:` the app running on
    the seeded emulator, its job list on screen; notifications (toasts) kept for `toasts()`."""

    @asynccontextmanager
    async def start(size: tuple[int, int] = (120, 40), **settings) -> AsyncIterator[Pilot]:
        app = make_app(seeded_service, seeded_emulator, **settings)
        async with app.run_test(size=size, notifications=True) as pilot:
            await loaded(pilot)
            yield pilot

    return start


@pytest.fixture
async def dashboard(start_dashboard: StartDashboard) -> AsyncIterator[Pilot]:
    """The loaded dashboard at 120×40 (default settings): a Pilot; `dashboard.app` is the app."""
    async with start_dashboard() as pilot:
        yield pilot


@pytest.fixture
def start_detail(seeded_service) -> StartDetail:
    """`async with start_detail(JobStatus.RUNNING, size=(120, 40)) as (pilot, job):` the job
    detail screen (DetailApp) of the first seeded job in one of these states, settled.
    `notifications=True` keeps toasts; `validation=True` asks for a job with a validation file."""

    @asynccontextmanager
    async def start(
        *statuses, size: tuple[int, int], notifications: bool = False, validation: bool = False
    ) -> AsyncIterator[tuple[Pilot, Job]]:
        job = job_with(seeded_service, *statuses, validation=validation)
        app = DetailApp(seeded_service, job.id)
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await detail_settle(pilot)
            yield pilot, job

    return start
