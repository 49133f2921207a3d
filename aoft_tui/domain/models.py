"""Typed domain objects for fine-tuning jobs, shared by every layer.

Pure data: no I/O, no Textual. The service layer builds these from the API's JSON
(keeping the raw dict so `--json` output and W&B config use the API's own field names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

_Member = TypeVar("_Member", bound=StrEnum)


def _member_or(enum: type[_Member], value: str | None, fallback: _Member) -> _Member:
    """The member named by an API value; a missing or unknown value (a newer service's) is `fallback`."""
    try:
        return enum(value or fallback.value)
    except ValueError:
        return fallback


class JobStatus(StrEnum):
    """Azure's FineTuningState, plus OpenAI's spellings we may meet on /openai/v1."""

    CREATED = "created"
    PENDING = "pending"
    VALIDATING_FILES = "validating_files"
    QUEUED = "queued"
    RUNNING = "running"
    PAUSING = "pausing"
    PAUSED = "paused"
    RESUMING = "resuming"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str | None) -> JobStatus:
        return _member_or(cls, value, cls.UNKNOWN)

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def is_active(self) -> bool:
        """The job is moving: its metrics, events or status may change soon."""
        return self in _ACTIVE

    @property
    def can_cancel(self) -> bool:
        return not self.is_terminal and self is not JobStatus.UNKNOWN

    @property
    def can_pause(self) -> bool:
        return self is JobStatus.RUNNING

    @property
    def can_resume(self) -> bool:
        return self is JobStatus.PAUSED


_TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
_ACTIVE = frozenset(
    {
        JobStatus.CREATED,
        JobStatus.PENDING,
        JobStatus.VALIDATING_FILES,
        JobStatus.QUEUED,
        JobStatus.RUNNING,
        JobStatus.PAUSING,
        JobStatus.RESUMING,
    }
)


def from_unix(ts: int | float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=UTC)


@dataclass(frozen=True, slots=True)
class JobError:
    code: str | None
    message: str | None
    param: str | None = None


def _is_auto_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == -1


@dataclass(frozen=True, slots=True)
class Job:
    """One fine-tuning job as the API reports it."""

    id: str
    status: JobStatus
    model: str
    created_at: datetime
    training_file: str
    validation_file: str | None = None
    fine_tuned_model: str | None = None
    suffix: str | None = None
    finished_at: datetime | None = None
    estimated_finish: datetime | None = None
    trained_tokens: int | None = None
    result_files: tuple[str, ...] = ()
    # method type: "supervised", "dpo" or "reinforcement"
    method: str = "supervised"
    # the effective hyper-parameters (method's own when given, else top-level `hyperparameters`)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    error: JobError | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # the job's tags (`metadata`)
    # the API's JSON for this job, unchanged (API field names), for --json and W&B config
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def shown_hyperparameters(self) -> dict[str, Any]:
        """The hyper-parameters for people: until the service picks them, Azure reports "auto"
        as -1 (and the learning-rate multiplier as 1 beside those -1s), shown as "auto"
        (tests/fixtures/azure-real/job_at_creation.json). `raw` keeps the API's numbers."""
        hp = self.hyperparameters
        unresolved = any(_is_auto_number(v) for v in hp.values())
        return {
            k: "auto"
            if _is_auto_number(v) or (unresolved and k == "learning_rate_multiplier" and v == 1)
            else v
            for k, v in hp.items()
        }

    @property
    def short_id(self) -> str:
        """`ftjob-abc…` → last 8 characters, enough to tell jobs apart in a table."""
        return self.id[-8:]


class EventLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @classmethod
    def parse(cls, value: str | None) -> EventLevel:
        return _member_or(cls, value, cls.INFO)


@dataclass(frozen=True, slots=True)
class JobEvent:
    id: str
    created_at: datetime
    level: EventLevel
    message: str
    type: str = "message"  # "message" or "metrics"
    data: dict[str, Any] | None = None


# Metric names as in results.csv and Azure's metrics events.
TRAIN_LOSS = "train_loss"
TRAIN_ACCURACY = "train_mean_token_accuracy"
VALID_LOSS = "valid_loss"
VALID_ACCURACY = "valid_mean_token_accuracy"
FULL_VALID_LOSS = "full_valid_loss"
FULL_VALID_ACCURACY = "full_valid_mean_token_accuracy"
LOSS_SERIES = (TRAIN_LOSS, VALID_LOSS, FULL_VALID_LOSS)
ACCURACY_SERIES = (TRAIN_ACCURACY, VALID_ACCURACY, FULL_VALID_ACCURACY)
# results.csv's metric columns, in Azure's order (a checkpoint's metrics are the same ones).
SUPERVISED_METRICS = (
    TRAIN_LOSS,
    TRAIN_ACCURACY,
    VALID_LOSS,
    VALID_ACCURACY,
    FULL_VALID_LOSS,
    FULL_VALID_ACCURACY,
)
# Reinforcement fine-tuning's own (Microsoft Learn's RFT guide: results.csv and metrics events).
TRAIN_REWARD = "train_reward_mean"
VALID_REWARD = "valid_reward_mean"
TRAIN_REASONING_TOKENS = "train_reasoning_tokens_mean"
VALID_REASONING_TOKENS = "valid_reasoning_tokens_mean"
REWARD_SERIES = (TRAIN_REWARD, VALID_REWARD)
REASONING_TOKEN_SERIES = (TRAIN_REASONING_TOKENS, VALID_REASONING_TOKENS)


@dataclass(frozen=True, slots=True)
class MetricPoint:
    """The metrics of one training step; only the keys the job reported are present."""

    step: int
    values: dict[str, float]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    id: str
    step: int
    created_at: datetime
    fine_tuned_model_checkpoint: str
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def deployable(self) -> tuple[str, str]:
        """(what to deploy it by, what that is): Azure deploys a checkpoint by its id
        `ftchkpt-<32 hex>`; ids of other shapes (the spec's examples) by the model name."""
        if self.id.startswith("ftchkpt-"):
            return self.id, "checkpoint id (deploy by this id)"
        return self.fine_tuned_model_checkpoint, "checkpoint model"


class FileStatus(StrEnum):
    UPLOADED = "uploaded"
    PENDING = "pending"
    RUNNING = "running"
    PROCESSED = "processed"
    ERROR = "error"
    DELETING = "deleting"
    DELETED = "deleted"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str | None) -> FileStatus:
        return _member_or(cls, value, cls.UNKNOWN)


@dataclass(frozen=True, slots=True)
class FileInfo:
    id: str
    filename: str
    bytes: int | None
    purpose: str
    status: FileStatus
    created_at: datetime
    status_details: str | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A base model the resource offers; `fine_tune` tells whether it can be fine-tuned."""

    id: str
    fine_tune: bool
    lifecycle_status: str | None = None
    deprecation_fine_tune: datetime | None = None
    deprecation_inference: datetime | None = None


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What the user asks for when creating a job (see services.finetuning.create_job)."""

    model: str
    training_file: str
    validation_file: str | None = None
    suffix: str | None = None
    method: str = "supervised"  # supervised | dpo | reinforcement
    # None means "auto" (the service picks); keys: n_epochs, batch_size,
    # learning_rate_multiplier, beta (dpo), ...
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    training_type: str | None = None  # globalstandard | standard | developer
    grader: dict[str, Any] | None = None  # reinforcement only (domain/graders.py checks it)
    metadata: dict[str, str] = field(default_factory=dict)  # up to 16 KEY=VALUE tags
