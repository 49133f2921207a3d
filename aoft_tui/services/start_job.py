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
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aoft_tui.domain.models import FileInfo, FileStatus, Job
from aoft_tui.services.errors import (
    OUTCOME_UNKNOWN,
    BadRequestError,
    Cancelled,
    FileProcessingError,
    NotFoundError,
    ServiceError,
)
from aoft_tui.services.job_form import JobOptions
from aoft_tui.services.start_intent import StartIntent, open_intent
from aoft_tui.services.start_resume import landed_job, landed_upload
from aoft_tui.services.transfer_meter import TransferMeter
from aoft_tui.services.upload_cache import LocalFile, UploadCache, fingerprint

if TYPE_CHECKING:
    from aoft_tui.domain.validation import ValidationReport
    from aoft_tui.services.finetuning import FineTuningService

TRAINING = "training"
VALIDATION = "validation"
CANCELLED_MESSAGE = "Cancelled: no job was created, and the files this submit uploaded were deleted."


class Phase(StrEnum):
    HASHING = "hashing"
    REUSED = "reused"
    UPLOADING = "uploading"
    PROCESSING = "processing"
    CREATING = "creating"
    CREATED = "created"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    RESUMING = "resuming"


@dataclass(frozen=True, slots=True)
class StartProgress:
    phase: Phase
    message: str
    role: str | None = None  # "training" | "validation"
    done: int = 0
    total: int = 0
    rate: float | None = None  # bytes per second
    eta: float | None = None  # seconds
    file_status: str | None = None


ProgressSink = Callable[[StartProgress], None]


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


class FileRejected(FileProcessingError):
    """Azure's processing ended in `error`. `status_details` is Azure's text, unchanged."""

    def __init__(self, role: str, path: Path, file_id: str, status_details: str) -> None:
        self.role, self.path, self.file_id, self.status_details = role, path, file_id, status_details
        super().__init__(
            f"Azure rejected the {role} file {path.name} ({file_id}):\n\n{status_details}\n\n"
            f"What to do: fix the file (`aoft-tui validate {path}` lists problems line by line), "
            "then submit again. The rejected upload was deleted."
        )


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
        self._poll_interval = poll_interval
        self._file_timeout = file_timeout
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._creating = False
        self._uploaded_here: set[str] = set()  # file ids this submit made (deleted on cancel)
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
                for role, path in self.request.files():
                    if role not in self.files:
                        self.files[role] = self._prepare(role, path, self._locals[role])
                with self._lock:
                    if self._cancel.is_set():
                        raise Cancelled("Cancelled before the job was created.")
                    self._creating = True
            except Cancelled:
                try:
                    self._clean_up_cancelled()
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
                self._locals[role] = self._fingerprint(role, path)
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

    def _fingerprint(self, role: str, path: Path) -> LocalFile:
        def on_hash(done: int, total: int) -> None:
            self._emit(StartProgress(Phase.HASHING, f"Reading {path.name}", role, done, total))

        return fingerprint(path, progress=on_hash, cancel=self._cancel)

    def _prepare(self, role: str, path: Path, local: LocalFile) -> FileInfo:
        reused = self._reusable(role, local)
        if reused is not None:
            self._emit(
                StartProgress(
                    Phase.REUSED,
                    f"Reusing {reused.id} for {path.name}",
                    role,
                    local.size,
                    local.size,
                    file_status=str(reused.status),
                )
            )
            return reused
        assert self.intent is not None
        landed = landed_upload(self.service, self.intent.upload(role), local)
        if landed is not None:
            # An interrupted run's upload reached Azure: adopt it instead of sending it again.
            self.cache.remember(local, landed.id)
            self.intent.upload_landed(role, local, landed.id)
            self._uploaded_here.add(landed.id)
            self._emit(
                StartProgress(
                    Phase.REUSED,
                    f"Found {landed.id}: the interrupted run's upload of {path.name} reached Azure",
                    role,
                    local.size,
                    local.size,
                    file_status=str(landed.status),
                )
            )
            return landed if landed.status is FileStatus.PROCESSED else self._wait(role, path, landed)
        info = self._upload(role, path, local)
        self.intent.upload_landed(role, local, info.id)
        # Remembered at once, not when processed: if the wait times out or the network drops,
        # the next submit waits for this upload instead of sending the file a second time.
        self.cache.remember(local, info.id)
        self._check_cancel()
        return self._wait(role, path, info)

    def _reusable(self, role: str, local: LocalFile) -> FileInfo | None:
        cached = self.cache.get(local)
        if cached is None:
            return None
        try:
            info = self.service.get_file(cached.file_id)
        except NotFoundError:
            info = None
        if info is None or info.status in (FileStatus.ERROR, FileStatus.DELETED, FileStatus.DELETING):
            self.cache.forget(cached.file_id)
            return None
        if info.status is not FileStatus.PROCESSED:
            # An earlier upload of ours still being processed: wait for it, don't upload twice.
            info = self._wait(
                role, self.request.training if role == TRAINING else self.request.validation, info
            )
        return info

    def _upload(self, role: str, path: Path, local: LocalFile) -> FileInfo:
        # Files that existed before: on cancel, anything new with our name and size is ours;
        # after a kill, the next run recognises our upload the same way.
        existing = self.service.list_files(purpose="fine-tune")
        before = {f.id for f in existing}
        assert self.intent is not None
        self.intent.upload_started(
            role, local, {f.id for f in existing if f.filename == local.name and f.bytes == local.size}
        )
        meter = TransferMeter(local.size)

        def on_bytes(sent: int, total: int) -> None:
            meter.total = total or local.size
            meter.update(sent)
            self._emit(
                StartProgress(
                    Phase.UPLOADING, f"Uploading {path.name}", role, sent, meter.total, meter.rate, meter.eta
                )
            )

        on_bytes(0, local.size)
        try:
            info = self.service.upload_file(path, purpose="fine-tune", progress=on_bytes, cancel=self._cancel)
        except Cancelled:
            self._adopt_strays(local, before)
            raise
        self._uploaded_here.add(info.id)
        return info

    def _wait(self, role: str, path: Path | None, info: FileInfo) -> FileInfo:
        name = path.name if path else info.filename

        def on_status(current: FileInfo) -> None:
            self._emit(
                StartProgress(
                    Phase.PROCESSING,
                    f"Azure is processing {name}: {current.status}",
                    role,
                    file_status=str(current.status),
                )
            )

        on_status(info)
        try:
            return self.service.wait_for_file(
                info.id,
                timeout=self._file_timeout,
                poll_interval=self._poll_interval,
                on_status=on_status,
                cancel=self._cancel,
            )
        except FileProcessingError as exc:
            # A rejected upload (ours: it came from the cache or from this submit) is of no
            # use to anyone: don't leave it behind.
            self.cache.forget(info.id)
            self._delete_quietly(info.id)
            raise FileRejected(role, path or Path(name), info.id, str(exc)) from None

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

    # --- cancellation and clean-up ------------------------------------------------------------
    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("Cancelled; nothing was created.")

    def _clean_up_cancelled(self) -> None:
        self._emit(StartProgress(Phase.CANCELLING, "Cancelling: removing this submit's uploads"))
        left: list[str] = []
        for file_id in sorted(self._uploaded_here):
            self.cache.forget(file_id)
            try:
                self._delete_quietly(file_id)
            except ServiceError as exc:
                left.append(f"{file_id} ({exc.title})")
        self._uploaded_here.clear()
        self.files.clear()
        if left:
            raise Cancelled(
                "Cancelled; no job was created, but these uploads could not be deleted: "
                f"{', '.join(left)}. Delete them in Azure AI Foundry (Data files) or retry later."
            )
        self._emit(StartProgress(Phase.CANCELLED, CANCELLED_MESSAGE))

    def _adopt_strays(self, local: LocalFile, before: set[str]) -> None:
        """A cancel can race the upload's last byte: a file that appeared during it, with our
        name and size, is this submit's and is deleted with the rest."""
        with contextlib.suppress(ServiceError):
            for f in self.service.list_files(purpose="fine-tune"):
                if f.id not in before and f.filename == local.name and f.bytes == local.size:
                    self._uploaded_here.add(f.id)

    def _delete_quietly(self, file_id: str) -> None:
        with contextlib.suppress(NotFoundError):
            self.service.delete_file(file_id)
