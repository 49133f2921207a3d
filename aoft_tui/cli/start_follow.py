"""`aoft-tui start --wait`: follow the job until it ends, waiting out rate limits and network trouble."""

from __future__ import annotations

import sys
import time
from datetime import datetime

from aoft_tui.cli.start_output import EXIT_INTERRUPTED, ProgressPrinter, err, fail_on
from aoft_tui.domain.models import JobStatus
from aoft_tui.services.errors import OUTCOME_UNKNOWN, RateLimitError, ServiceError

# Errors a --wait waits out: the job runs on regardless, so giving up would only lose it.
_TRANSIENT = (*OUTCOME_UNKNOWN, RateLimitError)
MAX_FOLLOW_BACKOFF = 60.0  # seconds between tries while the service keeps failing


def follow(service, job, interval: float, *, on_give_up=None):
    """Poll the job until it ends, with one progress line (events printed above it).

    Transient errors (rate limits included) are waited out — the job runs on either way —
    with a line saying when the next try is. `on_give_up(job)` runs before a permanent
    error ends the command (the JSON output still gets the last known job)."""
    printer = ProgressPrinter(sys.stderr.isatty())
    last_event: str | None = None
    latest: dict = {}
    failures = 0
    try:
        while True:
            try:
                # Events first, then the job: the status line drawn below the events is
                # never older than they are ("Job succeeded" then "pending" was a lie).
                events = service.events_since(job.id, last_event)
                job = service.get_job(job.id)
            except ServiceError as exc:
                if not isinstance(exc, _TRANSIENT):
                    printer.finish()
                    if on_give_up is not None:
                        on_give_up(job)
                    fail_on(exc)
                failures += 1
                delay = _retry_delay(exc, interval, failures)
                printer.line(_waiting_line(exc, job.id, delay))
                time.sleep(delay)
                continue
            failures = 0
            for event in events:
                last_event = event.id
                if event.type == "metrics" and event.data:
                    latest = event.data
                else:
                    printer.line(f"  {event.created_at:%H:%M:%S} {event.message}")
            printer.status(job_line(job, latest))
            if job.status.is_terminal:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        printer.finish()
        if on_give_up is not None:
            on_give_up(job)
        err(f"Stopped following {job.id}; the job keeps running (aoft-tui jobs shows it).")
        sys.exit(EXIT_INTERRUPTED)
    printer.finish()
    if job.status is JobStatus.SUCCEEDED:
        err(f"Succeeded: {job.fine_tuned_model or job.id}")
    else:
        reason = job.error.message if job.error and job.error.message else "no reason given"
        err(f"Job {job.id} {job.status}: {reason}")
    return job


def _retry_delay(exc: ServiceError, interval: float, failures: int) -> float:
    delay = min(MAX_FOLLOW_BACKOFF, max(interval, interval * 2 ** (failures - 1)))
    retry_after = getattr(exc, "retry_after", None)
    return max(delay, retry_after) if retry_after else delay


def _waiting_line(exc: ServiceError, job_id: str, delay: float) -> str:
    next_try = datetime.fromtimestamp(time.time() + delay).strftime("%H:%M:%S")
    # A rate limit's own text says the SDK gave up; this command has not, so only its title.
    why = exc.title if isinstance(exc, RateLimitError) else f"{exc.title}: {str(exc).rstrip('.')}"
    wait = f"{delay:.0f} s" if delay >= 1 else f"{delay:.1f} s"
    return f"{why} — still following {job_id}: next try at {next_try} (in {wait})."


def job_line(job, metrics: dict) -> str:
    parts = [f"{job.id} {job.status}"]
    if "step" in metrics:
        parts.append(f"step {metrics['step']}")
    for key in (
        "train_loss",
        "valid_loss",
        "train_mean_token_accuracy",
        "train_reward_mean",
        "valid_reward_mean",
    ):
        value = metrics.get(key)
        if isinstance(value, int | float):
            parts.append(f"{key} {value:.4f}")
    if job.estimated_finish and not job.status.is_terminal:
        parts.append(f"ETA {job.estimated_finish:%H:%M} UTC")
    return " · ".join(parts)
