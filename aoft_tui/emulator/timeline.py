"""A job's life as a function of simulated time.

Progress is held as training *segments* (wall start/end + training seconds done before), so
a step's time, the current step and the finish estimate are arithmetic, whatever the clock
jumps by. Transitions (start, pause, finish, fail) are materialised lazily by `advance_job`
at the exact simulated instant they happened, so events carry the right timestamps even
when nobody looked at the job for hours.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from aoft_tui.emulator.records import EventRec, JobRec, Segment
from aoft_tui.emulator.simulator import POSTPROCESS_SECONDS

TERMINAL = frozenset({"succeeded", "failed", "cancelled"})

ENQUEUED = "Job enqueued. Waiting for jobs ahead to complete."
STARTED = "Job started."
SUCCEEDED = "Job succeeded."

INTERNAL_ERROR = {
    "code": "internal_error",
    "message": "The job failed due to an internal error. Please try again; if the problem persists, "
    "contact support.",
    "param": None,
}


def trained_seconds(job: JobRec, t: float) -> float:
    done = 0.0
    for seg in job.segments:
        if t <= seg.start:
            break
        end = t if seg.end is None else min(t, seg.end)
        done = seg.trained_at_start + (end - seg.start)
    return min(done, job.plan.train_seconds)


def step_at(job: JobRec, t: float) -> int:
    if not job.segments:
        return 0
    sps = job.plan.seconds_per_step
    # tiny epsilon: the float sum of segments may land a hair under an exact step boundary
    return min(job.plan.total_steps, int(math.floor(trained_seconds(job, t) / sps + 1e-9)))


def time_of_step(job: JobRec, step: int) -> float | None:
    """When training reached `step`, or None if it has not (yet)."""
    need = step * job.plan.seconds_per_step
    for seg in job.segments:
        length = math.inf if seg.end is None else seg.end - seg.start
        if seg.trained_at_start - 1e-9 <= need <= seg.trained_at_start + length + 1e-9:
            return seg.start + max(0.0, need - seg.trained_at_start)
    return None


def training_end(job: JobRec) -> float | None:
    """When the open segment finishes the last step (None if not training now)."""
    if not job.segments or job.segments[-1].end is not None:
        return None
    seg = job.segments[-1]
    return seg.start + (job.plan.train_seconds - seg.trained_at_start)


def estimated_finish(job: JobRec) -> float | None:
    end = training_end(job)
    if job.status == "running" and end is not None:
        return end + POSTPROCESS_SECONDS
    if job.status == "running" and job.segments and job.segments[-1].end is not None:
        return job.segments[-1].end + POSTPROCESS_SECONDS  # post-processing
    return None


def close_segment(job: JobRec, t: float) -> None:
    if job.segments and job.segments[-1].end is None:
        job.segments[-1].end = t


def open_segment(job: JobRec, t: float) -> None:
    job.segments.append(Segment(start=t, end=None, trained_at_start=trained_seconds(job, t)))


EventIds = Callable[[], str]
OnSucceed = Callable[[JobRec, float], str]  # creates results.csv, returns its file id


def add_event(job: JobRec, ids: EventIds, t: float, message: str, level: str = "info") -> None:
    job.events.append(EventRec(id=ids(), t=t, message=message, level=level))


def start_job(job: JobRec, t: float, ids: EventIds) -> None:
    job.status = "running"
    job.started_at = t
    open_segment(job, t)
    add_event(job, ids, t, STARTED)


def fail_job(job: JobRec, t: float, error: dict, ids: EventIds) -> None:
    close_segment(job, t)
    job.status = "failed"
    job.finished_at = t
    job.error = error
    add_event(job, ids, t, error["message"], "error")
    add_event(job, ids, t, "Job failed.", "error")


def advance_job(job: JobRec, now: float, ids: EventIds, on_succeed: OnSucceed) -> None:
    """Apply every transition of a started job that happened at or before `now`."""
    while job.status not in TERMINAL:
        if job.status == "running":
            if job.fail_at_step is not None:
                t_fail = time_of_step(job, job.fail_at_step)
                if t_fail is not None and t_fail <= now:
                    fail_job(job, t_fail, INTERNAL_ERROR, ids)
                    return
            end = training_end(job)
            if end is not None:
                if end > now:
                    return
                close_segment(job, end)
            last_end = job.segments[-1].end
            assert last_end is not None  # closed: training has ended
            done_at = last_end + POSTPROCESS_SECONDS
            if done_at > now:
                return
            _succeed(job, done_at, ids, on_succeed)
            return
        if job.status in ("pausing", "resuming"):
            if job.transition_at is None or job.transition_at > now:
                return
            t = job.transition_at
            job.transition_at = None
            if job.status == "pausing":
                job.status = "paused"
                job.paused_at = t
                add_event(job, ids, t, "Job paused.")
            else:
                job.status = "running"
                job.paused_at = None
                open_segment(job, t)
                add_event(job, ids, t, "Job resumed.")
            continue
        return  # paused, pending: nothing happens by itself


def _succeed(job: JobRec, t: float, ids: EventIds, on_succeed: OnSucceed) -> None:
    file_id = on_succeed(job, t)
    job.result_files = [file_id]
    job.fine_tuned_model = job.planned_model_name
    job.status = "succeeded"
    job.finished_at = t
    hours = max(0.01, job.plan.train_seconds / 3600)
    add_event(job, ids, t, f"Completed results file: {file_id}")
    add_event(job, ids, t, f"Training hours billed: {hours:.3f}")
    add_event(job, ids, t, SUCCEEDED)
