"""The Files and Uploads API calls of FineTuningService: list, upload, wait, download, delete."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aoft_tui.domain.models import FileInfo
from aoft_tui.services import uploads
from aoft_tui.services.api_mapping import as_dict, file_from_api
from aoft_tui.services.errors import LocalFileError
from aoft_tui.services.service_core import ServiceCore
from aoft_tui.services.transfer import raise_if_cancelled, write_decoded

if TYPE_CHECKING:
    from openai.types import FilePurpose

# progress(bytes_sent, bytes_total)
ProgressCallback = Callable[[int, int], None]
# on_status(file_info) while waiting for processing
FileStatusCallback = Callable[[FileInfo], None]


class FileCalls(ServiceCore):
    """File operations on one resource; uploads above `large_file_threshold` go through the
    Uploads API in parts of `part_size` (set by FineTuningService)."""

    large_file_threshold: int
    part_size: int

    def get_file(self, file_id: str) -> FileInfo:
        with self._errors(f"File {file_id}"):
            return file_from_api(as_dict(self._client.files.retrieve(file_id)))

    def list_files(self, purpose: str | None = None) -> list[FileInfo]:
        with self._errors():
            pages = self._client.files.list(purpose=purpose) if purpose else self._client.files.list()
            return [file_from_api(as_dict(f)) for f in pages]

    def upload_file(
        self,
        path: Path,
        *,
        purpose: FilePurpose = "fine-tune",
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        large_file_threshold: int | None = None,
    ) -> FileInfo:
        """Upload (Files API, or the Uploads API in parts above its size limit)."""
        path = Path(path)
        raise_if_cancelled(cancel, f"Upload of {path.name}")
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise LocalFileError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        threshold = self.large_file_threshold if large_file_threshold is None else large_file_threshold
        with self._errors(f"Upload of {path.name}"):
            if size > threshold:
                raw = uploads.upload_with_uploads_api(
                    self._client,
                    path,
                    purpose=purpose,
                    progress=progress,
                    cancel=cancel,
                    part_size=self.part_size,
                )
            else:
                raw = uploads.upload_with_files_api(
                    self._client, path, purpose=purpose, progress=progress, cancel=cancel
                )
        return file_from_api(raw)

    def wait_for_file(
        self,
        file_id: str,
        *,
        timeout: float = 1800.0,
        poll_interval: float = 2.0,
        on_status: FileStatusCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> FileInfo:
        """Poll until `processed`; raise FileProcessingError with Azure's status_details on
        `error`, OperationTimeout after `timeout`."""
        return uploads.wait_until_processed(
            self.get_file,
            file_id,
            timeout=timeout,
            poll_interval=poll_interval,
            on_status=on_status,
            cancel=cancel,
        )

    def _read_file_bytes(self, file_id: str) -> bytes:
        with self._errors(f"File {file_id}"):
            return self._client.files.content(file_id).read()

    def download_file(self, file_id: str, dest: Path) -> Path:
        """Stream a file's content to `dest` (base64-encoded content is decoded)."""
        dest = Path(dest)
        with (
            self._errors(f"File {file_id}"),
            self._client.files.with_streaming_response.content(file_id) as response,
        ):
            try:
                write_decoded(response.iter_bytes(), dest)
            except OSError as exc:
                raise LocalFileError(f"Cannot write {dest}: {exc.strerror or exc}.") from None
        return dest

    def delete_file(self, file_id: str) -> None:
        with self._errors(f"File {file_id}"):
            self._client.files.delete(file_id)
