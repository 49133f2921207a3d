"""Found by the fault soak: a job detail poll that failed half-way (its events read, then
the checkpoints or results.csv read failed) still moved its "newest event seen" mark, so
the next poll asked only for events after it, and those events never reached the screen."""

from __future__ import annotations

import pytest

from aoft_tui.domain.series import ChartOptions
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.job_detail_data import DetailFetcher
from tests.push.push_support import finished_job

ATTEMPTS = 3  # the service's max_retries=2 (tests/conftest.py), plus the first try


def test_a_poll_that_fails_after_reading_events_loses_none_of_them(emulator, service):
    job_id = finished_job(emulator, service, n_steps=60)
    every_event = [e.id for e in service.events_since(job_id)]
    fetcher = DetailFetcher(service, job_id)
    emulator.faults.schedule(
        "503",
        method="GET",
        path_contains=f"/fine_tuning/jobs/{job_id}/checkpoints",
        count=ATTEMPTS,
        retry_after=0.05,
    )
    with pytest.raises(ServiceError):
        fetcher.fetch(ChartOptions(), 200)
    update = fetcher.fetch(ChartOptions(), 200)  # the next poll, the fault gone
    assert [e.id for e in update.new_events] == every_event
