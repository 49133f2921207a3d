"""Start a fine-tuning job from local files: pre-flight → upload → wait → create (no Textual).

One `JobStarter` is one confirmed submit. It reports `StartProgress` through a callback
(from whatever thread runs it), so the CLI prints lines and the TUI moves a ProgressBar
from the same code. The rules it keeps:

- a file already on the resource (same name, size, SHA-256, still processed) is reused;
- a cancelled submit creates nothing and leaves no file of its own behind;
- exactly one job per submit: one idempotency key, made once, reused on every retry,
  and before a retry the recent jobs are searched for one that already landed;
- across processes too: the intent is written down before anything is sent
  (services.start_intent), so a run after a kill -9 finds the upload or the job that
  landed instead of sending it again (services.start_resume).

The file phase is in services.start_files, the progress reports in services.start_progress.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aoft_tui.domain.models import FileInfo, Job
from aoft_tui.services.errors import OUTCOME_UNKNOWN, BadRequestError, Cancelled
from aoft_tui.services.job_form import JobOptions
from aoft_tui.services.start_files import CANCELLED_MESSAGE, FileRejected, SubmitFiles
from aoft_tui.services.start_intent import StartIntent, open_intent
from aoft_tui.services.start_progress import Phase, ProgressSink, StartProgress
from aoft_tui.services.start_resume import landed_job
from aoft_tui.services.upload_cache import LocalFile, UploadCache

if TYPE_CHECKING:
    from aoft_tui.domain.validation import ValidationReport
    from aoft_tui.services.finetuning import FineTuningService

TRAINING = "training"
VALIDATION = "validation"


def throttled(
    sink: ProgressSink, interval: float = 0.1, *, clock: Callable[[], float] = time.monotonic
) -> ProgressSink:
    """Pass on every change of step, file or status, but byte counts at most every
    `interval` seconds (and the last one): an upload reports every 64 KiB, and a UI that
    handles each report in turn would slow the upload down."""
    last_key: list[tuple | None] = [None]
    last_time = [float("-inf")]

    def forward(p: StartProgress) -> None:
        key = (p.phase, p.role, p.file_status)
        now = clock()
        final = p.total > 0 and p.done >= p.total
        if key == last_key[0] and not final and now - last_time[0] < interval:
            return
        last_key[0], last_time[0] = key, now
        sink(p)

    return forward


@dataclass(frozen=True, slots=True)
class StartRequest:
    training: Path
    options: JobOptions
    validation: Path | None = None

    def files(self) -> list[tuple[str, Path]]:
        pairs = [(TRAINING, self.training)]
        if self.validation is not None:
            pairs.append((VALIDATION, self.validation))
        return pairs


def preflight(
    request: StartRequest,
    *,
    prices: dict[str, float] | None = None,
    validate: Callable[..., ValidationReport] | None = None,
) -> ValidationReport:
    """Validate both files for the chosen model and method (raises DatasetIOError on I/O).
    `validate` stands in for validate_file (the TUI's runs in a child process)."""
    if validate is None:
        from aoft_tui.domain.validation import validate_file

        validate = validate_file

    opts = request.options
    return validate(
        request.training,
        validation=request.validation,
        model=opts.model,
        method=opts.method,
        n_epochs=opts.hyperparameters.get("n_epochs"),
        prices=prices,
    )


def _stat(stats: Any, name: str) -> Any:
    if isinstance(stats, dict):
        return stats.get(name)
    return getattr(stats, name, None)


def problem_counts(report: ValidationReport) -> tuple[int, int]:
    """(errors, warnings) in total — the report lists only the first few of each kind."""
    errors = getattr(report, "error_count", None)
    warnings = getattr(report, "warning_count", None)
    return (
        len(report.errors) if errors is None else errors,
        len(report.warnings) if warnings is None else warnings,
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def estimate_line(report: ValidationReport) -> str:
    """`≈ 1,234,567 billed tokens (3 epochs) · ≈ $3.70` — what the submit will cost."""
    tokens, epochs = _stat(report.stats, "billed_tokens"), _stat(report.stats, "epochs")
    cost = _stat(report.stats, "est_cost_usd")
    parts = []
    if tokens is not None:
        parts.append(f"≈ {tokens:,} billed tokens" + (f" ({_plural(epochs, 'epoch')})" if epochs else ""))
    parts.append(f"≈ ${cost:,.2f}" if cost is not None else "cost: no price known for this model")
    return " · ".join(parts)


class JobStarter:
    """One submit. `run()` may be called again after a failure: it keeps the files it has and
    the same idempotency key, so a retry never makes a second job.

    The intent of the submit lives on disk until the job exists (see services.start_intent):
    a later run of the same request — in this process or the next — resumes it. With
    `keep_intent=True` the caller clears it with `finish()` once it has reported the job
    (the CLI, after printing the id), so a kill in between still resumes to the same job."""

    def __init__(
        self,
        service: FineTuningService,
        request: StartRequest,
        *,
        on_progress: ProgressSink | None = None,
        cache: UploadCache | None = None,
        poll_interval: float = 2.0,
        file_timeout: float = 1800.0,
        intents_dir: Path | None = None,
        keep_intent: bool = False,
    ) -> None:
        self.service = service
        self.request = request
        self.idempotency_key = f"aoft-tui-{uuid.uuid4()}"
        self.cache = cache if cache is not None else UploadCache(service.endpoint)
        self.job: Job | None = None
        self.files: dict[str, FileInfo] = {}
        self._emit = on_progress or (lambda _p: None)
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._creating = False
        self._files = SubmitFiles(
            service,
            self.cache,
            self._emit,
            self._cancel,
            poll_interval=poll_interval,
            file_timeout=file_timeout,
        )
        self._jobs_before: set[str] | None = None
        self._create_attempts = 0
        self._intents_dir = intents_dir
        self._keep_intent = keep_intent
        self._locals: dict[str, LocalFile] = {}
        self.intent: StartIntent | None = None

    # --- control ---------------------------------------------------------------------------
    def cancel(self) -> bool:
        """Ask the running submit to stop. False once the create request is under way:
        from then on the job is the user's and is cancelled like any other."""
        with self._lock:
            if self._creating:
                return False
            self._cancel.set()
            return True

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    # --- the state machine ---------------------------------------------------------------------
    def run(self) -> Job:
        if self.job is not None:
            return self.job
        try:
            try:
                self._open_intent()
                assert self.intent is not None
                for role, path in self.request.files():
                    if role not in self.files:
                        self.files[role] = self._files.prepare(role, path, self._locals[role], self.intent)
                with self._lock:
                    if self._cancel.is_set():
                        raise Cancelled("Cancelled before the job was created.")
                    self._creating = True
            except Cancelled:
                try:
                    self._files.clean_up_cancelled(self.files)
                finally:
                    self.finish()  # nothing of this submit is left to resume
                raise Cancelled(CANCELLED_MESSAGE) from None
            self.job = self._create()
        except (FileRejected, BadRequestError):
            self.finish()  # refused for good: a rerun starts afresh
            raise
        finally:
            if self.job is None and self.intent is not None:
                self.intent.release()  # kept on disk: the next run resumes it
        self._emit(StartProgress(Phase.CREATED, f"Created {self.job.id}"))
        if not self._keep_intent:
            self.finish()
        return self.job

    def finish(self) -> None:
        """The submit is over (the job was reported, or nothing is left to resume)."""
        if self.intent is not None:
            self.intent.clear()

    def _open_intent(self) -> None:
        for role, path in self.request.files():
            if role not in self._locals:
                self._locals[role] = self._files.fingerprint(role, path)
        if self.intent is None:
            self.intent = open_intent(
                self.service.endpoint, self._locals, asdict(self.request.options), self._intents_dir
            )
        self.intent.acquire()
        self.idempotency_key = self.intent.idempotency_key
        if self.intent.resumed:
            self._emit(
                StartProgress(
                    Phase.RESUMING,
                    "Resuming the start interrupted at "
                    f"{self.intent.started_at}: looking for what already reached Azure",
                )
            )
        else:
            self.intent.save()  # before anything is sent

    def _create(self) -> Job:
        spec = self.request.options.spec(
            self.files[TRAINING].id, self.files[VALIDATION].id if VALIDATION in self.files else None
        )
        self._emit(StartProgress(Phase.CREATING, f"Creating the {spec.method} job on {spec.model}"))
        intent = self.intent
        assert intent is not None
        if self._jobs_before is None and intent.create_sent and intent.jobs_before is not None:
            # An interrupted run sent the create: did it land? (Azure need not honour the key.)
            self._jobs_before = intent.jobs_before
            if (landed := self._landed_job(spec)) is not None:
                self._emit(
                    StartProgress(
                        Phase.RESUMING, f"Found {landed.id}: the interrupted run's create reached Azure"
                    )
                )
                return landed
        elif self._jobs_before is None:
            self._jobs_before = {j.id for j in self.service.list_jobs()}
            intent.create_sending(self._jobs_before)
        elif self._create_attempts and (landed := self._landed_job(spec)) is not None:
            with contextlib.suppress(OSError):
                self.cache.remember_request(landed.id, spec.hyperparameters)
            return landed  # the earlier attempt reached Azure after all
        self._create_attempts += 1
        try:
            job = self.service.create_job(spec, idempotency_key=self.idempotency_key)
        except BadRequestError as exc:
            raise BadRequestError(
                f"{exc}\n\nNo job was created. Fix the value above and submit again; "
                "the uploaded files are kept and will be reused.",
                status_code=exc.status_code,
            ) from None
        except OUTCOME_UNKNOWN as exc:
            raise type(exc)(
                f"{exc}\n\nThe job may or may not have been created. Retrying is safe: "
                "the retry first looks for it and reuses the same request key, so at most one job results.",
                status_code=exc.status_code,
            ) from None
        with contextlib.suppress(OSError):  # a record for failure triage; the job exists either way
            self.cache.remember_request(job.id, spec.hyperparameters)
        return job

    def _landed_job(self, spec: Any) -> Job | None:
        return landed_job(self.service, spec, self._jobs_before or set())
