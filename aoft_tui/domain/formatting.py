"""Human-readable text for job fields: relative times, durations, token counts, byte sizes,
status labels.

Pure functions (no Textual): the table, the summary pane and the CLI all say things the
same way. Status labels carry a symbol so they read without colour (16-colour terminals,
screen readers, `NO_COLOR`); colour is only a second cue added by the UI.
"""

from __future__ import annotations

from datetime import datetime

from aoft_tui.domain.models import Job, JobStatus
from aoft_tui.domain.sizes import DASH
from aoft_tui.domain.sizes import byte_size as byte_size  # re-exported: callers keep formatting.byte_size

# symbol, label — the symbol alone must tell the states apart. All one cell wide in every
# terminal (⏸ would be a double-width emoji in many fonts and shift the columns).
_STATUS_TEXT: dict[JobStatus, tuple[str, str]] = {
    JobStatus.CREATED: ("◌", "created"),
    JobStatus.PENDING: ("◌", "pending"),
    JobStatus.VALIDATING_FILES: ("◌", "validating"),
    JobStatus.QUEUED: ("◌", "queued"),
    JobStatus.RUNNING: ("●", "running"),
    JobStatus.PAUSING: ("‖", "pausing"),
    JobStatus.PAUSED: ("‖", "paused"),
    JobStatus.RESUMING: ("●", "resuming"),
    JobStatus.SUCCEEDED: ("✔", "succeeded"),
    JobStatus.FAILED: ("✖", "failed"),
    JobStatus.CANCELLED: ("⊘", "cancelled"),
    JobStatus.UNKNOWN: ("?", "unknown"),
}

# A tone per status; the UI maps tones to colours (theme variables) in one place.
_STATUS_TONE: dict[JobStatus, str] = {
    JobStatus.RUNNING: "active",
    JobStatus.RESUMING: "active",
    JobStatus.PAUSING: "paused",
    JobStatus.PAUSED: "paused",
    JobStatus.SUCCEEDED: "ok",
    JobStatus.FAILED: "error",
    JobStatus.CANCELLED: "muted",
    JobStatus.UNKNOWN: "muted",
}


def status_symbol(status: JobStatus) -> str:
    return _STATUS_TEXT[status][0]


def status_label(status: JobStatus) -> str:
    """`● running`, `✔ succeeded`, `✖ failed`, `‖ paused`, `◌ pending`, `⊘ cancelled`."""
    symbol, label = _STATUS_TEXT[status]
    return f"{symbol} {label}"


def status_tone(status: JobStatus) -> str:
    """One of active | paused | ok | error | muted | waiting."""
    return _STATUS_TONE.get(status, "waiting")


def relative_time(when: datetime | None, now: datetime) -> str:
    """`just now`, `45s ago`, `12m ago`, `3h ago`, `5d ago`, `in 20m` (future)."""
    if when is None:
        return DASH
    seconds = (now - when).total_seconds()
    if abs(seconds) < 5:
        return "just now"
    span = _compact_span(abs(seconds))
    return f"{span} ago" if seconds > 0 else f"in {span}"


def _compact_span(seconds: float) -> str:
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    if s < 86400 * 60:
        return f"{s // 86400}d"
    return f"{s // (86400 * 30)}mo"


def duration(seconds: float | None) -> str:
    """Two units at most: `42s`, `3m 05s`, `1h 02m`, `2d 04h`."""
    if seconds is None or seconds < 0:
        return DASH
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600:02d}h"


def job_duration(job: Job, now: datetime) -> float | None:
    """Seconds from creation to finish (or to now while the job is not terminal)."""
    if job.finished_at is not None:
        return (job.finished_at - job.created_at).total_seconds()
    if job.status.is_terminal:
        return None
    return max(0.0, (now - job.created_at).total_seconds())


def token_count(n: int | None) -> str:
    """`950`, `12.3k`, `4.56M`, `1.2B`."""
    if n is None:
        return DASH
    if n < 1000:
        return str(n)
    for div, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= div:
            value = n / div
            digits = 2 if value < 10 else 1 if value < 100 else 0
            return f"{value:.{digits}f}{unit}"
    return str(n)  # pragma: no cover


def progress_fraction(
    job: Job, now: datetime, *, step: int | None = None, total_steps: int | None = None
) -> float | None:
    """0..1 when it can be told: from steps when known, else from the estimated finish."""
    if job.status is JobStatus.SUCCEEDED:
        return 1.0
    if step is not None and total_steps:
        return max(0.0, min(1.0, step / total_steps))
    if job.estimated_finish is not None and not job.status.is_terminal:
        total = (job.estimated_finish - job.created_at).total_seconds()
        if total > 0:
            return max(0.0, min(0.99, (now - job.created_at).total_seconds() / total))
    return None


def progress_text(job: Job, now: datetime, *, step: int | None = None, total_steps: int | None = None) -> str:
    """`120/300 40%`, `step 510 · 87%` (time-based estimate), `63%`, `100%`, or a dash."""
    fraction = progress_fraction(job, now, step=step, total_steps=total_steps)
    if step is not None and total_steps:
        return f"{step}/{total_steps} {fraction:.0%}"
    if step is not None and fraction is not None and not job.status.is_terminal:
        return f"step {step} · {fraction:.0%}"
    if fraction is not None:
        return f"{fraction:.0%}"
    if step is not None:
        return f"step {step}"
    return DASH


def model_or_suffix(job: Job) -> str:
    """The fine-tuned model once there is one, else the requested suffix."""
    return job.fine_tuned_model or (f"…{job.suffix}" if job.suffix else DASH)


def ellipsize_middle(text: str, width: int) -> str:
    """Keep both ends (model family and suffix/hash tail) of a long name: `gpt-4o…ft-ab12-ner`."""
    if len(text) <= width or width < 5:
        return text
    head = (width - 1) // 2
    tail = width - 1 - head
    return f"{text[:head]}…{text[-tail:]}"


def plural(n: int, noun: str) -> str:
    """`1 job`, `2 jobs`, `0 jobs`."""
    return f"{n} {noun}{'s' * (n != 1)}"


# What a job "is" in a sentence: `ab12cd34 has already succeeded`, not `… is succeeded`.
_STATUS_PHRASE: dict[JobStatus, str] = {
    JobStatus.SUCCEEDED: "has already succeeded",
    JobStatus.FAILED: "has already failed",
    JobStatus.CANCELLED: "has already been cancelled",
}


def status_phrase(status: JobStatus) -> str:
    """The status as a predicate: `is running`, `is paused`, `has already succeeded`."""
    return _STATUS_PHRASE.get(status, f"is {_STATUS_TEXT[status][1]}")


def no_metrics_text(status: JobStatus) -> str:
    """Why a job has no metrics, by its state: a failed job will never have any."""
    if status is JobStatus.FAILED:
        return "no metrics: the job failed before training"
    if status is JobStatus.CANCELLED:
        return "no metrics: the job was cancelled before training"
    if status is JobStatus.SUCCEEDED:
        return "no metrics: the service reported none"
    if status in (
        JobStatus.RUNNING,
        JobStatus.RESUMING,
        JobStatus.PAUSING,
        JobStatus.PAUSED,
        JobStatus.UNKNOWN,
    ):
        return "no metrics yet"
    return "no metrics yet: the job has not started training"
