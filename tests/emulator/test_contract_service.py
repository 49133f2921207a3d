"""The app's own traffic, through its one seam (FineTuningService), held to the spec both ways:
every JSON request body it sends validates against the operation's body parameter schema, and
every response the emulator sends it validates against the operation's response schema."""

from __future__ import annotations

import json

import httpx2
import pytest

from aoft_tui.domain.models import JobSpec, JobStatus
from aoft_tui.services import errors
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.traffic import TrafficStats

from .contract_support import Exchange, ResponseRecorder, chat_jsonl, load_spec, schema_errors
from .test_contract_sdk import check_sdk_parses_everything

BASE_MODEL = "gpt-4o-mini-2024-07-18"


def request_problems(recorder: ResponseRecorder) -> list[str]:
    """JSON request bodies that do not fit their operation's `in: body` parameter schema."""
    spec = load_spec()
    problems = []
    for exchange in recorder.exchanges:
        op = spec.match(exchange.method, exchange.api_path)
        if op is None or not exchange.request_body:
            continue
        declared = spec.document["paths"][op.template][op.method.lower()].get("parameters", [])
        [body_schema] = [p["schema"] for p in declared if p.get("in") == "body"] or [None]
        if body_schema is None:
            continue  # multipart (files, parts): form fields, no JSON schema
        validator = spec.validator(json.dumps(body_schema, sort_keys=True))
        problems += [
            f"{exchange} request [{op.operation_id}] {e}"
            for e in schema_errors(validator, json.loads(exchange.request_body))
        ]
    return problems


@pytest.fixture
def recorded_service(emulator, monkeypatch):
    """A FineTuningService whose every response also lands in a ResponseRecorder (through the
    service's own response hook, so its requests are exactly what the app sends)."""
    recorder = ResponseRecorder()
    counted = TrafficStats.on_response

    def on_response(self, response):
        counted(self, response)
        recorder._on_response(response)

    monkeypatch.setattr(TrafficStats, "on_response", on_response)
    service = FineTuningService(emulator.endpoint, emulator.api_key, "2025-04-01-preview", max_retries=0, timeout=10,
                                large_file_threshold=4096, part_size=1024)  # fmt: skip
    yield service, recorder
    service.close()


def _advance_until(emulator, service, job_id, statuses: set[JobStatus], step: float = 60) -> None:
    for _ in range(500):
        if service.get_job(job_id).status in statuses:
            return
        emulator.advance(step)
    raise AssertionError(f"{job_id} never reached {statuses}")


def test_service_traffic_is_spec_traffic(recorded_service, emulator, tmp_path):
    service, recorder = recorded_service
    small, large = tmp_path / "train.jsonl", tmp_path / "big.jsonl"
    small.write_bytes(chat_jsonl(12))
    large.write_bytes(chat_jsonl(60))  # above large_file_threshold: the Uploads API, in parts
    files = [service.upload_file(path) for path in (small, large)]
    emulator.advance(60)
    train, valid = (service.wait_for_file(f.id, timeout=5, poll_interval=0.01) for f in files)

    job = service.create_job(JobSpec(model=BASE_MODEL, training_file=train.id, validation_file=valid.id,
                                     suffix="svc", hyperparameters={"n_epochs": 2, "batch_size": None}, seed=5))  # fmt: skip
    other = service.create_job(
        JobSpec(model=BASE_MODEL, training_file=train.id, method="dpo", hyperparameters={"beta": 0.2})
    )
    service.cancel_job(other.id)
    assert {j.id for j in service.list_jobs()} == {job.id, other.id}

    _advance_until(emulator, service, job.id, {JobStatus.RUNNING})
    service.pause_job(job.id)
    _advance_until(emulator, service, job.id, {JobStatus.PAUSED})
    service.resume_job(job.id)
    _advance_until(emulator, service, job.id, {JobStatus.RUNNING})
    while not service.metrics(job.id) and service.get_job(job.id).status is JobStatus.RUNNING:
        emulator.advance(10)  # metrics from events while it runs
    assert service.events_since(job.id)
    _advance_until(emulator, service, job.id, {JobStatus.SUCCEEDED, JobStatus.FAILED})
    done = service.get_job(job.id)
    assert done.status is JobStatus.SUCCEEDED
    assert service.metrics(job.id, job=done), "results.csv gives the points of a finished job"
    assert service.checkpoints(job.id)
    assert service.list_models()
    assert {f.id for f in service.list_files()} >= {train.id, valid.id}
    service.download_file(done.result_files[0], tmp_path / "results.csv")
    service.delete_file(valid.id)
    with pytest.raises(errors.NotFoundError):
        service.get_job("ftjob-doesnotexist")

    driven = {op for op, _ in recorder.operation_ids()}
    assert driven >= {
        "Files_Upload", "UploadFile_Start", "UploadFile_Part", "UploadFile_Complete", "Files_Get", "Files_List",
        "Files_GetContent", "Files_Delete", "FineTuning_Create", "FineTuning_List", "FineTuning_Get",
        "FineTuning_Cancel", "FineTuning_Pause", "FineTuning_Resume", "FineTuning_GetEvents",
        "FineTuning_GetCheckpoints", "Models_List",
    }, driven  # fmt: skip
    assert request_problems(recorder) == []
    check_sdk_parses_everything(recorder)
    recorder.check()


def test_request_check_catches_a_bad_body():
    recorder = ResponseRecorder()
    bad = {"model": "", "training_file": "file-1", "seed": "7", "hyperparameters": {"n_epochs": "two"}}
    recorder.exchanges.append(
        Exchange(
            "POST",
            httpx2.URL("http://h/openai/fine_tuning/jobs?api-version=2025-04-01-preview"),
            json.dumps(bad).encode(),
            201,
            httpx2.Headers(),
            b"",
        )  # fmt: skip
    )
    found = request_problems(recorder)
    assert [p.split("] ")[1].split(":")[0] for p in found] == [
        "at hyperparameters/n_epochs",
        "at model",
        "at seed",
    ]
