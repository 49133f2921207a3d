"""Main screen: the job list cached from the last run paints at once, marked, until the
first live list replaces it by key."""

from __future__ import annotations

import json
import threading

from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.jobs_cache import JobsCache
from aoft_tui.ui.widgets.connection import ConnectionIndicator

from .main_support import loaded, main_screen, make_app, table, toasts


class GatedService(FineTuningService):
    """The real service, whose list_jobs waits until the test opens the gate (a slow first
    poll, made deterministic)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()

    def list_jobs(self, status=None):
        assert self.gate.wait(10), "the test never opened the gate"
        return super().list_jobs(status)


def _gated(emu, cache: JobsCache) -> GatedService:
    return GatedService(
        emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=0, timeout=10, jobs_cache=cache
    )


async def _rows(pilot, count: int) -> None:
    for _ in range(100):
        if table(pilot).row_count == count:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{table(pilot).row_count} rows, expected {count}")


async def test_cached_rows_show_marked_then_live_list_replaces_them_by_key(
    seeded_emulator, seeded_service
) -> None:
    cache = JobsCache(seeded_service.endpoint)
    seeded_service.jobs_cache = cache
    live = seeded_service.list_jobs()
    # Last run's list differs from today's: a job since deleted, another in an older state.
    data = json.loads(cache.path.read_text())
    ghost = {**data["jobs"][0], "id": "ftjob-gone00000000000000000000"}
    data["jobs"][1]["status"] = "queued"
    data["jobs"].append(ghost)
    cache.path.write_text(json.dumps(data))
    changed_id = data["jobs"][1]["id"]
    assert next(j for j in live if j.id == changed_id).status.value != "queued"

    service = _gated(seeded_emulator, JobsCache(seeded_service.endpoint))
    try:
        app = make_app(service, seeded_emulator)
        async with app.run_test(size=(120, 40)) as pilot:
            await _rows(pilot, len(live) + 1)
            screen = main_screen(pilot)
            indicator = screen.query_one(ConnectionIndicator)
            assert not screen.loaded
            assert indicator.cached and "cached · connecting" in str(indicator.render())
            jobs_table = table(pilot)
            assert jobs_table.jobs[changed_id].status.value == "queued"
            assert "ftjob-gone00000000000000000000" in jobs_table.jobs
            jobs_table.move_cursor(row=3)
            await pilot.pause()
            selected = jobs_table.selected_job.id

            service.gate.set()
            await loaded(pilot)
            assert set(jobs_table.jobs) == {j.id for j in live}
            assert jobs_table.jobs[changed_id].status == next(j for j in live if j.id == changed_id).status
            assert jobs_table.selected_job.id == selected  # the cursor stayed on its job
            assert not indicator.cached and str(indicator.render()) == "● connected"
        # and the cache now holds today's list
        assert {j.id for j in JobsCache(seeded_service.endpoint).load()} == {j.id for j in live}
    finally:
        service.gate.set()
        service.close()


async def test_corrupt_cache_is_ignored_without_a_traceback(seeded_emulator, seeded_service) -> None:
    cache = JobsCache(seeded_service.endpoint)
    cache.path.parent.mkdir(parents=True)
    cache.path.write_bytes(
        b'{"format": 1, "endpoint": "' + seeded_service.endpoint.encode() + b'", "jobs": [{"id"'
    )
    service = _gated(seeded_emulator, cache)
    try:
        app = make_app(service, seeded_emulator)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause(0.1)
            indicator = main_screen(pilot).query_one(ConnectionIndicator)
            assert table(pilot).row_count == 0
            assert not indicator.cached and "cached" not in str(indicator.render())
            service.gate.set()
            await loaded(pilot)
            assert table(pilot).row_count == len(seeded_service.list_jobs())
            assert toasts(app) == []
        assert JobsCache(seeded_service.endpoint).load() is not None  # rewritten by the live list
    finally:
        service.gate.set()
        service.close()


class CountingCache(JobsCache):
    loads = 0

    def load(self):
        self.loads += 1
        return super().load()


async def test_a_first_list_already_here_is_shown_instead_of_the_cache(
    seeded_emulator, seeded_service
) -> None:
    seeded_service.jobs_cache = JobsCache(seeded_service.endpoint)
    seeded_service.list_jobs()  # last run's cache
    cache = CountingCache(seeded_service.endpoint)
    service = FineTuningService(
        seeded_emulator.endpoint, seeded_emulator.api_key, "2025-04-01-preview", jobs_cache=cache
    )
    service.prefetch_job_list()
    for _ in range(200):  # the first list arrives before the dashboard mounts
        if service.first_list_arrived:
            break
        threading.Event().wait(0.01)
    try:
        app = make_app(service, seeded_emulator)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert table(pilot).row_count == 8
            assert cache.loads == 0  # the cache was not even read
            assert service.traffic.count("GET", "/fine_tuning/jobs") == 1  # the prefetched list only
    finally:
        service.close()
