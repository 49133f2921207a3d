"""The emulator's stored objects (files, jobs, uploads) and their JSON (state-dir) form."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aoft_tui.emulator.persistence import check_finite
from aoft_tui.emulator.simulator import TrainingPlan

JOB_STATUSES = frozenset(
    {"pending", "running", "pausing", "paused", "resuming", "succeeded", "failed", "cancelled"}
)

# A file leaves "pending"/"running" after this much simulated time…
FILE_RUNNING_AFTER = 3.0
FILE_DONE_AFTER = 10.0
# …or this much real time, so upload flows finish even with a frozen clock (speed=0).
FILE_RUNNING_AFTER_REAL = 0.08
FILE_DONE_AFTER_REAL = 0.25


@dataclass(slots=True)
class FileRec:
    id: str
    filename: str
    purpose: str
    created_at: float
    content: bytes | None  # None for results files (regenerated from their job)
    size: int | None
    status_details: str | None = None  # Azure's message when processing fails
    job_failure: str | None = None  # processed, but a job on it fails with this (file_checks.py)
    n_examples: int = 0
    approx_tokens: int = 0
    result_of_job: str | None = None
    created_mono: float | None = field(default_factory=time.monotonic)

    def status(self, now: float) -> str:
        if self.purpose != "fine-tune" or self.created_mono is None:
            return self._final()
        sim = now - self.created_at
        real = time.monotonic() - self.created_mono
        if sim >= FILE_DONE_AFTER or real >= FILE_DONE_AFTER_REAL:
            return self._final()
        if sim >= FILE_RUNNING_AFTER or real >= FILE_RUNNING_AFTER_REAL:
            return "running"
        return "pending"

    def _final(self) -> str:
        return "error" if self.status_details else "processed"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "filename": self.filename,
            "purpose": self.purpose,
            "created_at": self.created_at,
            "size": self.size,
            "status_details": self.status_details,
            "n_examples": self.n_examples,
            "approx_tokens": self.approx_tokens,
            "result_of_job": self.result_of_job,
            "job_failure": self.job_failure,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], content: bytes | None) -> FileRec:
        """`content` is kept beside the JSON (one file per upload), not inside it."""
        check_finite(d, "file")
        rec = cls(**d, content=content, created_mono=None)
        if not (isinstance(rec.id, str) and isinstance(rec.filename, str) and isinstance(rec.purpose, str)):
            raise ValueError("id, filename and purpose must be strings")
        if not _is_number(rec.created_at):
            raise ValueError("created_at must be a number")
        return rec


@dataclass(slots=True)
class Segment:
    """A stretch of wall (simulated) time during which the job trained."""

    start: float
    end: float | None
    trained_at_start: float  # training seconds already done when the segment began


@dataclass(slots=True)
class EventRec:
    id: str
    t: float
    message: str
    level: str = "info"


@dataclass(slots=True)
class JobRec:
    id: str
    seq: int
    created_at: float
    model: str
    training_file: str
    validation_file: str | None
    method: str
    requested_hp: dict[str, Any]
    seed: int
    plan: TrainingPlan
    suffix: str | None = None
    integrations: list[dict[str, Any]] | None = None
    status: str = "pending"
    ready_at: float = 0.0
    started_at: float | None = None
    segments: list[Segment] = field(default_factory=list)
    transition_at: float | None = None  # when pausing→paused or resuming→running completes
    paused_at: float | None = None
    finished_at: float | None = None
    fine_tuned_model: str | None = None
    result_files: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    fail_reason: dict[str, Any] | None = None  # fail at ready_at (data the service rejects)
    fail_at_step: int | None = None  # seeded: an internal failure mid-training
    events: list[EventRec] = field(default_factory=list)
    training_type: str | None = None  # the tier the job trains in, echoed as `trainingType` (live mode)
    grader: dict[str, Any] | None = None  # reinforcement: method.reinforcement.grader, echoed back
    metadata: dict[str, str] | None = None

    @property
    def hex(self) -> str:
        return self.id.split("-", 1)[1]

    @property
    def planned_model_name(self) -> str:
        name = f"{self.model}.ft-{self.hex}"
        return f"{name}-{self.suffix}" if self.suffix else name

    @property
    def holds_slot(self) -> bool:
        """Training capacity is taken from start to finish, except while paused."""
        return self.started_at is not None and self.status not in (
            "succeeded",
            "failed",
            "cancelled",
            "paused",
        )

    @property
    def released_at(self) -> float | None:
        """When the job last gave its slot back (finished, or paused)."""
        return self.finished_at if self.finished_at is not None else self.paused_at

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "created_at": self.created_at,
            "model": self.model,
            "training_file": self.training_file,
            "validation_file": self.validation_file,
            "method": self.method,
            "requested_hp": self.requested_hp,
            "seed": self.seed,
            "plan": self.plan.to_json(),
            "suffix": self.suffix,
            "integrations": self.integrations,
            "status": self.status,
            "ready_at": self.ready_at,
            "started_at": self.started_at,
            "segments": [[s.start, s.end, s.trained_at_start] for s in self.segments],
            "transition_at": self.transition_at,
            "paused_at": self.paused_at,
            "finished_at": self.finished_at,
            "fine_tuned_model": self.fine_tuned_model,
            "result_files": self.result_files,
            "error": self.error,
            "fail_reason": self.fail_reason,
            "fail_at_step": self.fail_at_step,
            "events": [[e.id, e.t, e.message, e.level] for e in self.events],
            "training_type": self.training_type,
            "grader": self.grader,
            "metadata": self.metadata,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> JobRec:
        d = dict(d)
        d["plan"] = TrainingPlan.from_json(d["plan"])
        d["segments"] = [Segment(*s) for s in d["segments"]]
        d["events"] = [EventRec(*e) for e in d["events"]]
        job = cls(**d)
        job.check()
        return job

    def check(self) -> None:
        """ValueError naming what makes this job unusable: such a job is never stored (a
        NaN or infinite number in its body would make every job list fail to render)."""
        check_finite(self.to_json(), "job")
        if self.status not in JOB_STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if not isinstance(self.id, str) or "-" not in self.id:
            raise ValueError("id must be a string like ftjob-<hex>")
        plan = self.plan
        if not (
            plan.total_steps >= 1
            and plan.steps_per_epoch >= 1
            and plan.n_epochs >= 1
            and plan.batch_size >= 1
            and plan.train_seconds > 0
            and plan.learning_rate_multiplier > 0
        ):
            raise ValueError(
                "its training plan has a step count, epoch count, batch size, duration or "
                "learning rate that is not positive"
            )
        for number in (self.created_at, self.ready_at):
            if not _is_number(number):
                raise ValueError("created_at and ready_at must be numbers")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(slots=True)
class PartRec:
    id: str
    block_id: str
    data: bytes


@dataclass(slots=True)
class UploadRec:
    id: str
    filename: str
    purpose: str
    size: int
    mime_type: str
    created_at: float
    status: str = "pending"
    parts: list[PartRec] = field(default_factory=list)
    file_id: str | None = None

    @property
    def expires_at(self) -> float:
        return self.created_at + 2 * 3600  # Azure: an Upload expires two hours after creation

    def to_json(self) -> dict[str, Any]:
        """Parts' bytes live beside the JSON (one file per part id), like uploaded files."""
        return {
            "id": self.id,
            "filename": self.filename,
            "purpose": self.purpose,
            "size": self.size,
            "mime_type": self.mime_type,
            "created_at": self.created_at,
            "status": self.status,
            "parts": [[p.id, p.block_id] for p in self.parts],
            "file_id": self.file_id,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], part_data: Callable[[str], bytes]) -> UploadRec:
        check_finite(d, "upload")
        d = dict(d)
        d["parts"] = [PartRec(part_id, block_id, part_data(part_id)) for part_id, block_id in d["parts"]]
        up = cls(**d)
        if not _is_number(up.created_at) or not isinstance(up.size, int):
            raise ValueError("created_at and bytes must be numbers")
        return up
