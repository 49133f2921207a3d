"""DetailFetcher (no Textual): incremental event tail, files looked up once, chart data only
when metrics change (the poll interval: tests/unit/test_poll_interval.py)."""

from __future__ import annotations

from aoft_tui.domain.models import JobStatus
from aoft_tui.domain.series import ChartOptions
from aoft_tui.services.job_detail_data import DetailFetcher

from .detail_support import job_with


class CountingService:
    """The real service, with a count of get_file calls."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.get_file_calls = 0

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def get_file(self, file_id):
        self.get_file_calls += 1
        return self._inner.get_file(file_id)


def test_fetch_tails_events_and_prepares_charts_only_on_change(seeded_emulator, seeded_service):
    job = job_with(seeded_service, JobStatus.RUNNING, validation=True)
    service = CountingService(seeded_service)
    fetcher = DetailFetcher(service, job.id)

    first = fetcher.fetch(ChartOptions(), 100)
    assert [e.id for e in first.new_events] == [e.id for e in seeded_service.events_since(job.id)]
    assert first.loss is not None and all(len(xs) <= 100 for xs, _ in first.loss.values())
    assert set(first.files) == {job.training_file, job.validation_file}
    assert service.get_file_calls == 2

    again = fetcher.fetch(ChartOptions(), 100)
    assert again.new_events == []
    assert again.loss is None  # metrics unchanged: nothing to redraw
    assert service.get_file_calls == 2  # files are looked up once

    seeded_emulator.advance(600)
    later = fetcher.fetch(ChartOptions(), 100)
    assert later.new_events and later.new_events[0].id not in {e.id for e in first.new_events}
    assert later.loss is not None
    assert later.metrics[-1].step > first.metrics[-1].step


def test_missing_file_is_a_reason_not_an_error(seeded_service):
    job = job_with(seeded_service, JobStatus.SUCCEEDED)
    seeded_service.delete_file(job.training_file)
    update = DetailFetcher(seeded_service, job.id).fetch(ChartOptions(), 50)
    assert update.files[job.training_file] == "not found (deleted?)"
    assert update.finished is True
