"""A job's config, summary, events and checkpoints in the shapes W&B stores."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aoft_tui.domain.metric_values import present_metrics
from aoft_tui.domain.models import SUPERVISED_METRICS, Checkpoint, Job, JobEvent, MetricPoint

EVENT_COLUMNS = ["created_at", "level", "type", "message", "data"]
CHECKPOINT_COLUMNS = [
    "step",
    "created_at",
    "id",
    "fine_tuned_model_checkpoint",
    *SUPERVISED_METRICS,
    "metrics",
]


def job_config(job: Job) -> dict[str, Any]:
    """The job's fields as structured values (the API's own JSON), never Python reprs."""
    config = dict(job.raw) if job.raw else _config_from_fields(job)
    config.pop("object", None)
    # JSON round-trip: only plain values reach W&B (no datetimes, no SDK objects)
    return json.loads(json.dumps(config, default=str))


def _config_from_fields(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "status": str(job.status),
        "model": job.model,
        "training_file": job.training_file,
        "validation_file": job.validation_file,
        "fine_tuned_model": job.fine_tuned_model,
        "suffix": job.suffix,
        "created_at": int(job.created_at.timestamp()),
        "finished_at": int(job.finished_at.timestamp()) if job.finished_at else None,
        "trained_tokens": job.trained_tokens,
        "result_files": list(job.result_files),
        "method": {"type": job.method},
        "hyperparameters": job.hyperparameters,
        "seed": job.seed,
    }


def job_summary(job: Job) -> dict[str, Any]:
    summary: dict[str, Any] = {"status": str(job.status)}
    if job.fine_tuned_model:
        summary["fine_tuned_model"] = job.fine_tuned_model
    if job.trained_tokens is not None:
        summary["trained_tokens"] = job.trained_tokens
    if job.error is not None and (job.error.code or job.error.message):
        summary["error"] = {"code": job.error.code, "message": job.error.message, "param": job.error.param}
    return summary


def metric_row(point: MetricPoint) -> dict[str, Any]:
    """A history row keyed by results.csv column names (`step` included, as its x axis)."""
    row: dict[str, Any] = {"step": point.step}
    # no -1 ("no value") in W&B: it would be a point on the chart and the run's summary
    row.update(present_metrics(point.values))
    return row


def event_rows(events: list[JobEvent]) -> list[list[Any]]:
    return [
        [_iso(e.created_at), str(e.level), e.type, e.message, json.dumps(e.data) if e.data else None]
        for e in sorted(events, key=lambda e: (e.created_at, e.id))
    ]


def checkpoint_rows(checkpoints: list[Checkpoint]) -> list[list[Any]]:
    rows = []
    for c in sorted(checkpoints, key=lambda c: c.step):
        named = [c.metrics.get(col) for col in CHECKPOINT_COLUMNS[4:-1]]
        rows.append(
            [c.step, _iso(c.created_at), c.id, c.fine_tuned_model_checkpoint, *named, json.dumps(c.metrics)]
        )
    return rows


def _iso(ts: datetime | None) -> str | None:
    return ts.isoformat() if ts else None
