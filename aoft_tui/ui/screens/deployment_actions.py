"""What the Deployments view does with a deployment's model beyond chatting: find the job
that made it (for its validation file and settings) and continue training from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen

from aoft_tui.domain.models import Job


def job_for_model(service: Any, model: str) -> Job | None:
    """The job whose fine-tuned model (or one of whose checkpoints) is `model`. Blocking:
    call from a worker thread."""
    if ".ft-" not in model:
        return None  # a base model: no job made it
    jobs = [job for job in service.list_jobs() if job.fine_tuned_model]
    for job in jobs:
        if job.fine_tuned_model == model:
            return job
    for job in jobs:  # a checkpoint's model: ask that job's checkpoints
        if any(c.fine_tuned_model_checkpoint == model for c in service.checkpoints(job.id)):
            return job
    return None


def validation_file_path(service: Any, file_id: str) -> Path:
    """The validation file's content on disk (downloaded once per resource and file)."""
    from aoft_tui.services.quick_eval import cached_download
    from aoft_tui.services.settings import state_dir

    return cached_download(service.download_file, file_id, state_dir() / "eval-files")


def open_continue_from(screen: Screen, model: str, job: Job | None) -> None:
    """The new-job form with `model` as its base: the settings of the job that made it (as
    `n` in the job detail does), or just the model when no job of this resource made it."""
    from aoft_tui.services.job_form import JobForm, form_from_job
    from aoft_tui.ui.screens.new_job_launch import open_prefilled

    if job is not None:
        form = form_from_job(job, base_model=model)
        note = f"Continuing from the deployed model {model} (made by {job.id}). Choose new training data."
    else:
        form = JobForm(model=model)
        note = f"A new job on the deployed model {model}. Choose training data."
    open_prefilled(screen, form, note)
