"""The new-job form's submit: the pre-flight check and the upload-and-create workers, their
messages, and the busy/outcome display they drive (NewJobScreen inherits it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from aoft_tui.domain.formatting import byte_size
from aoft_tui.services.errors import OUTCOME_UNKNOWN, Cancelled, ServiceError
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.start_job import JobStarter, estimate_line, preflight, problem_counts, throttled
from aoft_tui.services.validation_run import ChildValidation, ValidationCancelled
from aoft_tui.ui.screens.new_job_widgets import SubmitProgress, confirm_text, problem_line

if TYPE_CHECKING:
    from aoft_tui.domain.validation import ValidationReport
    from aoft_tui.services.start_job import StartProgress, StartRequest
    from aoft_tui.ui.screens.base import AoftScreen

    _FormScreen = AoftScreen[str | None]  # what this is mixed into (mypy sees its methods)
else:
    _FormScreen = object


class NewJobSubmitMixin(_FormScreen):
    # How often Azure is asked whether an upload is processed (seconds).
    file_poll_interval = 2.0

    service: FineTuningService
    starter: JobStarter | None
    busy: bool  # a pre-flight or a submit is running
    preflight_run: ChildValidation | None  # the pre-flight's child process
    _report_lines: list[str]
    _report_file: Path | None  # the file the first problem is in
    _retry: JobStarter | None  # kept after an unsure create failure

    # What the workers report (posted from their threads; handled on the UI thread).
    @dataclass
    class PreflightFailed(Message):
        text: str

    @dataclass
    class PreflightDone(Message):
        request: StartRequest
        report: ValidationReport

    @dataclass
    class Progressed(Message):
        progress: StartProgress

    @dataclass
    class StartFailed(Message):
        starter: JobStarter
        error: ServiceError

    @dataclass
    class Started(Message):
        job_id: str

    @dataclass
    class PreflightProgressed(Message):
        done: int
        total: int
        lines: int

    # --- pre-flight -----------------------------------------------------------------------------
    def _start_preflight(self, request: StartRequest) -> None:
        self._set_busy(True, "Checking the files…")
        self.preflight_run = ChildValidation(on_progress=self._preflight_progress_from_thread)
        self._run_preflight(request, self.preflight_run)

    @work(thread=True, exclusive=True, group="new-job", exit_on_error=False)
    def _run_preflight(self, request: StartRequest, run: ChildValidation) -> None:
        from aoft_tui.domain.validation import DatasetIOError

        try:
            prices = self.aoft.settings.prices or None
            # In a child process: this app's threads and stdio rule out the validator's
            # own worker processes here (services/validation_run.py).
            report = preflight(request, prices=prices, validate=run.validate_file)
        except ValidationCancelled:
            return  # escape said so
        except DatasetIOError as exc:
            self.post_message(self.PreflightFailed(str(exc)))
            return
        except Exception as exc:
            self.post_message(self.PreflightFailed(f"The pre-flight check failed: {exc!r}"))
            return
        if not get_current_worker().is_cancelled:  # escape abandons a slow check
            self.post_message(self.PreflightDone(request, report))

    def _preflight_progress_from_thread(self, done: int, total: int, lines: int) -> None:
        self.post_message(self.PreflightProgressed(done, total, lines))

    def on_new_job_submit_mixin_preflight_progressed(self, message: PreflightProgressed) -> None:
        if self.busy and self.starter is None and self.preflight_run is not None:
            self._show_outcome(
                f"Checking the files… {byte_size(message.done)} of {byte_size(message.total)} "
                f"({message.lines:,} lines)"
            )

    def on_new_job_submit_mixin_preflight_failed(self, message: PreflightFailed) -> None:
        self.preflight_run = None
        self._set_busy(False)
        self._show_outcome(message.text, error=True)

    def on_new_job_submit_mixin_preflight_done(self, message: PreflightDone) -> None:
        request, report = message.request, message.report
        self.preflight_run = None
        self._set_busy(False)
        problems = list(report.errors) + list(report.warnings)
        n_errors, n_warnings = problem_counts(report)
        self._report_file = Path(problems[0].file) if problems else request.training
        self._report_lines = [problem_line(p) for p in problems]
        if len(problems) < n_errors + n_warnings:
            self._report_lines.append(
                f"… {n_errors + n_warnings} problems in all; "
                f"`aoft-tui validate {request.training}` lists them."
            )
        estimate = estimate_line(report)
        self.query_one("#estimate", Static).update(estimate)
        if report.has_errors:
            self._show_outcome(
                f"Pre-flight: {n_errors} error(s), {n_warnings} warning(s). "
                "Nothing was uploaded. Press ctrl+r for the report.",
                error=True,
            )
            return
        from aoft_tui.ui.screens.confirm import ConfirmScreen

        title, text = confirm_text(request, report, estimate)

        def answered(yes: bool | None) -> None:
            if yes:
                self._launch(
                    JobStarter(
                        self.service,
                        request,
                        on_progress=throttled(self._progress_from_thread),
                        poll_interval=self.file_poll_interval,
                    )
                )
            else:
                self._show_outcome("Not started.")

        self.app.push_screen(ConfirmScreen(title, text, confirm_label="Start"), answered)

    # --- upload and create ---------------------------------------------------------------------
    def _launch(self, starter: JobStarter) -> None:
        self.starter = starter
        self._set_busy(True)
        self.query_one(SubmitProgress).say("Starting…")
        self.query_one("#progress").display = True
        self._run_starter(starter)

    def _progress_from_thread(self, progress: StartProgress) -> None:
        self.post_message(self.Progressed(progress))

    @work(thread=True, exclusive=True, group="new-job", exit_on_error=False)
    def _run_starter(self, starter: JobStarter) -> None:
        try:
            job = starter.run()
        except ServiceError as exc:
            self.post_message(self.StartFailed(starter, exc))
        except OSError as exc:  # the file changed or vanished between check and upload
            self.post_message(self.StartFailed(starter, ServiceError(f"Cannot read a file: {exc}")))
        else:
            self.post_message(self.Started(job.id))

    def on_new_job_submit_mixin_started(self, message: Started) -> None:
        self.dismiss(message.job_id)

    def on_new_job_submit_mixin_progressed(self, message: Progressed) -> None:
        self.query_one(SubmitProgress).show(message.progress)

    def on_new_job_submit_mixin_start_failed(self, message: StartFailed) -> None:
        starter, error = message.starter, message.error
        self._set_busy(False)
        self.starter = None
        self.query_one("#progress").display = False
        if isinstance(error, Cancelled):
            self._show_outcome(str(error))
            return
        self._retry = starter if isinstance(error, OUTCOME_UNKNOWN) else None
        hint = "\nPress ctrl+s to retry (safe: it cannot make a second job)." if self._retry else ""
        self._show_outcome(f"{error.title}: {error}{hint}", error=True)
        self.notify(str(error).split("\n", 1)[0], title=error.title, severity="error")

    def action_cancel_upload(self) -> None:
        if self.starter is None or not self.busy:
            return
        if self.starter.cancel():
            self.query_one(SubmitProgress).say("Cancelling…")
        else:
            self.notify(
                "The job is being created and can no longer be cancelled here; "
                "cancel it from the dashboard once it appears.",
                severity="warning",
            )

    def action_guarded_quit(self) -> None:
        if self.busy and self.starter is not None:
            self.notify(
                "A submit is in flight: press escape to cancel it (its uploads are deleted), then quit.",
                title="Still uploading",
                severity="warning",
            )
        else:
            self.app.exit()

    # --- busy and outcome ----------------------------------------------------------------------
    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        self.query_one("#form").disabled = busy
        if busy:
            self._show_outcome(message)
            self.set_focus(None)
        self.refresh_bindings()

    def _show_outcome(self, message: str, *, error: bool = False) -> None:
        outcome = self.query_one("#outcome", Static)
        outcome.update(message)
        outcome.set_class(error, "-error")
