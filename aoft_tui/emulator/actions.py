"""Cancel, pause and resume at a given simulated time (routes and seeding share these)."""

from __future__ import annotations

from aoft_tui.emulator import timeline
from aoft_tui.emulator.errors import wrong_state
from aoft_tui.emulator.records import JobRec
from aoft_tui.emulator.simulator import PAUSE_SECONDS, RESUME_SECONDS
from aoft_tui.emulator.store import Store


def cancel(store: Store, job: JobRec, now: float) -> None:
    if job.status in timeline.TERMINAL:
        raise wrong_state(f"Fine-tuning job '{job.id}' is already {job.status} and cannot be cancelled.")
    timeline.close_segment(job, now)
    job.status, job.finished_at, job.transition_at = "cancelled", now, None
    timeline.add_event(job, store.event_id, now, "Job cancelled.")
    store.settle(now)  # the slot may now be free for the next pending job


def pause(store: Store, job: JobRec, now: float) -> None:
    if job.status != "running" or timeline.training_end(job) is None:
        raise wrong_state(
            f"Fine-tuning job '{job.id}' is {job.status}; only a running job that is still "
            "training can be paused."
        )
    timeline.close_segment(job, now)
    job.status, job.transition_at = "pausing", now + PAUSE_SECONDS
    timeline.add_event(job, store.event_id, now, "Job pausing.")


def resume(store: Store, job: JobRec, now: float) -> None:
    if job.status != "paused":
        raise wrong_state(f"Fine-tuning job '{job.id}' is {job.status}; only a paused job can be resumed.")
    job.status, job.transition_at = "resuming", now + RESUME_SECONDS
    timeline.add_event(job, store.event_id, now, "Job resuming.")
