"""Azure's "-1" (no validation on this step) never reaches W&B: not in a history row, not
in the run summary W&B derives from the last rows. Read back from the offline run file."""

from __future__ import annotations

from pathlib import Path

from aoft_tui.services.wandb_push import PushOptions, push_job

from .push_support import finished_job, read_run

VALIDATION_KEYS = (
    "valid_loss",
    "valid_mean_token_accuracy",
    "full_valid_loss",
    "full_valid_mean_token_accuracy",
)


def _push(service, job_id: str, tmp_path: Path):
    result = push_job(
        service, job_id, PushOptions(mode="offline", wandb_dir=tmp_path / "wandb", datasets=False)
    )
    assert result.complete
    return read_run(result.run_dir)


def test_history_rows_leave_out_minus_one_and_keep_real_validation(emulator, service, tmp_path: Path) -> None:
    job_id = finished_job(emulator, service, n_steps=30, n_epochs=3)
    run = _push(service, job_id, tmp_path)
    rows = [row for row in run.history if "step" in row]
    assert sorted(row["step"] for row in rows) == list(range(1, 31))
    assert all(value != -1 for row in rows for key, value in row.items() if not key.startswith("_"))
    # full validation only where Azure ran it (epoch ends); the per-step validation everywhere
    assert sorted(row["step"] for row in rows if "full_valid_loss" in row) == [10, 20, 30]
    assert all("valid_loss" in row for row in rows)
    assert run.summary["full_valid_loss"] > 0 and run.summary["valid_loss"] > 0


def test_a_job_without_validation_has_no_validation_keys_at_all(emulator, service, tmp_path: Path) -> None:
    job_id = finished_job(emulator, service, n_steps=12, validation=False)
    run = _push(service, job_id, tmp_path)
    rows = [row for row in run.history if "step" in row]
    assert len(rows) == 12 and all(row["train_loss"] > 0 for row in rows)
    assert not any(key in row for row in rows for key in VALIDATION_KEYS)
    assert not any(key in run.summary for key in VALIDATION_KEYS), run.summary
