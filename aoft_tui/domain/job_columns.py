"""The job list's columns: their labels, widths and sort keys, the text of one row's cells, and
the filter's match (pure: the jobs table widget in ui/widgets/jobs_table.py draws them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import Job, JobStatus

MARK = "◆"
OUTPUT_WIDTH = 21  # the narrowest the fine-tuned column gets; it grows into spare width

# Progress known from metrics: job id -> (latest step, total steps or None).
StepInfo = dict[str, tuple[int, int | None]]

_STATUS_ORDER = {status: i for i, status in enumerate(JobStatus)}


def _fraction_or_low(job: Job, now: datetime, steps: StepInfo) -> float:
    step, total = steps.get(job.id, (None, None))
    value = fmt.progress_fraction(job, now, step=step, total_steps=total)
    return -1.0 if value is None else value


# column key, label, sort key (job, now, steps) -> comparable
COLUMNS: tuple[tuple[str, str, Callable[[Job, datetime, StepInfo], Any]], ...] = (
    ("id", "ID", lambda j, n, s: j.id),
    ("status", "Status", lambda j, n, s: _STATUS_ORDER[j.status]),
    ("model", "Base model", lambda j, n, s: j.model),
    ("output", "Fine-tuned / suffix", lambda j, n, s: fmt.model_or_suffix(j)),
    ("created", "Created", lambda j, n, s: j.created_at.timestamp()),
    ("duration", "Duration", lambda j, n, s: fmt.job_duration(j, n) or -1.0),
    ("tokens", "Tokens", lambda j, n, s: j.trained_tokens or -1),
    ("progress", "Progress", _fraction_or_low),
)
SORTABLE = tuple(key for key, _, _ in COLUMNS)
# Fixed widths: measuring every cell of a 500-row table costs more than drawing it, and a
# column that never resizes never shifts under the reader's eye. Labels leave room for ▼.
WIDTHS = {"id": 9, "status": 12, "model": 23, "output": OUTPUT_WIDTH, "created": 9, "duration": 10,
          "tokens": 8, "progress": 10}  # fmt: skip
_SORT_KEYS = {key: fn for key, _, fn in COLUMNS}

COLUMN_KEYS = tuple(key for key, _, _ in COLUMNS)
LABELS = {key: label for key, label, _ in COLUMNS}
RIGHT_ALIGNED = frozenset({"duration", "tokens", "progress"})
PADDING = 1  # one space either side of every cell
TABLE_WIDTH = sum(WIDTHS.values()) + 2 * PADDING * len(COLUMNS)


def job_matches(job: Job, query: str) -> bool:
    """Every word of `query` appears in the id, model, status, suffix, fine-tuned model or a
    metadata tag (written `key=value`, so `team=nlp` finds the jobs tagged so)."""
    haystack = " ".join(
        (
            job.id,
            job.model,
            fmt.status_label(job.status),
            job.suffix or "",
            job.fine_tuned_model or "",
            *(f"{key}={value}" for key, value in job.metadata.items()),
        )
    ).lower()
    return all(word in haystack for word in query.lower().split())


def sorted_job_ids(
    job_ids: Iterable[str],
    jobs: dict[str, Job],
    column: str,
    now: datetime,
    steps: StepInfo,
    *,
    reverse: bool,
) -> list[str]:
    """`job_ids` ordered by `column`; ties newest first within it, then by id (a stable order)."""
    sort_key = _SORT_KEYS[column]

    def key(job_id: str) -> tuple[Any, float, str]:
        job = jobs[job_id]
        return (sort_key(job, now, steps), job.created_at.timestamp(), job_id)

    return sorted(job_ids, key=key, reverse=reverse)


def row_cells(
    job: Job, now: datetime, steps: StepInfo, *, marked: bool, output_width: int
) -> tuple[str, ...]:
    """The text of each column of `job`'s row (COLUMN_KEYS order)."""
    step, total = steps.get(job.id, (None, None))
    return (
        (MARK if marked else " ") + job.short_id,
        fmt.status_label(job.status),
        job.model,
        fmt.ellipsize_middle(fmt.model_or_suffix(job), output_width),
        fmt.relative_time(job.created_at, now),
        fmt.duration(fmt.job_duration(job, now)),
        fmt.token_count(job.trained_tokens),
        # the step alone is for the summary pane; the column stays narrow
        fmt.progress_text(job, now, step=step if total else None, total_steps=total),
    )
