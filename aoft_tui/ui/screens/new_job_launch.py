"""Open the new-job form prefilled from a job: a clone (`N`, on the dashboard and in the
detail) or continued fine-tuning from its model or a checkpoint (`n` in the detail).
The form is imported only when asked for (it is off the start path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from aoft_tui.domain.models import Checkpoint, Job, JobStatus
from aoft_tui.services.job_form import form_from_job

if TYPE_CHECKING:
    from aoft_tui.services.job_form import JobForm
    from aoft_tui.ui.app import AoftApp


def open_clone(screen: Screen, job: Job, done: Callable[[str | None], None] | None = None) -> None:
    note = (
        f"Cloned from {job.id}: same model and settings. Choose the training file "
        f"(the job used {job.training_file})."
    )
    open_prefilled(screen, form_from_job(job), note, done)


def continue_target(job: Job, checkpoint: Checkpoint | None) -> tuple[str, str] | None:
    """(model to continue from, what it is): the selected checkpoint, else the job's model."""
    if checkpoint is not None and checkpoint.fine_tuned_model_checkpoint:
        return checkpoint.fine_tuned_model_checkpoint, f"checkpoint at step {checkpoint.step} of {job.id}"
    if job.status is JobStatus.SUCCEEDED and job.fine_tuned_model:
        return job.fine_tuned_model, f"the fine-tuned model of {job.id}"
    return None


def open_continue(
    screen: Screen, job: Job, checkpoint: Checkpoint | None, done: Callable[[str | None], None] | None = None
) -> None:
    target = continue_target(job, checkpoint)
    if target is None:
        screen.notify(
            "Continue from a succeeded job's model, or select a checkpoint (tab 4) first.",
            title="Nothing to continue from",
            severity="warning",
        )
        return
    model, what = target
    note = f"Continuing from {what}: {model}. Choose new training data."
    open_prefilled(screen, form_from_job(job, base_model=model), note, done)


def open_prefilled(
    screen: Screen, form: JobForm, note: str, done: Callable[[str | None], None] | None = None
) -> None:
    """The new-job form filled in from `form`, `note` above it; a toast names the job it creates."""
    from aoft_tui.ui.screens.new_job_screen import NewJobScreen

    def created(job_id: str | None) -> None:
        if job_id:
            screen.notify(job_id, title="Job created")
        if done is not None:
            done(job_id)

    screen.app.push_screen(
        NewJobScreen(cast("AoftApp", screen.app).service, prefill=form, prefill_note=note), created
    )
