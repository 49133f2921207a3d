"""The dashboard's ways out to the Files view and a job's links, and deleting a finished job.

A mixin for `MainScreen` (kept apart so the dashboard module stays small): the screen
provides `_target_or_toast()` (JobActionsMixin), `table` and `poll_now()`.

Deleting a job is the spec's FineTuning_Delete (DELETE /fine_tuning/jobs/{id}); Azure
accepts it for finished jobs only (succeeded, failed, cancelled), so only those are offered.
"""

from __future__ import annotations

from textual import work
from textual.message import Message

from aoft_tui.domain.models import Job
from aoft_tui.services.errors import ServiceError
from aoft_tui.ui.screens.confirm import ConfirmScreen


class JobDeleted(Message):
    def __init__(self, job_id: str) -> None:
        super().__init__()
        self.job_id = job_id


class JobDeleteFailed(Message):
    def __init__(self, job_id: str, error: ServiceError) -> None:
        super().__init__()
        self.job_id = job_id
        self.error = error


class MainViewsMixin:
    """Mixed into MainScreen; see the module docstring."""

    def action_open_files(self) -> None:
        from aoft_tui.ui.screens.files_screen import FilesScreen

        self.app.push_screen(FilesScreen())  # type: ignore[attr-defined]

    def action_open_links(self) -> None:
        job: Job | None = self._target_or_toast()  # type: ignore[attr-defined]
        if job is None:
            return
        from aoft_tui.services.links import job_links
        from aoft_tui.ui.screens.links_screen import LinksScreen

        self.app.push_screen(LinksScreen(job.id, job_links(job.id, self.app.settings)))  # type: ignore[attr-defined]

    def action_delete_job(self) -> None:
        job: Job | None = self._target_or_toast()  # type: ignore[attr-defined]
        if job is None:
            return
        if not job.status.is_terminal:
            self.notify(f"{job.short_id} is {job.status.value}; only finished jobs (succeeded, failed, cancelled) "  # type: ignore[attr-defined]
                        "can be deleted. Cancel it first (c).", title="Can't delete", severity="warning")  # fmt: skip
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete_job(job.id)

        model = f" Its model {job.fine_tuned_model} is not deleted." if job.fine_tuned_model else ""
        self.app.push_screen(ConfirmScreen(  # type: ignore[attr-defined]
            f"Delete job {job.short_id}?",
            f"{job.id} ({job.status.value}) disappears from the job list for good, with its events and "
            f"checkpoints.{model}",
            confirm_label="Delete job", danger=True), answered)  # fmt: skip

    @work(thread=True, group="job-action", exit_on_error=False)
    def _delete_job(self, job_id: str) -> None:
        try:
            self.app.service.delete_job(job_id)  # type: ignore[attr-defined]
        except ServiceError as err:
            self.post_message(JobDeleteFailed(job_id, err))  # type: ignore[attr-defined]
        except Exception as err:
            self.post_message(JobDeleteFailed(job_id, ServiceError(f"{type(err).__name__}: {err}")))  # type: ignore[attr-defined]
        else:
            self.post_message(JobDeleted(job_id))  # type: ignore[attr-defined]

    def on_job_deleted(self, message: JobDeleted) -> None:
        table = self.table  # type: ignore[attr-defined]
        table.sync([j for j in table.jobs.values() if j.id != message.job_id], self.app.now())  # type: ignore[attr-defined]
        self.notify(f"{message.job_id} is deleted.", title="Job deleted")  # type: ignore[attr-defined]
        self.poll_now()  # type: ignore[attr-defined]

    def on_job_delete_failed(self, message: JobDeleteFailed) -> None:
        self.notify(str(message.error), title=f"Could not delete: {message.error.title}", severity="error")  # type: ignore[attr-defined]
