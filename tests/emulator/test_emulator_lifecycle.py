"""A job's life through the real openai SDK: queue, train, metrics, checkpoints, results."""

from __future__ import annotations

import csv
import io
import json

import httpx2
import openai
import pytest

from .emulator_helpers import all_events, chat_lines, create_job, processed_file


def test_upload_create_advance_succeeds_with_metrics_checkpoints_and_results(emulator, client):
    train = processed_file(client, chat_lines(40))
    valid = processed_file(client, chat_lines(12), "valid.jsonl")
    job = create_job(
        client, train, validation_file=valid, suffix="exp_1", hyperparameters={"n_epochs": 3, "batch_size": 2}
    )
    assert job.status == "pending" and job.fine_tuned_model is None

    emulator.advance(125)
    running = client.fine_tuning.jobs.retrieve(job.id)
    assert running.status == "running"
    assert running.estimated_finish and running.estimated_finish > running.created_at
    assert running.hyperparameters.n_epochs == 3 and running.hyperparameters.batch_size == 2

    emulator.advance(3600)
    done = client.fine_tuning.jobs.retrieve(job.id)
    assert done.status == "succeeded"
    assert done.fine_tuned_model == f"{done.model}.ft-{done.id.split('-', 1)[1]}-exp_1"
    assert done.trained_tokens and done.trained_tokens > 0 and done.finished_at
    assert done.estimated_finish is None

    events = all_events(client, job.id)
    messages = [e.message for e in events if e.type == "message"]
    assert messages[0] == "Job enqueued. Waiting for jobs ahead to complete."
    assert "Job started." in messages and messages[-1] == "Job succeeded."
    assert f"Completed results file: {done.result_files[0]}" in messages
    metrics = [e for e in events if e.type == "metrics"]
    steps = [e.data["step"] for e in metrics]
    total = 3 * 20  # 40 examples / batch 2 per epoch
    assert steps == list(range(10, total + 1, 10))
    assert [e.created_at for e in events] == sorted(e.created_at for e in events)
    first, last = metrics[0].data, metrics[-1].data
    assert last["train_loss"] < first["train_loss"]
    assert last["train_mean_token_accuracy"] > first["train_mean_token_accuracy"]
    assert {"valid_loss", "valid_mean_token_accuracy"} <= first.keys()
    assert metrics[0].message.startswith(f"Step 10: training loss={first['train_loss']:.4f}")
    # full validation metrics only at epoch ends
    assert all(("full_valid_loss" in e.data) == (e.data["step"] % 20 == 0) for e in metrics)

    checkpoints = client.fine_tuning.jobs.checkpoints.list(job.id).data
    assert [c.step_number for c in checkpoints] == [60, 40, 20]
    assert checkpoints[0].fine_tuned_model_checkpoint == done.fine_tuned_model
    assert checkpoints[1].fine_tuned_model_checkpoint == f"{done.fine_tuned_model}:ckpt-step-40"
    assert checkpoints[0].metrics.full_valid_loss is not None

    result = client.files.retrieve(done.result_files[0])
    assert (result.filename, result.purpose, result.status) == (
        "results.csv",
        "fine-tune-results",
        "processed",
    )
    rows = list(csv.DictReader(io.StringIO(client.files.content(result.id).text)))
    assert len(rows) == total and rows[0]["step"] == "1"
    assert list(rows[0]) == [
        "step",
        "train_loss",
        "train_mean_token_accuracy",
        "valid_loss",
        "valid_mean_token_accuracy",
        "full_valid_loss",
        "full_valid_mean_token_accuracy",
    ]
    # full validation at the epoch end only; elsewhere Azure's "no value", -1
    assert float(rows[19]["full_valid_loss"]) > 0 and rows[18]["full_valid_loss"] == "-1"
    assert float(rows[9]["train_loss"]) == metrics[0].data["train_loss"]
    assert result.bytes == len(client.files.content(result.id).content)

    model = client.models.retrieve(done.fine_tuned_model)
    assert model.id == done.fine_tuned_model


def test_jobs_wait_in_a_queue_one_at_a_time(emulator, client):
    train = processed_file(client)
    first = create_job(client, train)
    second = create_job(client, train)
    emulator.advance(130)
    assert client.fine_tuning.jobs.retrieve(first.id).status == "running"
    assert client.fine_tuning.jobs.retrieve(second.id).status == "pending"
    listed = client.fine_tuning.jobs.list().data
    assert [j.id for j in listed] == [second.id, first.id]  # newest first
    emulator.advance(3 * 3600)
    a, b = (client.fine_tuning.jobs.retrieve(j.id) for j in (first, second))
    assert a.status == b.status == "succeeded"
    started = [e for e in all_events(client, second.id) if e.message == "Job started."][0]
    assert started.created_at >= a.finished_at


def test_pause_resume_cancel_follow_the_state_machine(emulator, client):
    job = create_job(client, processed_file(client, chat_lines(200)))
    with pytest.raises(openai.BadRequestError, match="only a running job"):
        client.fine_tuning.jobs.pause(job.id)
    emulator.advance(200)
    paused = client.fine_tuning.jobs.pause(job.id)
    assert paused.status == "pausing"
    emulator.advance(60)
    assert client.fine_tuning.jobs.retrieve(job.id).status == "paused"
    steps_then = len([e for e in all_events(client, job.id) if e.type == "metrics"])
    emulator.advance(3600)  # no progress while paused
    assert client.fine_tuning.jobs.retrieve(job.id).status == "paused"
    assert len([e for e in all_events(client, job.id) if e.type == "metrics"]) == steps_then
    with pytest.raises(openai.BadRequestError) as err:
        client.fine_tuning.jobs.pause(job.id)
    assert err.value.body["code"] == "unexpectedEntityState"
    assert client.fine_tuning.jobs.resume(job.id).status == "resuming"
    emulator.advance(60)
    assert client.fine_tuning.jobs.retrieve(job.id).status == "running"
    cancelled = client.fine_tuning.jobs.cancel(job.id)
    assert cancelled.status == "cancelled" and cancelled.finished_at
    with pytest.raises(openai.BadRequestError, match="already cancelled"):
        client.fine_tuning.jobs.cancel(job.id)
    with pytest.raises(openai.BadRequestError):
        client.fine_tuning.jobs.resume(job.id)
    messages = [e.message for e in all_events(client, job.id)]
    for expected in ("Job pausing.", "Job paused.", "Job resuming.", "Job resumed.", "Job cancelled."):
        assert expected in messages


def test_cancelling_the_running_job_starts_the_next(emulator, client):
    train = processed_file(client)
    first, second = create_job(client, train), create_job(client, train)
    emulator.advance(130)
    client.fine_tuning.jobs.cancel(first.id)
    assert client.fine_tuning.jobs.retrieve(second.id).status == "running"


def test_delete_only_finished_jobs(emulator, client):
    job = create_job(client, processed_file(client))
    # the SDK has no jobs.delete: use its generic request method (DELETE → 204)
    with pytest.raises(openai.BadRequestError, match="Cancel it first"):
        client.delete(f"/fine_tuning/jobs/{job.id}", cast_to=httpx2.Response)
    client.fine_tuning.jobs.cancel(job.id)
    assert client.delete(f"/fine_tuning/jobs/{job.id}", cast_to=httpx2.Response).status_code == 204
    with pytest.raises(openai.NotFoundError):
        client.fine_tuning.jobs.retrieve(job.id)


def test_rejected_training_data_fails_the_job_with_azures_words(emulator, client):
    bad = processed_file(client, chat_lines(7))
    assert client.files.retrieve(bad).status_details == (
        "Training file has 7 example(s), but must have at least 10 examples"
    )
    job = create_job(client, bad)
    emulator.advance(600)
    failed = client.fine_tuning.jobs.retrieve(job.id)
    assert failed.status == "failed"
    assert failed.error.param == "training_file"
    assert failed.error.message == "Training file has 7 example(s), but must have at least 10 examples"
    assert [e.level for e in all_events(client, job.id)][-1] == "error"


def test_unparseable_line_is_reported_by_number(client):
    data = chat_lines(11).replace(b"\n", b"\n{not json\n", 1)
    details = client.files.retrieve(processed_file(client, data)).status_details
    assert details.startswith("Invalid file format. Example 2 cannot be parsed")


def test_dpo_jobs_report_beta_and_a_dpo_loss(emulator, client):
    rows = [
        {
            "input": {"messages": [{"role": "user", "content": f"q{i}"}]},
            "preferred_output": [{"role": "assistant", "content": "good"}],
            "non_preferred_output": [{"role": "assistant", "content": "bad"}],
        }
        for i in range(30)
    ]
    train = processed_file(client, "\n".join(json.dumps(r) for r in rows).encode())
    job = create_job(client, train, method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.2}}})
    assert job.method.type == "dpo" and job.method.dpo.hyperparameters.beta == 0.2
    emulator.advance(3600)
    first = [e for e in all_events(client, job.id) if e.type == "metrics"][0]
    assert first.data["train_loss"] < 0.8  # DPO's loss starts near ln 2
    with pytest.raises(openai.BadRequestError, match="not supported"):
        create_job(client, train, model="gpt-35-turbo-0125", method={"type": "dpo"})


def test_a_paused_job_gives_its_slot_to_the_next(emulator, client):
    train = processed_file(client, chat_lines(200))
    first, second = create_job(client, train), create_job(client, train)
    emulator.advance(130)
    client.fine_tuning.jobs.pause(first.id)
    assert client.fine_tuning.jobs.retrieve(second.id).status == "pending"  # still pausing: slot held
    emulator.advance(60)
    assert client.fine_tuning.jobs.retrieve(first.id).status == "paused"
    assert client.fine_tuning.jobs.retrieve(second.id).status == "running"
    client.fine_tuning.jobs.resume(first.id)
    emulator.advance(60)
    assert client.fine_tuning.jobs.retrieve(first.id).status == "running"  # resuming does not queue
