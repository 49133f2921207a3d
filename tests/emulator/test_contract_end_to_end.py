"""The issue's "done when": the openai SDK, pointed at the emulator, uploads files, creates jobs and
sees them run to `succeeded` on the simulated clock, with metrics events, checkpoints and results.csv.
Every response on the way is also checked against the spec and the SDK's types."""

from __future__ import annotations

import base64
import csv
import io
import os
import re
import subprocess
import sys
import time
from statistics import mean

import pytest
from openai import AzureOpenAI
from openai.types.fine_tuning import FineTuningJob

from .contract_support import ResponseRecorder, chat_jsonl, poll_until
from .test_contract_sdk import check_sdk_parses_everything
from .test_contract_service import request_problems

BASE_MODEL = "gpt-4o-mini-2024-07-18"
AZURE_STATES = {"pending", "running", "pausing", "paused", "resuming", "succeeded", "failed", "cancelled"}
METRICS = {"step", "train_loss", "train_mean_token_accuracy"}
VALID_METRICS = {
    "valid_loss",
    "valid_mean_token_accuracy",
    "full_valid_loss",
    "full_valid_mean_token_accuracy",
}


def _upload(client: AzureOpenAI, emulator, name: str, examples: int) -> str:
    created = client.files.create(file=(name, chat_jsonl(examples)), purpose="fine-tune")
    done = poll_until(
        emulator,
        lambda: client.files.retrieve(created.id),
        lambda f: f.status in ("processed", "error"),
        step=5,
    )
    assert done.status == "processed", done.status_details
    return created.id


def _run(
    client: AzureOpenAI, emulator, job_ids: list[str]
) -> tuple[dict[str, FineTuningJob], dict[str, list[str]]]:
    """Advance until every job is terminal; the final jobs and the statuses each one went through."""
    seen: dict[str, list[str]] = {job_id: [] for job_id in job_ids}

    def fetch() -> dict[str, FineTuningJob]:
        jobs = {job_id: client.fine_tuning.jobs.retrieve(job_id) for job_id in job_ids}
        for job_id, job in jobs.items():
            if not seen[job_id] or seen[job_id][-1] != job.status:
                seen[job_id].append(job.status)
        return jobs

    jobs = poll_until(
        emulator,
        fetch,
        lambda js: all(j.status in ("succeeded", "failed", "cancelled") for j in js.values()),
        step=60,
        max_steps=2000,
    )
    return jobs, seen


def _metrics_events(client: AzureOpenAI, job_id: str) -> tuple[list, list]:
    events = list(client.fine_tuning.jobs.list_events(job_id, limit=50))  # follows every page
    assert [e.created_at for e in events] == sorted((e.created_at for e in events), reverse=True), (
        "newest first"
    )
    assert len({e.id for e in events}) == len(events), "event ids repeat across pages"
    return events, [e for e in reversed(events) if e.type == "metrics"]


def _results_csv(client: AzureOpenAI, job: FineTuningJob) -> list[dict[str, str]]:
    [result_id] = job.result_files
    info = client.files.retrieve(result_id)
    assert (info.filename, info.purpose, info.status) == ("results.csv", "fine-tune-results", "processed")
    raw = client.files.content(result_id).read()
    text = (
        raw.decode() if raw.startswith(b"step") else base64.b64decode(raw).decode()
    )  # Azure may send base64
    return list(csv.DictReader(io.StringIO(text)))


def test_sdk_runs_jobs_to_success_with_metrics_checkpoints_and_results(emulator):
    recorder = ResponseRecorder()
    with recorder.openai_client(emulator) as client:
        train = _upload(client, emulator, "train.jsonl", 40)
        valid = _upload(client, emulator, "valid.jsonl", 12)
        with_valid = client.fine_tuning.jobs.create(
            model=BASE_MODEL,
            training_file=train,
            validation_file=valid,
            hyperparameters={"n_epochs": 4},
            suffix="e2e",
        )
        train_only = client.fine_tuning.jobs.create(
            model=BASE_MODEL, training_file=train, hyperparameters={"n_epochs": 1}
        )
        jobs, seen = _run(client, emulator, [with_valid.id, train_only.id])

        for job_id, statuses in seen.items():
            assert jobs[job_id].status == "succeeded", (jobs[job_id].status, jobs[job_id].error)
            assert set(statuses) <= AZURE_STATES and statuses[-2:] == ["running", "succeeded"], statuses
        # One running job per resource: the second one waited in the queue.
        assert seen[train_only.id][0] == "pending"

        job = jobs[with_valid.id]
        assert job.fine_tuned_model and job.trained_tokens and job.finished_at >= job.created_at
        assert job.fine_tuned_model.startswith(BASE_MODEL) and "e2e" in job.fine_tuned_model

        events, metrics = _metrics_events(client, job.id)
        messages = [e.message for e in reversed(events)]
        for expected in (
            "Job enqueued. Waiting for jobs ahead to complete.",
            "Job started.",
            "Job succeeded.",
        ):
            assert expected in messages
        assert f"Completed results file: {job.result_files[0]}" in messages
        assert any(m.startswith("Training hours billed: ") for m in messages)
        assert len(metrics) >= 4
        steps = [e.data["step"] for e in metrics]
        assert steps == sorted(steps) and len(set(steps)) == len(steps)
        for event in metrics:
            assert METRICS | {"valid_loss", "valid_mean_token_accuracy"} <= set(event.data), event.data
            assert re.match(rf"Step {event.data['step']}: training loss=\d", event.message), event.message
        third = len(metrics) // 3
        loss = [e.data["train_loss"] for e in metrics]
        accuracy = [e.data["train_mean_token_accuracy"] for e in metrics]
        assert mean(loss[-third:]) < mean(loss[:third]), "training loss decays"
        assert mean(accuracy[-third:]) > mean(accuracy[:third]), "token accuracy rises"
        assert mean(e.data["valid_loss"] for e in metrics) > mean(loss), "validation loss above training"

        _, plain_metrics = _metrics_events(client, train_only.id)
        assert plain_metrics and all(not (VALID_METRICS & set(e.data)) for e in plain_metrics), (
            "no valid_* without a validation file"
        )

        checkpoints = list(client.fine_tuning.jobs.checkpoints.list(job.id))
        assert len(checkpoints) == 3, "one per epoch, the last three kept"
        newest = max(checkpoints, key=lambda c: c.step_number)
        assert newest.fine_tuned_model_checkpoint == job.fine_tuned_model
        assert all(c.fine_tuning_job_id == job.id for c in checkpoints)
        assert newest.metrics.train_loss is not None and newest.metrics.full_valid_loss is not None

        rows = _results_csv(client, job)
        columns = set(rows[0])
        assert {"step", "train_loss", "train_mean_token_accuracy", "valid_loss"} <= columns, columns
        assert {"valid_mean_token_accuracy", "validation_mean_token_accuracy"} & columns, columns
        by_step = {int(float(r["step"])): r for r in rows}
        for event in metrics:  # the chart switches from events to results.csv: they must agree
            row = by_step[int(event.data["step"])]
            assert abs(float(row["train_loss"]) - event.data["train_loss"]) < 1e-4, (row, event.data)

    assert request_problems(recorder) == []  # what the SDK sent fits the spec too
    check_sdk_parses_everything(recorder)
    recorder.check()


class _RealTime:
    """`advance` for an emulator in another process: its clock runs by itself (`--speed`)."""

    def advance(self, seconds: float) -> None:
        time.sleep(0.05)


@pytest.fixture
def emulator_command(tmp_path):
    """`aoft-tui emulator` as a user starts it; yields (endpoint, key)."""
    key = "contract-test-key"
    log = tmp_path / "emulator.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "aoft_tui", "emulator", "--port", "0", "--speed", "20000", "--seed", "11", "--strict-spec"],
            stdout=subprocess.PIPE, stderr=stderr, text=True, env={**os.environ, "AOFT_EMULATOR_API_KEY": key},
        )  # fmt: skip
    try:
        line = (
            process.stdout.readline()
        )  # export AZURE_OPENAI_ENDPOINT=… AZURE_OPENAI_API_KEY=… OPENAI_API_VERSION=…
        settings = dict(item.split("=", 1) for item in line.split()[1:])
        assert settings.get("AZURE_OPENAI_API_KEY") == key, (line, log.read_text())
        yield settings["AZURE_OPENAI_ENDPOINT"], key
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sdk_against_the_aoft_tui_emulator_command(emulator_command):
    endpoint, key = emulator_command
    recorder = ResponseRecorder()
    clock = _RealTime()
    with AzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version="2025-04-01-preview", max_retries=0,
                     http_client=recorder.http_client(timeout=10)) as client:  # fmt: skip
        train = _upload(client, clock, "train.jsonl", 20)
        job = client.fine_tuning.jobs.create(
            model=BASE_MODEL, training_file=train, hyperparameters={"n_epochs": 2}
        )
        done = poll_until(
            clock,
            lambda: client.fine_tuning.jobs.retrieve(job.id),
            lambda j: j.status in ("succeeded", "failed", "cancelled"),
            max_steps=1200,
        )
        assert done.status == "succeeded", done.error
        _, metrics = _metrics_events(client, job.id)
        assert metrics and all(set(e.data) >= METRICS for e in metrics)
        checkpoints = list(client.fine_tuning.jobs.checkpoints.list(job.id))
        assert (
            max(checkpoints, key=lambda c: c.step_number).fine_tuned_model_checkpoint == done.fine_tuned_model
        )
        rows = _results_csv(client, done)
        assert rows and {"step", "train_loss"} <= set(rows[0])
    assert request_problems(recorder) == []  # what the SDK sent fits the spec too
    check_sdk_parses_everything(recorder)
    recorder.check()
