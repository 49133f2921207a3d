"""The dashboard's ways out to the other screens (a job's detail, the validator, the new-job
form, W&B push, deploy, deployments, files, a job's links), and deleting a finished job.

A mixin for `MainScreen` (kept apart so the dashboard module stays small): the screen
provides `_target_or_toast()` (JobScreen), `table`, `poll_now()` and `_select_when_loaded`
(declared in dashboard_host.DashboardHost).
A feature's screen is imported only when its key is pressed (fast start-up).

Deleting a job is the spec's FineTuning_Delete (DELETE /fine_tuning/jobs/{id}); Azure
accepts it for finished jobs only (succeeded, failed, cancelled), so only those are offered.
"""

from __future__ import annotations

import importlib

from textual import work
from textual.message import Message

from aoft_tui.domain.models import Job
from aoft_tui.services.errors import ServiceError
from aoft_tui.ui.screens.confirm import confirm_then
from aoft_tui.ui.screens.dashboard_host import DashboardHost


class JobDeleted(Message):
    def __init__(self, job_id: str) -> None:
        super().__init__()
        self.job_id = job_id


class JobDeleteFailed(Message):
    def __init__(self, job_id: str, error: ServiceError) -> None:
        super().__init__()
        self.job_id = job_id
        self.error = error


class MainViewsMixin(DashboardHost):
    """Mixed into MainScreen; see the module docstring."""

    def action_open_detail(self) -> None:
        job = self._target_or_toast()
        screen_cls = self._screen_class("job_detail", "JobDetailScreen", "Job detail")
        if job and screen_cls:
            self.app.push_screen(screen_cls(job.id))

    def action_validate(self) -> None:
        screen_cls = self._screen_class("validate_screen", "ValidateScreen", "Dataset validation")
        if screen_cls:
            self.app.push_screen(screen_cls(prices=self.aoft.settings.prices))

    def action_new_job(self) -> None:
        screen_cls = self._screen_class("new_job_screen", "NewJobScreen", "New job")
        if screen_cls:
            self.app.push_screen(screen_cls(self.aoft.service), self._new_job_done)

    def action_clone_job(self) -> None:
        job = self._target_or_toast()
        if job is not None:
            from aoft_tui.ui.screens.new_job_launch import open_clone

            open_clone(self, job, self._new_job_done)

    def _new_job_done(self, job_id: str | None) -> None:
        if job_id:
            self._select_when_loaded = job_id
            self.poll_now()

    def action_push_wandb(self) -> None:
        job = self._target_or_toast()
        screen_cls = self._screen_class("push_screen", "PushScreen", "Push to W&B")
        if job and screen_cls:
            self.app.push_screen(screen_cls(self.aoft.service, job.id, self.aoft.settings))

    def action_deploy_job(self) -> None:
        job = self._target_or_toast()
        if job is None:
            return
        if not job.fine_tuned_model:
            self.notify(
                f"{job.id} has no fine-tuned model to deploy (status: {job.status.value}).",
                title="Nothing to deploy",
                severity="warning",
            )
            return
        dialog = self._screen_class("deploy_dialog", "DeployDialog", "Deploy")
        if dialog:
            self.app.push_screen(dialog(job), self._deployed)

    def _deployed(self, name: str | None) -> None:
        if name:
            self.action_deployments(select=name)

    def action_deployments(self, select: str | None = None) -> None:
        screen_cls = self._screen_class("deployments_screen", "DeploymentsScreen", "Deployments")
        if screen_cls:
            self.app.push_screen(screen_cls(select=select))

    def _screen_class(self, module: str, name: str, feature: str) -> type | None:
        """Import a feature's screen only when its key is pressed (fast start-up)."""
        try:
            return getattr(importlib.import_module(f"aoft_tui.ui.screens.{module}"), name)
        except ImportError as err:
            self.notify(
                f"{feature} is not available in this build ({err}).",
                title="Not available",
                severity="warning",
            )
        except Exception as err:
            self.notify(
                f"{feature} failed to load: {type(err).__name__}: {err}",
                title="Screen failed",
                severity="error",
            )
        return None

    def action_open_files(self) -> None:
        from aoft_tui.ui.screens.files_screen import FilesScreen

        self.app.push_screen(FilesScreen())

    def action_open_links(self) -> None:
        job: Job | None = self._target_or_toast()
        if job is None:
            return
        from aoft_tui.services.links import job_links
        from aoft_tui.ui.screens.links_screen import LinksScreen

        self.app.push_screen(LinksScreen(job.id, job_links(job.id, self.aoft.settings)))

    def action_delete_job(self) -> None:
        job: Job | None = self._target_or_toast()
        if job is None:
            return
        if not job.status.is_terminal:
            self.notify(
                f"{job.short_id} is {job.status.value}; only finished jobs (succeeded, failed, cancelled) "
                "can be deleted. Cancel it first (c).",
                title="Can't delete",
                severity="warning",
            )
            return
        model = f" Its model {job.fine_tuned_model} is not deleted." if job.fine_tuned_model else ""
        confirm_then(
            self.app,
            f"Delete job {job.short_id}?",
            f"{job.id} ({job.status.value}) disappears from the job list for good, with its events and "
            f"checkpoints.{model}",
            lambda: self._delete_job(job.id),
            confirm_label="Delete job",
            danger=True,
        )

    @work(thread=True, group="job-action", exit_on_error=False)
    def _delete_job(self, job_id: str) -> None:
        try:
            self.aoft.service.delete_job(job_id)
        except ServiceError as err:
            self.post_message(JobDeleteFailed(job_id, err))
        except Exception as err:
            self.post_message(JobDeleteFailed(job_id, ServiceError(f"{type(err).__name__}: {err}")))
        else:
            self.post_message(JobDeleted(job_id))

    def on_job_deleted(self, message: JobDeleted) -> None:
        table = self.table
        table.sync([j for j in table.jobs.values() if j.id != message.job_id], self.aoft.now())
        self.notify(f"{message.job_id} is deleted.", title="Job deleted")
        self.poll_now()

    def on_job_delete_failed(self, message: JobDeleteFailed) -> None:
        self.notify(str(message.error), title=f"Could not delete: {message.error.title}", severity="error")
