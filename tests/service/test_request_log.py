"""The request log on the emulator: every request with its status, duration and request id;
failures with the message the user saw; never the API key."""

from __future__ import annotations

import pytest

from aoft_tui.services.errors import ServiceError


def test_each_request_is_logged_with_status_duration_and_request_id(seeded_service) -> None:
    jobs = seeded_service.list_jobs()
    seeded_service.get_job(jobs[0].id)
    entries = seeded_service.request_log.entries()
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("GET", "/openai/fine_tuning/jobs", 200),
        ("GET", f"/openai/fine_tuning/jobs/{jobs[0].id}", 200),
    ]
    assert all(e.duration > 0 and e.request_id and not e.failed for e in entries)
    assert entries[0].at <= entries[1].at
    assert all("api-version" not in e.path for e in entries)  # the query string is not kept


def test_a_failed_request_keeps_its_status_request_id_and_message(seeded_emulator, make_service) -> None:
    service = make_service(seeded_emulator, max_retries=0)
    seeded_emulator.faults.schedule("500", method="GET", path_contains="/fine_tuning/jobs")
    with pytest.raises(ServiceError) as caught:
        service.list_jobs()
    (entry,) = service.request_log.entries()
    assert entry.status == 500 and entry.failed
    assert entry.request_id == caught.value.request_id
    assert entry.error == str(caught.value)


def test_retries_are_each_logged(seeded_emulator, make_service) -> None:
    service = make_service(seeded_emulator, max_retries=1)
    seeded_emulator.faults.schedule("503", method="GET", path_contains="/fine_tuning/jobs", retry_after=0.01)
    service.list_jobs()
    assert [e.status for e in service.request_log.entries()] == [503, 200]


def test_a_request_without_answer_is_logged_as_such(make_service) -> None:
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=1) as emu:
        endpoint, key = emu.endpoint, emu.api_key
    from aoft_tui.services.finetuning import FineTuningService

    service = FineTuningService(endpoint, key, "2025-04-01-preview", max_retries=1, timeout=2)
    try:
        with pytest.raises(ServiceError) as caught:
            service.list_jobs()
    finally:
        service.close()
    entries = service.request_log.entries()
    assert [(e.path, e.status) for e in entries] == [("/openai/fine_tuning/jobs", None)] * 2
    assert entries[-1].error == str(caught.value) and entries[0].error.startswith("no answer")
    assert all(e.failed for e in entries)


def test_the_key_never_reaches_the_log(seeded_emulator, make_service) -> None:
    service = make_service(seeded_emulator, max_retries=0)
    key = seeded_emulator.api_key
    seeded_emulator.faults.schedule("429", method="GET", path_contains="/fine_tuning/jobs")
    with pytest.raises(ServiceError):
        service.list_jobs()
    service.request_log.record("GET", f"/odd/{key}", 400, 0.1, error=f"echoed {key}")
    text = repr(service.request_log.entries())
    assert key not in text and "429" in text


def test_the_prefetched_first_list_is_logged_too(seeded_emulator, make_service) -> None:
    service = make_service(seeded_emulator)
    service.prefetch_job_list()
    jobs = service.list_jobs()
    assert service.traffic.count("GET", "/openai/fine_tuning/jobs") == 1  # answered by the prefetch
    (entry,) = service.request_log.entries()
    assert (entry.method, entry.path, entry.status) == ("GET", "/openai/fine_tuning/jobs", 200)
    assert entry.request_id and entry.duration > 0 and jobs
