"""Events are fetched incrementally; metrics come from events while running and from
results.csv once done, and both sources agree."""

from __future__ import annotations

import pytest

from aoft_tui.domain.models import TRAIN_LOSS, JobStatus
from aoft_tui.services.errors import ServerError
from aoft_tui.services.metrics_source import metrics_from_events


def _running_job(service, emulator, write_dataset, *, min_points: int = 20):
    """A fresh job of our own, trained long enough to have `min_points` metrics events."""
    from aoft_tui.domain.models import JobSpec

    info = service.upload_file(write_dataset(1500))  # ~150 metrics events over its run
    service.wait_for_file(info.id, poll_interval=0.05, timeout=10)
    job = service.create_job(
        JobSpec(model="gpt-4o-mini-2024-07-18", training_file=info.id, hyperparameters={"n_epochs": 3})
    )
    for _ in range(200):
        emulator.advance(30)
        job = service.get_job(job.id)
        if job.status is JobStatus.RUNNING and len(service.metrics(job.id, job=job)) >= min_points:
            return job
    pytest.fail(f"job never ran long enough: {job.status}")


def _cost(service, action) -> tuple[int, int, object]:
    """(requests, bytes, result) of one call."""
    before = service.traffic.snapshot()
    result = action()
    after = service.traffic.snapshot()
    return after[0] - before[0], after[1] - before[1], result


def test_events_oldest_first_and_nothing_new_after_the_newest(seeded_service) -> None:
    job = seeded_service.list_jobs(status="succeeded")[0]
    events = seeded_service.events_since(job.id)
    assert events, "a succeeded job has events"
    assert [e.created_at for e in events] == sorted(e.created_at for e in events)
    assert len({e.id for e in events}) == len(events)
    assert events[-1].message.startswith("Job succeeded")
    assert seeded_service.events_since(job.id, events[-1].id) == []
    # from a known id in the middle: exactly the ones after it
    middle = len(events) // 2
    assert seeded_service.events_since(job.id, events[middle].id) == events[middle + 1 :]


def test_poll_bytes_grow_with_new_events_not_history(emulator, service, write_dataset) -> None:
    job = _running_job(service, emulator, write_dataset)
    history = service.events_since(job.id)
    short_full = _cost(service, lambda: service.events_since(job.id))[1]
    idle_short = _cost(service, lambda: service.events_since(job.id, history[-1].id))

    for _ in range(200):  # until the history is four times longer (training still going)
        emulator.advance(10)
        if len(service.events_since(job.id)) >= 4 * len(history):
            break
    history = service.events_since(job.id)
    long_full = _cost(service, lambda: service.events_since(job.id))[1]
    idle_long = _cost(service, lambda: service.events_since(job.id, history[-1].id))
    assert long_full > 3 * short_full  # the history grew fourfold …
    # … an idle poll did not grow (one small page; event texts differ a little in length)
    assert idle_short[0] == idle_long[0] == 1
    assert idle_long[1] <= 1.25 * idle_short[1]
    assert idle_long[2] == []
    assert idle_long[1] * 10 < long_full
    assert service.get_job(job.id).status is JobStatus.RUNNING

    for _ in range(60):  # step the clock until a few new events exist
        emulator.advance(1)
        requests, poll_bytes, new = _cost(service, lambda: service.events_since(job.id, history[-1].id))
        if new:
            break
    assert new, (len(history), service.get_job(job.id).status, history[-1].message)
    assert not {e.id for e in new} & {h.id for h in history}
    assert requests <= 2 and poll_bytes * 4 < long_full
    # the incremental view equals a fresh full read
    assert history + new == service.events_since(job.id)


def test_running_metrics_are_incremental_and_match_events(emulator, service, write_dataset) -> None:
    job = _running_job(service, emulator, write_dataset, min_points=100)
    first = service.metrics(job.id, job=job)
    assert first == metrics_from_events(service.events_since(job.id))
    assert all(TRAIN_LOSS in p.values for p in first)
    full_bytes = _cost(service, lambda: service.events_since(job.id))[1]
    emulator.advance(2)  # a few new events
    job = service.get_job(job.id)
    _, poll_bytes, polled = _cost(service, lambda: service.metrics(job.id, job=job))
    assert polled[: len(first)] == first and len(polled) > len(first)
    assert polled == metrics_from_events(service.events_since(job.id))
    assert poll_bytes * 5 < full_bytes  # the new events only, not the history


def test_done_job_metrics_come_from_results_csv_and_agree_with_events(seeded_service) -> None:
    job = seeded_service.list_jobs(status="succeeded")[0]
    assert job.result_files
    from_events = metrics_from_events(seeded_service.events_since(job.id))
    from_csv = seeded_service.metrics(job.id)
    assert seeded_service.traffic.count("GET", "/content") == 1
    # results.csv has every step, metrics events every N steps: at equal steps they agree
    csv_by_step = {p.step: p.values for p in from_csv}
    assert from_events and len(from_csv) >= len(from_events)
    for point in from_events:
        assert point.step in csv_by_step
        for name, value in point.values.items():
            assert csv_by_step[point.step][name] == pytest.approx(value, rel=1e-3, abs=1e-4), (
                point.step,
                name,
            )
    # a done job's results are cached: no second download
    assert seeded_service.metrics(job.id) == from_csv
    assert seeded_service.traffic.count("GET", "/content") == 1


def test_a_results_file_that_is_gone_falls_back_to_events(seeded_emulator, make_service) -> None:
    service = make_service(seeded_emulator, max_retries=0)
    job = service.list_jobs(status="succeeded")[0]
    service.delete_file(job.result_files[0])  # gone for good: the events are all there is
    points = service.metrics(job.id)
    assert points == metrics_from_events(service.events_since(job.id))
    assert points


def test_a_results_file_that_failed_to_download_is_an_error_not_a_tenth_of_the_steps(
    seeded_emulator, make_service
) -> None:
    """A 500 after the SDK's retries is passing trouble: the caller retries (tests/reliability);
    falling back to the events would draw every 10th step and call the job finished."""
    service = make_service(seeded_emulator, max_retries=0)
    job = service.list_jobs(status="succeeded")[0]
    seeded_emulator.faults.schedule("500", method="GET", path_contains="/content", count=1)
    with pytest.raises(ServerError):
        service.metrics(job.id)
    assert len(service.metrics(job.id)) > len(metrics_from_events(service.events_since(job.id)))


def test_metrics_reuse_a_status_just_listed(seeded_service) -> None:
    running = seeded_service.list_jobs(status="running")[0]
    retrieves = seeded_service.traffic.count("GET", running.id)
    assert seeded_service.metrics(running.id)
    assert seeded_service.traffic.count("GET", running.id) == retrieves  # no GET of the job itself


def test_metrics_after_an_events_poll_download_nothing_twice(emulator, service, write_dataset) -> None:
    job = _running_job(service, emulator, write_dataset)
    events = service.events_since(job.id)
    before = service.metrics(job.id, job=job)
    emulator.advance(10)
    new = service.events_since(job.id, events[-1].id)  # the dashboard's own events poll
    assert any(e.type == "metrics" for e in new)
    requests, poll_bytes, after = _cost(service, lambda: service.metrics(job.id, job=job))
    assert requests == 1 and poll_bytes < 2000  # one idle page: the new events came from the poll above
    assert len(after) > len(before)
    assert after == metrics_from_events(service.events_since(job.id))


def test_concurrent_pollers_see_consistent_metrics(emulator, service, write_dataset) -> None:
    """The TUI's workers share one service: parallel metrics/events polls must not lose
    or duplicate points."""
    import threading

    job = _running_job(service, emulator, write_dataset)
    errors: list[BaseException] = []

    def poll() -> None:
        try:
            last = None
            for _ in range(15):
                service.metrics(job.id, job=job)
                new = service.events_since(job.id, last)
                if new:
                    last = new[-1].id
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=poll) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(10):
        emulator.advance(3)
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    points = service.metrics(job.id, job=job)
    assert points == metrics_from_events(service.events_since(job.id))
    assert len({p.step for p in points}) == len(points)
