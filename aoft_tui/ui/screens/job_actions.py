"""Cancel / pause / resume / copy for whichever job a screen has selected.

`JobScreen` is the base class of the screens that act on a job (the list, the detail): the
screen provides `action_target() -> Job | None` and, optionally, `on_job_changed(job)` to
show the job the API returned. Each action checks what the status allows
(`JobStatus.can_cancel` …) and says why not when it can't, asks for confirmation, then calls
the service in a thread worker; failures become toasts titled with the error's `title`.
A screen may dim a key its job's status does not allow (`check_action` -> None): pressing
it still explains why, rather than doing nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, work
from textual.message import Message

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import Job
from aoft_tui.services.errors import ServiceError
from aoft_tui.ui.screens.base import AoftScreen
from aoft_tui.ui.screens.confirm import confirm_then

# verb -> (question, consequence, confirm label, JobStatus predicate name, danger)
_ACTIONS = {
    "cancel": ("Cancel job {short}?", "{id} stops for good; it cannot be resumed.", "Cancel job", "can_cancel", True),
    "pause": ("Pause job {short}?", "{id} pauses after its current step; resume it later with r.", "Pause", "can_pause", False),
    "resume": ("Resume job {short}?", "{id} continues from where it paused.", "Resume", "can_resume", False),
}  # fmt: skip
_PARTICIPLE = {"cancel": "cancelled", "pause": "paused", "resume": "resumed"}
_PAST = {"cancel": "Cancellation requested", "pause": "Pause requested", "resume": "Resume requested"}

_VERB_OF_ACTION = {"cancel_job": "cancel", "pause_job": "pause", "resume_job": "resume"}


class JobScreen(AoftScreen[None]):
    """A screen that acts on one selected job; see the module docstring."""

    class ActionDone(Message):
        def __init__(self, verb: str, job: Job) -> None:
            super().__init__()
            self.verb = verb
            self.job = job

    class ActionFailed(Message):
        def __init__(self, verb: str, job_id: str, error: ServiceError) -> None:
            super().__init__()
            self.verb = verb
            self.job_id = job_id
            self.error = error

    def action_target(self) -> Job | None:  # pragma: no cover - the screen overrides it
        raise NotImplementedError

    def on_job_changed(self, job: Job) -> None:
        """Hook: the API answered an action with this job."""

    # --- actions bound to keys ------------------------------------------------------------
    def action_cancel_job(self) -> None:
        self._ask("cancel")

    def action_pause_job(self) -> None:
        self._ask("pause")

    def action_resume_job(self) -> None:
        self._ask("resume")

    def action_copy_id(self) -> None:
        job = self._target_or_toast()
        if job is not None:
            self.app.copy_to_clipboard(job.id)
            self.notify(job.id, title="Copied job id")

    def action_copy_model(self) -> None:
        job = self._target_or_toast()
        if job is None:
            return
        if not job.fine_tuned_model:
            self.notify(
                f"{job.id} has no fine-tuned model yet (status: {job.status.value}).",
                title="Nothing to copy",
                severity="warning",
            )
            return
        self.app.copy_to_clipboard(job.fine_tuned_model)
        self.notify(job.fine_tuned_model, title="Copied model name")

    def on_key(self, event: events.Key) -> None:
        """A job action the screen dimmed (its status does not allow it) still says why."""
        active = self.active_bindings.get(event.key)
        verb = _VERB_OF_ACTION.get(active.binding.action) if active is not None else None
        if verb is not None and active is not None and not active.enabled:
            event.stop()
            self._ask(verb)

    # --- internals ----------------------------------------------------------------------------
    def _target_or_toast(self) -> Job | None:
        job = self.action_target()
        if job is None:
            self.notify("Select a job first.", title="No job selected", severity="warning")
        return job

    def _ask(self, verb: str) -> None:
        job = self._target_or_toast()
        if job is None:
            return
        question, consequence, label, allowed, danger = _ACTIONS[verb]
        if not getattr(job.status, allowed):
            self.notify(
                f"{job.short_id} {fmt.status_phrase(job.status)}; only "
                + {"cancel": "jobs still in progress", "pause": "running jobs", "resume": "paused jobs"}[verb]
                + f" can be {_PARTICIPLE[verb]}.",
                title=f"Can't {verb}",
                severity="warning",
            )
            return
        confirm_then(
            self.app,
            question.format(short=job.short_id),
            consequence.format(id=job.id),
            lambda: self._run_job_action(verb, job.id),
            confirm_label=label,
            danger=danger,
        )

    @work(thread=True, group="job-action", exit_on_error=False)
    def _run_job_action(self, verb: str, job_id: str) -> None:
        service = self.aoft.service
        try:
            job = getattr(service, f"{verb}_job")(job_id)
        except ServiceError as err:
            self.post_message(self.ActionFailed(verb, job_id, err))
        except Exception as err:
            self.post_message(self.ActionFailed(verb, job_id, ServiceError(f"{type(err).__name__}: {err}")))
        else:
            self.post_message(self.ActionDone(verb, job))

    def on_job_screen_action_done(self, message: ActionDone) -> None:
        self.notify(f"{message.job.id} is now {message.job.status.value}.", title=_PAST[message.verb])
        self.on_job_changed(message.job)

    def on_job_screen_action_failed(self, message: ActionFailed) -> None:
        self.notify(
            str(message.error), title=f"Could not {message.verb}: {message.error.title}", severity="error"
        )


if TYPE_CHECKING:
    # A job screen's mixin: to mypy, the JobScreen it is mixed into (as base.ScreenMixin).
    JobScreenMixin = JobScreen
else:
    JobScreenMixin = object
