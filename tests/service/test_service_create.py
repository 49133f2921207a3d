"""create_job: the spec's body shape, and exactly one job per call under network faults."""

from __future__ import annotations

import time

import pytest

from aoft_tui.domain.models import JobSpec
from aoft_tui.services.errors import BadRequestError, ConnectionFailed


@pytest.fixture
def training_file(service, write_dataset) -> str:
    info = service.upload_file(write_dataset(30))
    return service.wait_for_file(info.id, poll_interval=0.05, timeout=10).id


def _jobs_for(service, file_id: str):
    return [j for j in service.list_jobs() if j.training_file == file_id]


def test_create_maps_the_spec(service, training_file) -> None:
    spec = JobSpec(
        model="gpt-4o-mini-2024-07-18",
        training_file=training_file,
        suffix="exp-1",
        seed=7,
        method="dpo",
        hyperparameters={"beta": 0.2, "n_epochs": 2, "batch_size": None},
    )
    job = service.create_job(spec)
    assert job.model == spec.model and job.suffix == "exp-1" and job.seed == 7
    assert job.method == "dpo"
    assert job.hyperparameters["n_epochs"] == 2
    # Azure's job JSON may carry DPO's beta in method.dpo.hyperparameters, or not at all
    assert job.hyperparameters.get("beta", 0.2) == pytest.approx(0.2)
    assert service.get_job(job.id).method == "dpo"


def test_supervised_hyperparameters_reach_the_job(service, training_file) -> None:
    spec = JobSpec(
        model="gpt-4o-mini-2024-07-18",
        training_file=training_file,
        hyperparameters={"n_epochs": 4, "learning_rate_multiplier": 0.5, "batch_size": "auto"},
    )
    job = service.create_job(spec)
    assert job.method == "supervised"
    assert job.hyperparameters["n_epochs"] == 4
    assert job.hyperparameters["learning_rate_multiplier"] == pytest.approx(0.5)


def test_supervised_create_works_on_the_ga_api_version(emulator, training_file) -> None:
    from aoft_tui.services.finetuning import FineTuningService

    service = FineTuningService(emulator.endpoint, emulator.api_key, "2024-10-21")
    try:
        job = service.create_job(
            JobSpec(
                model="gpt-4o-mini-2024-07-18", training_file=training_file, hyperparameters={"n_epochs": 2}
            )
        )
        assert job.hyperparameters["n_epochs"] == 2
    finally:
        service.close()


def test_training_type_is_accepted(service, training_file) -> None:
    job = service.create_job(
        JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file, training_type="globalstandard")
    )
    assert job.training_file == training_file


def test_reset_after_the_job_landed_gives_exactly_one_job(emulator, service, training_file) -> None:
    emulator.faults.schedule("reset_after", method="POST", path_contains="/fine_tuning/jobs", count=1)
    job = service.create_job(JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file))
    assert [j.id for j in _jobs_for(service, training_file)] == [job.id]
    # found by looking, not by sending the create again
    assert service.traffic.count("POST", "/fine_tuning/jobs") == 0  # the reset POST got no response


def test_idempotency_key_alone_keeps_it_to_one_job(
    emulator, make_service, training_file, monkeypatch
) -> None:
    """With the landed-job look-up switched off, the re-sent create carries the same
    Idempotency-Key and the server answers with the job it already made."""
    from aoft_tui.services import job_create

    monkeypatch.setattr(job_create, "_landed", lambda *a, **k: None)
    service = make_service(emulator, max_retries=3)
    emulator.faults.schedule("reset_after", method="POST", path_contains="/fine_tuning/jobs", count=2)
    spec = JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file, suffix="twice")
    job = service.create_job(spec, idempotency_key="test-key-1")
    assert [j.id for j in _jobs_for(service, training_file)] == [job.id]
    assert service.traffic.count("POST", "/fine_tuning/jobs") == 1  # the third attempt got the answer


def test_same_idempotency_key_twice_is_one_job(service, training_file) -> None:
    spec = JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file)
    first = service.create_job(spec, idempotency_key="same-key")
    second = service.create_job(spec, idempotency_key="same-key")
    assert first.id == second.id
    assert len(_jobs_for(service, training_file)) == 1


def test_an_identical_older_job_is_not_mistaken_for_ours(emulator, service, training_file) -> None:
    spec = JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file)
    older = service.create_job(spec)
    emulator.faults.schedule("reset_before", method="POST", path_contains="/fine_tuning/jobs", count=1)
    newer = service.create_job(spec)  # first attempt never reached the server; the retry creates
    assert newer.id != older.id
    assert len(_jobs_for(service, training_file)) == 2


def test_bad_suffix_is_rejected_with_azures_message(service, training_file) -> None:
    with pytest.raises(BadRequestError, match="suffix"):
        service.create_job(
            JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file, suffix="has spaces!")
        )
    assert _jobs_for(service, training_file) == []


def test_create_gives_up_after_retries_without_creating(emulator, make_service, training_file) -> None:
    service = make_service(emulator, max_retries=1)
    emulator.faults.schedule("reset_before", method="POST", path_contains="/fine_tuning/jobs", count=2)
    with pytest.raises(ConnectionFailed, match=emulator.endpoint):
        service.create_job(JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file))
    assert _jobs_for(service, training_file) == []


def test_truncated_create_response_still_gives_one_job(emulator, service, training_file) -> None:
    emulator.faults.schedule("truncate", method="POST", path_contains="/fine_tuning/jobs", count=1)
    job = service.create_job(JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file))
    assert [j.id for j in _jobs_for(service, training_file)] == [job.id]


def test_timed_out_create_still_gives_one_job(emulator, make_service, training_file) -> None:
    """The first POST stalls past the client's timeout and is handled late by the server;
    the re-send carries the same Idempotency-Key, so both end in the same job."""
    service = make_service(emulator, timeout=0.3, max_retries=2)
    emulator.faults.schedule("stall", method="POST", path_contains="/fine_tuning/jobs", count=1, seconds=0.6)
    job = service.create_job(JobSpec(model="gpt-4o-mini-2024-07-18", training_file=training_file))
    time.sleep(0.5)  # let the stalled request finish on the server
    assert [j.id for j in _jobs_for(service, training_file)] == [job.id]
