"""Export one job (e), and cancel / push / export every marked job at once (C, W, E).

Mixins for screens that have `action_target()` / `_target_or_toast()` (JobActionsMixin);
the bulk mixin also needs the screen's `table` (JobsTable with `marked`). One
confirmation lists the jobs the action will touch and the jobs it skips, with why; the
work runs in one thread worker, one job after another, and ends with one toast that
names every job that could not be done — never "done" for a partial run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from aoft_tui.domain.models import Job, JobStatus
from aoft_tui.ui.screens.confirm import confirm_then
from aoft_tui.ui.screens.dashboard_host import DashboardHost
from aoft_tui.ui.screens.job_actions import JobScreenMixin

if TYPE_CHECKING:
    from aoft_tui.services.finetuning import FineTuningService
    from aoft_tui.services.settings import Settings

_NOT_STARTED = frozenset({JobStatus.CREATED, JobStatus.PENDING, JobStatus.VALIDATING_FILES, JobStatus.QUEUED})
_LIST_AT_MOST = 12  # lines of job ids in the confirmation; the rest are counted


def skip_reason(verb: str, job: Job) -> str | None:
    """Why `verb` does not apply to `job` (None: it does)."""
    if verb == "cancel" and not job.status.can_cancel:
        return f"already {job.status.value}"
    if verb == "push" and job.status in _NOT_STARTED:
        return f"{job.status.value}: no training to push yet"
    return None


def split_for(verb: str, jobs: Sequence[Job]) -> tuple[list[Job], list[tuple[Job, str]]]:
    """(jobs the action applies to, [(skipped job, why)])."""
    doable: list[Job] = []
    skipped: list[tuple[Job, str]] = []
    for job in jobs:
        why = skip_reason(verb, job)
        if why is None:
            doable.append(job)
        else:
            skipped.append((job, why))
    return doable, skipped


def confirmation_text(verb: str, doable: Sequence[Job], skipped: Sequence[tuple[Job, str]]) -> str:
    lines = [f"  {job.id} ({job.status.value})" for job in doable[:_LIST_AT_MOST]]
    if len(doable) > _LIST_AT_MOST:
        lines.append(f"  … and {len(doable) - _LIST_AT_MOST} more")
    if skipped:
        lines.append(f"Skipped ({len(skipped)}):")
        lines += [f"  {job.id}: {why}" for job, why in skipped[:_LIST_AT_MOST]]
        if len(skipped) > _LIST_AT_MOST:
            lines.append(f"  … and {len(skipped) - _LIST_AT_MOST} more")
    return "\n".join(lines)


@dataclass
class BulkOutcome:
    verb: str
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (job id, message)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    where: str | None = None  # export: the parent folder


class BulkFinished(Message):
    def __init__(self, outcome: BulkOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class ExportFinished(Message):
    def __init__(self, job_id: str, folder: str | None, error: str | None, notes: list[str]) -> None:
        super().__init__()
        self.job_id, self.folder, self.error, self.notes = job_id, folder, error, notes


def export_parent() -> Path:
    from aoft_tui.services.export import DEFAULT_PARENT

    return DEFAULT_PARENT


class ExportActionMixin(JobScreenMixin):
    """`e`: write the selected job's metrics, events and results file to ./aoft-export/<id>/."""

    def action_export_job(self) -> None:
        job = self._target_or_toast()
        if job is not None:
            self._export_one(job)

    @work(thread=True, group="export", exit_on_error=False)
    def _export_one(self, job: Job) -> None:
        from aoft_tui.services.export import export_job

        try:
            result = export_job(self.aoft.service, job.id, parent=export_parent(), job=job)
        except Exception as err:
            self.post_message(ExportFinished(job.id, None, str(err) or type(err).__name__, []))
        else:
            self.post_message(ExportFinished(job.id, str(result.folder.resolve()), None, result.notes))

    def on_export_finished(self, message: ExportFinished) -> None:
        if message.error is not None:
            self.notify(message.error, title=f"Export of {message.job_id[-8:]} failed", severity="error")
            return
        assert message.folder is not None
        self.app.copy_to_clipboard(message.folder)
        text = "\n".join([message.folder, "(path copied)", *message.notes])
        self.notify(text, title="Exported", timeout=10)


class BulkActionsMixin(DashboardHost):
    """C / W / D: cancel, push to W&B or export every marked job."""

    def action_bulk_cancel(self) -> None:
        self._ask_bulk("cancel")

    def action_bulk_push(self) -> None:
        self._ask_bulk("push")

    def action_bulk_export(self) -> None:
        self._ask_bulk("export")

    def _marked_jobs(self) -> list[Job]:
        table = self.table
        order = {job_id: i for i, job_id in enumerate(table.visible_ids)}
        ids = sorted(table.marked, key=lambda j: (order.get(j, len(order)), j))
        return [table.jobs[j] for j in ids if j in table.jobs]

    def _ask_bulk(self, verb: str) -> None:
        jobs = self._marked_jobs()
        if not jobs:
            self.notify(
                f"Mark jobs with space, then press the key again to {verb} them all.",
                title="No marked jobs",
                severity="warning",
            )
            return
        doable, skipped = split_for(verb, jobs)
        if not doable:
            why = "; ".join(f"{job.short_id}: {reason}" for job, reason in skipped[:_LIST_AT_MOST])
            self.notify(
                f"None of the marked jobs can be {_PARTICIPLE[verb]} ({why}).",
                title=f"Nothing to {verb}",
                severity="warning",
            )
            return
        title = f"{verb.capitalize()} {len(doable)} marked job{'s' * (len(doable) != 1)}?"
        confirm_then(
            self.app,
            title,
            confirmation_text(verb, doable, skipped),
            lambda: self._run_bulk(verb, [j.id for j in doable], [(j.id, why) for j, why in skipped]),
            confirm_label=f"{verb.capitalize()} {len(doable)}",
            danger=verb == "cancel",
        )

    @work(thread=True, group="bulk", exit_on_error=False)
    def _run_bulk(self, verb: str, job_ids: list[str], skipped: list[tuple[str, str]]) -> None:
        outcome = BulkOutcome(verb, skipped=skipped)
        run_one = _runner(verb, self.aoft.service, self.aoft.settings, outcome)
        for job_id in job_ids:
            try:
                run_one(job_id)
            except Exception as err:
                outcome.failed.append((job_id, str(err) or type(err).__name__))
            else:
                outcome.done.append(job_id)
        self.post_message(BulkFinished(outcome))

    def on_bulk_finished(self, message: BulkFinished) -> None:
        o = message.outcome
        total = len(o.done) + len(o.failed)
        lines = [f"{_PARTICIPLE[o.verb].capitalize()} {len(o.done)} of {total}."]
        if o.where and o.done:
            lines.append(f"Folders under {o.where}")
        lines += [f"Failed {job_id}: {error}" for job_id, error in o.failed]
        lines += [f"Skipped {job_id}: {why}" for job_id, why in o.skipped]
        failed = bool(o.failed)
        self.notify(
            "\n".join(lines),
            title=f"Bulk {o.verb}" + (" incomplete" if failed else ""),
            severity="error" if failed else "information",
            timeout=15,
        )
        if o.verb == "cancel":
            self.poll_now()


_PARTICIPLE = {"cancel": "cancelled", "push": "pushed", "export": "exported"}


def _runner(
    verb: str, service: FineTuningService, settings: Settings, outcome: BulkOutcome
) -> Callable[[str], object]:
    if verb == "cancel":
        return service.cancel_job
    if verb == "export":
        from aoft_tui.services.export import export_job

        parent = export_parent()
        outcome.where = str(parent.resolve())
        return lambda job_id: export_job(service, job_id, parent=parent)
    from aoft_tui.services.wandb_push import PushOptions, push_job

    wandb = settings.wandb
    options = PushOptions(project=wandb.project, entity=wandb.entity, mode=wandb.mode)
    return lambda job_id: push_job(service, job_id, options)
