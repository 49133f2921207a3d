"""Azure's "-1" means "no value": the emulator writes it like the live service, and no
metric point the service hands out (results.csv or metrics events) carries it."""

from __future__ import annotations

import base64
import csv
import io
from datetime import UTC, datetime

from aoft_tui.domain.models import (
    FULL_VALID_LOSS,
    TRAIN_LOSS,
    VALID_ACCURACY,
    VALID_LOSS,
    JobEvent,
)
from aoft_tui.services.metrics_source import metrics_from_events

VALIDATION_COLUMNS = (
    "valid_loss",
    "valid_mean_token_accuracy",
    "full_valid_loss",
    "full_valid_mean_token_accuracy",
)


def _finished(emulator, service, **kw) -> str:
    job_id = emulator.add_job(status="running", progress=0.0, seconds_per_step=1.0, examples=20, **kw)
    while not service.get_job(job_id).status.is_terminal:
        emulator.advance(600)
    return job_id


def _rows(service, job_id: str) -> list[dict[str, str]]:
    [file_id] = service.get_job(job_id).result_files
    raw = service._client.files.content(file_id).read()
    text = raw.decode() if raw.startswith(b"step") else base64.b64decode(raw).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_emulator_writes_minus_one_not_empty_cells(emulator, service) -> None:
    with_validation = _finished(emulator, service, n_steps=30, n_epochs=3)
    rows = _rows(service, with_validation)
    assert len(rows) == 30 and all(cell != "" for row in rows for cell in row.values())
    epoch_ends = {10, 20, 30}
    for row in rows:
        no_full = int(row["step"]) not in epoch_ends
        assert (row["full_valid_loss"] == "-1") == no_full, row
        assert row["valid_loss"] != "-1"
    without_validation = _finished(emulator, service, n_steps=12, validation=False)
    rows = _rows(service, without_validation)
    assert all(row[col] == "-1" for row in rows for col in VALIDATION_COLUMNS if col in row)


def test_the_service_never_hands_out_minus_one(emulator, service) -> None:
    job_id = _finished(emulator, service, n_steps=30, n_epochs=3)
    points = service.metrics(job_id)
    assert len(points) == 30 and all(v != -1 for p in points for v in p.values.values())
    assert [p.step for p in points if FULL_VALID_LOSS in p.values] == [10, 20, 30]
    plain = _finished(emulator, service, n_steps=12, validation=False)
    assert all(set(p.values) == {TRAIN_LOSS, "train_mean_token_accuracy"} for p in service.metrics(plain))


def test_metrics_events_with_minus_one_leave_the_value_out() -> None:
    event = JobEvent(
        id="ftevent-1",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        level="info",
        message="Step 3",
        type="metrics",
        data={"step": 3, "train_loss": 0.4, "valid_loss": -1, "valid_mean_token_accuracy": -1.0},
    )
    [point] = metrics_from_events([event])
    assert point.values == {TRAIN_LOSS: 0.4}
    assert VALID_LOSS not in point.values and VALID_ACCURACY not in point.values


def test_checkpoint_metrics_with_minus_one_leave_the_value_out() -> None:
    """The checkpoints table (dashboard and W&B) shows an empty cell, not -1."""
    from aoft_tui.services.api_mapping import checkpoint_from_api
    from aoft_tui.services.wandb_push.job_tables import CHECKPOINT_COLUMNS, checkpoint_rows

    checkpoint = checkpoint_from_api(
        {
            "id": "ftckpt-1",
            "created_at": 1721764867,
            "step_number": 20,
            "fine_tuned_model_checkpoint": "gpt-4o-mini:ckpt-step-20",
            "metrics": {"step": 20, "train_loss": 0.31, "valid_loss": -1, "full_valid_loss": -1.0},
        }
    )
    assert checkpoint.metrics == {TRAIN_LOSS: 0.31}
    [row] = checkpoint_rows([checkpoint])
    cells = dict(zip(CHECKPOINT_COLUMNS, row, strict=True))
    assert cells["train_loss"] == 0.31 and cells["valid_loss"] is None and cells["full_valid_loss"] is None
    assert "-1" not in cells["metrics"]
