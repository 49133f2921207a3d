"""A submit's file phase: reuse, resume or upload each file, wait until Azure has processed it,
and delete this submit's uploads when it is cancelled."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from aoft_tui.domain.models import FileInfo, FileStatus
from aoft_tui.services.errors import Cancelled, FileProcessingError, NotFoundError, ServiceError
from aoft_tui.services.start_intent import StartIntent
from aoft_tui.services.start_progress import Phase, ProgressSink, StartProgress
from aoft_tui.services.start_resume import landed_upload
from aoft_tui.services.transfer_meter import TransferMeter
from aoft_tui.services.upload_cache import LocalFile, UploadCache, fingerprint

if TYPE_CHECKING:
    from aoft_tui.services.finetuning import FineTuningService

CANCELLED_MESSAGE = "Cancelled: no job was created, and the files this submit uploaded were deleted."


class FileRejected(FileProcessingError):
    """Azure's processing ended in `error`. `status_details` is Azure's text, unchanged."""

    def __init__(self, role: str, path: Path, file_id: str, status_details: str) -> None:
        self.role, self.path, self.file_id, self.status_details = role, path, file_id, status_details
        super().__init__(
            f"Azure rejected the {role} file {path.name} ({file_id}):\n\n{status_details}\n\n"
            f"What to do: fix the file (`aoft-tui validate {path}` lists problems line by line), "
            "then submit again. The rejected upload was deleted."
        )


class SubmitFiles:
    """The files of one submit on the resource; remembers which uploads it made, so a cancel
    deletes those and nothing else."""

    def __init__(
        self,
        service: FineTuningService,
        cache: UploadCache,
        emit: ProgressSink,
        cancel: threading.Event,
        *,
        poll_interval: float,
        file_timeout: float,
    ) -> None:
        self.service = service
        self.cache = cache
        self._emit = emit
        self._cancel = cancel
        self._poll_interval = poll_interval
        self._file_timeout = file_timeout
        self._uploaded_here: set[str] = set()  # file ids this submit made (deleted on cancel)

    def fingerprint(self, role: str, path: Path) -> LocalFile:
        def on_hash(done: int, total: int) -> None:
            self._emit(StartProgress(Phase.HASHING, f"Reading {path.name}", role, done, total))

        return fingerprint(path, progress=on_hash, cancel=self._cancel)

    def prepare(self, role: str, path: Path, local: LocalFile, intent: StartIntent) -> FileInfo:
        """The processed file on the resource for `local`: reused, adopted or uploaded now."""
        reused = self._reusable(role, path, local)
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
        landed = landed_upload(self.service, intent.upload(role), local)
        if landed is not None:
            # An interrupted run's upload reached Azure: adopt it instead of sending it again.
            self.cache.remember(local, landed.id)
            intent.upload_landed(role, local, landed.id)
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
        info = self._upload(role, path, local, intent)
        intent.upload_landed(role, local, info.id)
        # Remembered at once, not when processed: if the wait times out or the network drops,
        # the next submit waits for this upload instead of sending the file a second time.
        self.cache.remember(local, info.id)
        self._check_cancel()
        return self._wait(role, path, info)

    def _reusable(self, role: str, path: Path, local: LocalFile) -> FileInfo | None:
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
            info = self._wait(role, path, info)
        return info

    def _upload(self, role: str, path: Path, local: LocalFile, intent: StartIntent) -> FileInfo:
        # Files that existed before: on cancel, anything new with our name and size is ours;
        # after a kill, the next run recognises our upload the same way.
        existing = self.service.list_files(purpose="fine-tune")
        before = {f.id for f in existing}
        intent.upload_started(
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

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("Cancelled; nothing was created.")

    def clean_up_cancelled(self, prepared: dict[str, FileInfo]) -> None:
        """Delete this submit's uploads and forget `prepared`; says which could not be deleted."""
        self._emit(StartProgress(Phase.CANCELLING, "Cancelling: removing this submit's uploads"))
        left: list[str] = []
        for file_id in sorted(self._uploaded_here):
            self.cache.forget(file_id)
            try:
                self._delete_quietly(file_id)
            except ServiceError as exc:
                left.append(f"{file_id} ({exc.title})")
        self._uploaded_here.clear()
        prepared.clear()
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
