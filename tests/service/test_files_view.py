"""The Files view's service side on the emulator: usage per file, the quota, a delete that
refuses files an unfinished job uses, and deleting finished jobs (FineTuning_Delete)."""

from __future__ import annotations

import pytest

from aoft_tui.services import files as files_service
from aoft_tui.services.errors import BadRequestError, NotFoundError


def test_every_file_names_the_jobs_that_use_it(seeded_service) -> None:
    jobs = seeded_service.list_jobs()
    overview = files_service.files_overview(seeded_service)
    by_id = {usage.file.id: usage for usage in overview.files}
    assert len(by_id) == len(seeded_service.list_files())
    for job in jobs:
        assert job.id in {j.id for j in by_id[job.training_file].jobs}
        if job.validation_file:
            assert job.id in {j.id for j in by_id[job.validation_file].jobs}
        for result in job.result_files:
            assert [j.id for j in by_id[result].jobs] == [job.id]


def test_quota_counts_uploaded_files_not_results(seeded_service) -> None:
    every = seeded_service.list_files()
    uploaded = [f for f in every if f.purpose == "fine-tune"]
    quota = files_service.files_overview(seeded_service).quota
    assert len(uploaded) < len(every)  # the demo has results files, which Azure writes itself
    assert quota.files == len(uploaded)
    assert quota.total_bytes == sum(f.bytes for f in uploaded)
    assert (quota.max_files, quota.max_total_bytes) == (50, 1024**3)
    assert quota.fraction == pytest.approx(max(len(uploaded) / 50, quota.total_bytes / 1024**3))


def test_delete_refuses_a_file_a_running_job_uses_and_names_the_job(seeded_service) -> None:
    running = next(j for j in seeded_service.list_jobs() if j.status.value == "running")
    with pytest.raises(files_service.FileInUse) as caught:
        files_service.delete_unused_file(seeded_service, running.training_file)
    message = str(caught.value)
    assert running.id in message and "running" in message and running.training_file in message
    assert seeded_service.get_file(running.training_file).id == running.training_file  # still there


@pytest.mark.parametrize("status", ["paused", "pending"])
def test_delete_refuses_files_of_paused_and_pending_jobs(seeded_service, status) -> None:
    job = next(j for j in seeded_service.list_jobs() if j.status.value == status)
    with pytest.raises(files_service.FileInUse, match=job.id):
        files_service.delete_unused_file(seeded_service, job.training_file)


def test_delete_of_a_finished_jobs_file_goes_through(seeded_service) -> None:
    done = next(j for j in seeded_service.list_jobs() if j.status.value == "succeeded")
    files_service.delete_unused_file(seeded_service, done.training_file)
    with pytest.raises(NotFoundError):
        seeded_service.get_file(done.training_file)


def test_finished_job_can_be_deleted_and_a_running_one_cannot(seeded_service) -> None:
    jobs = seeded_service.list_jobs()
    done = next(j for j in jobs if j.status.is_terminal)
    running = next(j for j in jobs if j.status.value == "running")
    seeded_service.delete_job(done.id)
    assert done.id not in {j.id for j in seeded_service.list_jobs()}
    with pytest.raises(BadRequestError, match="Cancel it first"):
        seeded_service.delete_job(running.id)
    assert running.id in {j.id for j in seeded_service.list_jobs()}
