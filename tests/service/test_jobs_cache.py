"""The last-known job list per endpoint (services.jobs_cache): written by list_jobs,
atomically and only when changed, bounded, never holding the key, robust to damage."""

from __future__ import annotations

import json

from aoft_tui.services import jobs_cache
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.jobs_cache import JobsCache
from aoft_tui.services.settings import state_dir


def test_list_jobs_remembers_the_raw_list_without_the_key(seeded_emulator, seeded_service) -> None:
    cache = JobsCache(seeded_service.endpoint)
    assert cache.path.parent == state_dir() / "jobs"
    assert cache.load() is None
    seeded_service.jobs_cache = cache
    live = seeded_service.list_jobs(status="succeeded")  # a filtered call still caches everything
    text = cache.path.read_text()
    assert seeded_emulator.api_key not in text
    data = json.loads(text)
    assert data["endpoint"] == seeded_service.endpoint
    assert {raw["id"] for raw in data["jobs"]} >= {j.id for j in live}
    assert [j.id for j in JobsCache(seeded_service.endpoint).load()] == [
        j.id for j in seeded_service.list_jobs()
    ]


def test_written_only_when_changed(seeded_service) -> None:
    cache = JobsCache(seeded_service.endpoint)
    raw = [{"id": "ftjob-a", "status": "running"}]
    assert cache.store(raw) is True
    assert cache.store(raw) is False
    assert JobsCache(seeded_service.endpoint).store(raw) is False  # a new process reads what is there
    assert cache.store([{"id": "ftjob-a", "status": "succeeded"}]) is True
    assert [p.name for p in cache.path.parent.iterdir()] == [cache.path.name]  # no temp file left


def test_bounded_in_jobs_and_endpoints(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(jobs_cache, "MAX_JOBS", 3)
    monkeypatch.setattr(jobs_cache, "MAX_ENDPOINTS", 2)
    caches = [JobsCache(f"https://r{i}.openai.azure.com", tmp_path) for i in range(4)]
    for cache in caches:
        cache.store([{"id": f"ftjob-{n}"} for n in range(10)])
    assert len(json.loads(caches[-1].path.read_text())["jobs"]) == 3
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(c.path.name for c in caches[-2:])


def test_damaged_or_foreign_files_read_as_no_cache(seeded_emulator, seeded_service) -> None:
    cache = JobsCache(seeded_service.endpoint)
    seeded_service.jobs_cache = cache
    seeded_service.list_jobs()
    good = json.loads(cache.path.read_text())
    for damaged in (
        b"not json",
        b"[]",
        json.dumps({**good, "format": 99}).encode(),
        json.dumps({**good, "endpoint": "https://other.openai.azure.com"}).encode(),
        json.dumps({**good, "jobs": ["ftjob-x"]}).encode(),  # not job objects
        json.dumps({**good, "jobs": 5}).encode(),
    ):
        cache.path.write_bytes(damaged)
        assert JobsCache(seeded_service.endpoint).load() is None, damaged


def _service_caching_in(emulator, folder) -> FineTuningService:
    return FineTuningService(
        emulator.endpoint,
        emulator.api_key,
        "2025-04-01-preview",
        jobs_cache=JobsCache(emulator.endpoint, folder),
    )


def test_the_prefetched_first_list_is_cached_after_the_first_paint_not_before(
    seeded_emulator, tmp_path
) -> None:
    """The dashboard takes the prefetched list on the UI thread right before its first frame:
    writing the cache there (JSON of every job, ~5-10 ms at 500 jobs) delayed that frame.
    It is written by flush_jobs_cache() (the app calls it once the list is on screen) or at
    close(), so a quick quit still leaves it."""
    service = _service_caching_in(seeded_emulator, tmp_path)
    service.prefetch_job_list()
    jobs = service.list_jobs()
    assert JobsCache(seeded_emulator.endpoint, tmp_path).load() is None  # not yet
    service.flush_jobs_cache()
    assert [j.id for j in JobsCache(seeded_emulator.endpoint, tmp_path).load()] == [j.id for j in jobs]

    other = tmp_path / "other"
    service = _service_caching_in(seeded_emulator, other)
    service.prefetch_job_list()
    service.list_jobs()
    service.close()
    assert [j.id for j in JobsCache(seeded_emulator.endpoint, other).load()] == [j.id for j in jobs]
