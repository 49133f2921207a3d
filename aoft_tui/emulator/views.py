"""JSON bodies as Azure sends them (absent optional fields are `null`, as Azure does).

Checkpoints are computed here from the job's plan and segments (events: events.py).
"""

from __future__ import annotations

from typing import Any

from aoft_tui.emulator import timeline
from aoft_tui.emulator.events import derived_id
from aoft_tui.emulator.records import FileRec, JobRec, UploadRec
from aoft_tui.emulator.simulator import epoch_end_steps, metrics_at
from aoft_tui.emulator.store import Store

KEPT_CHECKPOINTS = 3  # Azure keeps the last three epoch checkpoints


def file_json(store: Store, rec: FileRec, now: float) -> dict[str, Any]:
    status = rec.status(now)
    return {
        "object": "file",
        "id": rec.id,
        "bytes": store.file_size(rec),
        "created_at": int(rec.created_at),
        "filename": rec.filename,
        "purpose": rec.purpose,
        "status": status,
        "status_details": rec.status_details if status == "error" else None,
    }


# GA api-versions (2024-10-21) predate pause/resume: their clients see such jobs as running.
_GA_STATUS = {"pausing": "running", "paused": "running", "resuming": "running"}


def job_json(job: JobRec, now: float, *, ga: bool = False, v1: bool = False) -> dict[str, Any]:
    body = _job_json(job, now)
    if job.method != "supervised" or v1:
        # DPO/reinforcement settings (beta, …) have no top-level field: Azure returns them in
        # OpenAI's shape, method.<type>.hyperparameters (always so on /openai/v1).
        body["method"][job.method] = {"hyperparameters": _effective_hp(job)}
        if job.grader is not None:
            body["method"][job.method]["grader"] = job.grader
    if job.metadata is not None:
        body["metadata"] = job.metadata  # sent only by clients that set it (not in the Azure spec files)
    if job.training_type is not None:
        body["trainingType"] = job.training_type  # live mode echoes the tier (not in the spec)
    if ga:
        body["status"] = _GA_STATUS.get(body["status"], body["status"])
        del body["method"], body["integrations"]
    return body


def _job_json(job: JobRec, now: float) -> dict[str, Any]:
    hp = _effective_hp(job)
    finish = timeline.estimated_finish(job)
    return {
        "object": "fine_tuning.job",
        "id": job.id,
        "created_at": int(job.created_at),
        "status": job.status,
        "model": job.model,
        "fine_tuned_model": job.fine_tuned_model,
        "training_file": job.training_file,
        "validation_file": job.validation_file,
        "result_files": list(job.result_files),
        "finished_at": None if job.finished_at is None else int(job.finished_at),
        "trained_tokens": job.plan.trained_tokens if job.status == "succeeded" else None,
        "error": job.error,
        "estimated_finish": None if finish is None else int(finish),
        "hyperparameters": {k: hp[k] for k in ("n_epochs", "batch_size", "learning_rate_multiplier")},
        "suffix": job.suffix,
        "seed": job.seed,
        "integrations": job.integrations,
        # The spec's FineTuneMethod carries only `type` (the hyper-parameters are top-level).
        "method": {"type": job.method},
    }


def _effective_hp(job: JobRec) -> dict[str, Any]:
    hp = job.plan.hyperparameters() if job.started_at is not None else _requested_hp(job)
    if job.method == "reinforcement":  # the RFT settings as sent; ones left to the service stay absent
        hp.update({k: v for k, v in job.requested_hp.items() if k not in hp and v not in (None, "auto")})
    return hp


def _requested_hp(job: JobRec) -> dict[str, Any]:
    # Before training starts Azure reports "auto" values as -1 (see the spec's examples).
    out: dict[str, Any] = {}
    for key, auto in (("n_epochs", -1), ("batch_size", -1), ("learning_rate_multiplier", -1.0)):
        value = job.requested_hp.get(key)
        out[key] = auto if value in (None, "auto") else value
    if job.method == "dpo":
        beta = job.requested_hp.get("beta")
        out["beta"] = -1.0 if beta in (None, "auto") else beta
    return out


def upload_json(store: Store, up: UploadRec, now: float) -> dict[str, Any]:
    file = store.files.get(up.file_id or "")
    return {
        "object": "upload",
        "id": up.id,
        "bytes": up.size,
        "created_at": int(up.created_at),
        "expires_at": int(up.expires_at),
        "filename": up.filename,
        "purpose": up.purpose,
        "status": up.status,
        "file": None if file is None else file_json(store, file, now),
    }


def checkpoints(job: JobRec, now: float, *, live: bool = False) -> list[dict[str, Any]]:
    """Newest first: the last three epoch checkpoints reached (a succeeded job's final one
    always). `live`: ids as Azure deploys them, `ftchkpt-<32 hex>`
    (tests/fixtures/azure-real/checkpoint_deploy_id.txt); else the spec's `ftckpt` prefix."""
    # a succeeded job reached its last step, whatever the float sum of its segments says
    step = job.plan.total_steps if job.status == "succeeded" else timeline.step_at(job, now)
    if job.status == "failed" and job.fail_reason is not None:
        return []
    reached = [s for s in epoch_end_steps(job.plan) if s <= step]
    out = []
    for s in reached[-KEPT_CHECKPOINTS:]:
        t = timeline.time_of_step(job, s)
        name = job.planned_model_name
        if s < job.plan.total_steps:
            name = f"{name}:ckpt-step-{s}"
        metrics: dict[str, float | int] = {**metrics_at(job.plan, job.seed, s), "step": s}
        out.append(
            {
                "object": "fine_tuning.job.checkpoint",
                "id": derived_id("ftchkpt" if live else "ftckpt", job.id, s),
                "created_at": int(t if t is not None else now),
                "fine_tuned_model_checkpoint": name,
                "fine_tuning_job_id": job.id,
                "step_number": s,
                "metrics": metrics,
            }
        )
    return out[::-1]
