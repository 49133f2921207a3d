"""api_version "v1" selects {endpoint}/openai/v1/... (no api-version) for the whole client."""

from __future__ import annotations

import pytest

from aoft_tui.domain.models import JobSpec
from aoft_tui.services.errors import BadRequestError
from aoft_tui.services.finetuning import FineTuningService


@pytest.fixture
def v1_service(emulator):
    svc = FineTuningService(emulator.endpoint, emulator.api_key, "v1", max_retries=0, timeout=10)
    yield svc
    svc.close()


GRADER = {
    "type": "string_check",
    "name": "exact",
    "input": "{{sample.output_text}}",
    "reference": "{{item.answer}}",
    "operation": "eq",
}


def test_every_call_goes_to_the_v1_paths(v1_service, write_dataset) -> None:
    info = v1_service.upload_file(write_dataset(30))
    file_id = v1_service.wait_for_file(info.id, poll_interval=0.05, timeout=10).id
    job = v1_service.create_job(
        JobSpec(model="o4-mini", training_file=file_id, method="reinforcement", grader=GRADER)
    )
    assert job.method == "reinforcement" and job.raw["trainingType"] == "GlobalStandard"
    assert [j.id for j in v1_service.list_jobs()] == [job.id]
    routes = list(v1_service.traffic.by_route)
    assert routes and all("/openai/v1/" in route for route in routes), routes


def test_the_prefetched_first_list_uses_v1_too(emulator, v1_service) -> None:
    v1_service.prefetch_job_list()
    assert v1_service.list_jobs() == []
    assert all("/openai/v1/" in route for route in v1_service.traffic.by_route)


def test_reinforcement_needs_v1_on_a_dated_api_version(service, write_dataset) -> None:
    info = service.upload_file(write_dataset(30))
    file_id = service.wait_for_file(info.id, poll_interval=0.05, timeout=10).id
    with pytest.raises(BadRequestError, match="/openai/v1"):
        service.create_job(JobSpec(model="o4-mini", training_file=file_id, method="reinforcement"))


def test_a_reinforcement_job_without_a_grader_is_refused_like_azure_does(v1_service, write_dataset) -> None:
    info = v1_service.upload_file(write_dataset(30))
    file_id = v1_service.wait_for_file(info.id, poll_interval=0.05, timeout=10).id
    with pytest.raises(BadRequestError, match="grader is required"):
        v1_service.create_job(JobSpec(model="o4-mini", training_file=file_id, method="reinforcement"))
    with pytest.raises(BadRequestError, match="operation"):
        v1_service.create_job(
            JobSpec(
                model="o4-mini",
                training_file=file_id,
                method="reinforcement",
                grader={**GRADER, "operation": "equals"},
            )
        )
    assert v1_service.list_jobs() == []


def test_a_reinforcement_job_reports_reward_and_reasoning_tokens(emulator, v1_service, write_dataset) -> None:
    from aoft_tui.domain.models import REASONING_TOKEN_SERIES, REWARD_SERIES, JobStatus

    files = []
    for n in (30, 12):
        info = v1_service.upload_file(write_dataset(n))
        files.append(v1_service.wait_for_file(info.id, poll_interval=0.05, timeout=10).id)
    job = v1_service.create_job(
        JobSpec(
            model="o4-mini",
            training_file=files[0],
            validation_file=files[1],
            method="reinforcement",
            grader=GRADER,
        )
    )
    for _ in range(200):
        emulator.advance(300)
        if (job := v1_service.get_job(job.id)).status.is_terminal:
            break
    assert job.status is JobStatus.SUCCEEDED
    points = v1_service.metrics(job.id, job=job)
    names = set().union(*(p.values for p in points))
    assert set(REWARD_SERIES + REASONING_TOKEN_SERIES) <= names
    rewards = [p.values["train_reward_mean"] for p in points if "train_reward_mean" in p.values]
    assert all(0.0 <= r <= 1.0 for r in rewards) and rewards[-1] > rewards[0]
