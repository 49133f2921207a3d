"""Watch jobs without a screen: state-change detection and the exit code (no Textual here).

`JobWatch` polls `service.list_jobs()` (one request per round, whatever the number of
jobs) and reports every status change once; `exit_code()` tells scripts how it ended.
The CLI (cli/watch_cmd.py) prints, rings and runs hooks; this module only decides.

Exit codes: 0 every watched job succeeded; 1 one failed; 3 one was cancelled (and none
failed); 130 interrupted (set by the CLI). Failure wins over cancellation: a pipeline
that waits on several jobs must not carry on when one of them broke.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aoft_tui.domain.models import TRAIN_LOSS, Job, JobStatus, MetricPoint
from aoft_tui.services.errors import ConnectionFailed, RateLimitError, ServerError

EXIT_SUCCEEDED = 0
EXIT_FAILED = 1
EXIT_CANCELLED = 3
EXIT_INTERRUPTED = 130

# Errors a longer outage produces after the service's own retries: wait them out.
TRANSIENT_ERRORS = (ConnectionFailed, RateLimitError, ServerError)


@dataclass(frozen=True, slots=True)
class StateChange:
    """One job moved from `old` to `new` (`old` None: the first time the watch saw it)."""

    job_id: str
    old: JobStatus | None
    new: JobStatus
    time: datetime
    step: int | None = None
    loss: float | None = None
    error: str | None = None  # the job's own error message, for a failed job

    @property
    def is_final(self) -> bool:
        return self.new.is_terminal

    def to_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "old_status": self.old.value if self.old is not None else None,
            "new_status": self.new.value,
            "time": self.time.isoformat(),
            "step": self.step,
            "loss": self.loss,
            **({"error": self.error} if self.error else {}),
        }

    def to_line(self) -> str:
        """`2026-12-05 20:31:07Z  ftjob-abc  running → succeeded  step 120  loss 0.4312`"""
        stamp = self.time.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        move = self.new.value if self.old is None else f"{self.old.value} → {self.new.value}"
        parts = [stamp, self.job_id, move]
        if self.step is not None:
            parts.append(f"step {self.step}")
        if self.loss is not None:
            parts.append(f"loss {self.loss:.4f}")
        if self.error:
            parts.append(f"({self.error})")
        return "  ".join(parts)


def exit_code(statuses: Iterable[JobStatus]) -> int:
    """0 only if every job succeeded; else 1 when any failed, else 3 (cancelled)."""
    final = list(statuses)
    if any(s is JobStatus.FAILED for s in final):
        return EXIT_FAILED
    if any(s is JobStatus.CANCELLED for s in final):
        return EXIT_CANCELLED
    if all(s is JobStatus.SUCCEEDED for s in final):
        return EXIT_SUCCEEDED
    return EXIT_FAILED  # not final (should not happen when asked): never claim success


def last_step_and_loss(points: Sequence[MetricPoint]) -> tuple[int | None, float | None]:
    """The newest step, and the newest training loss reported (None when unknown)."""
    if not points:
        return None, None
    loss = next((p.values[TRAIN_LOSS] for p in reversed(points) if TRAIN_LOSS in p.values), None)
    return points[-1].step, loss


class JobWatch:
    """The jobs one `aoft-tui watch` waits for, and what it last saw of each.

    `job_ids`: those jobs; empty with `all_jobs=True`: every job not yet final when the
    watch starts, plus jobs created while it runs. `metrics(job)`: step and loss for a
    change line (best effort; None skips it).
    """

    def __init__(
        self,
        service: Any,
        job_ids: Sequence[str] = (),
        *,
        all_jobs: bool = False,
        metrics: Callable[[Job], tuple[int | None, float | None]] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.service = service
        self.all_jobs = all_jobs
        self._wanted = list(dict.fromkeys(job_ids))  # order kept, duplicates dropped
        self._metrics = metrics
        self._now = now
        self.seen: dict[str, JobStatus] = {}  # job id -> last status reported
        self._started = False

    @property
    def watched(self) -> list[str]:
        return list(self._wanted)

    @property
    def done(self) -> bool:
        return self._started and all(self.seen.get(j, JobStatus.UNKNOWN).is_terminal for j in self._wanted)

    def exit_code(self) -> int:
        return exit_code(self.seen[j] for j in self._wanted)

    def poll(self) -> list[StateChange]:
        """One round: the changes since the last round (the first round reports every
        watched job's current state). Raises ServiceError (the caller decides what is
        transient); NotFoundError when a named job does not exist."""
        by_id = {job.id: job for job in self.service.list_jobs()}
        if not self._started:
            if self.all_jobs:
                self._wanted = [
                    j.id
                    for j in sorted(by_id.values(), key=lambda j: j.created_at)
                    if not j.status.is_terminal
                ]
            for job_id in self._wanted:
                if job_id not in by_id:  # beyond the list (or mistyped): ask for it alone
                    by_id[job_id] = self.service.get_job(job_id)
        elif self.all_jobs:
            new = sorted((j for j in by_id.values() if j.id not in self.seen), key=lambda j: j.created_at)
            self._wanted.extend(j.id for j in new)
        self._started = True
        changes: list[StateChange] = []
        for job_id in self._wanted:
            job = by_id.get(job_id)
            if job is None:
                job = self.service.get_job(job_id)  # e.g. dropped from the list page
            old = self.seen.get(job_id)
            if old is job.status:
                continue
            self.seen[job_id] = job.status
            step, loss = self._step_and_loss(job)
            error = job.error.message if job.error is not None and job.status is JobStatus.FAILED else None
            changes.append(StateChange(job_id, old, job.status, self._now(), step, loss, error))
        return changes

    def _step_and_loss(self, job: Job) -> tuple[int | None, float | None]:
        if self._metrics is None or job.status in (
            JobStatus.CREATED,
            JobStatus.PENDING,
            JobStatus.VALIDATING_FILES,
            JobStatus.QUEUED,
        ):
            return None, None
        try:
            return self._metrics(job)
        except Exception:
            return None, None


def service_metrics(service: Any) -> Callable[[Job], tuple[int | None, float | None]]:
    """Step and loss from the service (incremental events while running, results.csv after)."""

    def read(job: Job) -> tuple[int | None, float | None]:
        return last_step_and_loss(service.metrics(job.id, job=job))

    return read


class Outage:
    """Tracks a run of failed polls so the CLI says one line when it starts and one when it ends."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.since: float | None = None
        self.failures = 0

    def failed(self) -> bool:
        """Record a failed poll; True when this is the first of the outage (say so once)."""
        self.failures += 1
        if self.since is None:
            self.since = self._clock()
            return True
        return False

    def recovered(self) -> float | None:
        """Record a good poll; the outage's length in seconds when one just ended, else None."""
        if self.since is None:
            return None
        length = self._clock() - self.since
        self.since, self.failures = None, 0
        return length
