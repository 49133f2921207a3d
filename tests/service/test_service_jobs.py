"""Jobs through the real SDK against the emulator: pagination, filters, actions, checkpoints."""

from __future__ import annotations

from collections import Counter

import pytest

from aoft_tui.domain.models import JobStatus
from aoft_tui.services.errors import BadRequestError, NotFoundError


@pytest.fixture
def many_jobs_emulator():
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator(seed_jobs=130, speed=0.0, seed=3) as emu:
        yield emu


def test_list_jobs_follows_every_page(many_jobs_emulator, make_service) -> None:
    service = make_service(many_jobs_emulator)
    jobs = service.list_jobs()
    assert len(jobs) == 130
    assert len({j.id for j in jobs}) == 130
    assert [j.created_at for j in jobs] == sorted((j.created_at for j in jobs), reverse=True)
    # more than one page was needed (pages hold at most 100)
    assert service.traffic.count("GET", "/fine_tuning/jobs") >= 2


def test_status_filter_is_client_side_and_exact(seeded_service) -> None:
    everything = seeded_service.list_jobs()
    counts = Counter(j.status for j in everything)
    assert len(counts) >= 3, counts  # the demo mix has several statuses
    for status, n in counts.items():
        only = seeded_service.list_jobs(status=status.value)
        assert len(only) == n and {j.status for j in only} == {status}
    assert seeded_service.list_jobs(status="SUCCEEDED") == seeded_service.list_jobs(status="succeeded")


def test_get_job_keeps_the_api_json(seeded_service) -> None:
    listed = seeded_service.list_jobs()[0]
    job = seeded_service.get_job(listed.id)
    assert job.id == listed.id and job.status == listed.status
    assert job.raw["object"] == "fine_tuning.job"
    assert job.raw["id"] == job.id and job.raw["training_file"] == job.training_file
    assert job.method in {"supervised", "dpo", "reinforcement"}


def test_dpo_job_reports_its_method_hyperparameters(seeded_service) -> None:
    dpo = [j for j in seeded_service.list_jobs() if j.method == "dpo"]
    assert dpo, "the demo mix has a DPO job"
    method = dpo[0].raw["method"]
    assert method["type"] == "dpo"
    assert dpo[0].hyperparameters == (method.get("dpo") or {}).get("hyperparameters", dpo[0].hyperparameters)


def test_unknown_job_is_not_found_with_its_id(seeded_service) -> None:
    with pytest.raises(NotFoundError) as info:
        seeded_service.get_job("ftjob-doesnotexist")
    assert "ftjob-doesnotexist" in str(info.value)
    assert info.value.status_code == 404


def test_pause_resume_cancel_return_the_updated_job(seeded_service, seeded_emulator) -> None:
    running = seeded_service.list_jobs(status="running")
    assert running, "the demo mix has a running job"
    job = seeded_service.pause_job(running[0].id)
    assert job.id == running[0].id and job.status in {JobStatus.PAUSING, JobStatus.PAUSED}
    seeded_emulator.advance(600)
    assert seeded_service.get_job(job.id).status is JobStatus.PAUSED
    resumed = seeded_service.resume_job(job.id)
    assert resumed.status in {JobStatus.RESUMING, JobStatus.RUNNING}
    cancelled = seeded_service.cancel_job(job.id)
    assert cancelled.id == job.id and cancelled.status is JobStatus.CANCELLED


def test_cancel_of_finished_job_is_rejected_with_azures_message(seeded_service) -> None:
    done = seeded_service.list_jobs(status="succeeded")[0]
    with pytest.raises(BadRequestError) as info:
        seeded_service.cancel_job(done.id)
    assert str(info.value)  # Azure's own message, not empty
    assert info.value.status_code in (400, 409)


def test_checkpoints_of_a_succeeded_job(seeded_service) -> None:
    done = seeded_service.list_jobs(status="succeeded")[0]
    checkpoints = seeded_service.checkpoints(done.id)
    assert 1 <= len(checkpoints) <= 3
    assert [c.step for c in checkpoints] == sorted(c.step for c in checkpoints)
    assert checkpoints[-1].fine_tuned_model_checkpoint == done.fine_tuned_model
    assert "train_loss" in checkpoints[-1].metrics


def test_list_models_fine_tunable_only(seeded_service) -> None:
    every = seeded_service.list_models(fine_tunable_only=False)
    tunable = seeded_service.list_models()
    assert tunable and all(m.fine_tune for m in tunable)
    assert {m.id for m in tunable} < {m.id for m in every} or len(tunable) == len(every)
    assert "gpt-4o-mini-2024-07-18" in {m.id for m in tunable}
