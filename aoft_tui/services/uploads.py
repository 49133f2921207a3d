"""Uploading a training file (the Files API for ordinary sizes, the Uploads API in parts
above) and waiting until the service has processed it.

Uploads stream the file from disk (never read whole into memory) and report progress per
64 KiB chunk; cancelling aborts the request in flight and, for the Uploads API, cancels
the upload on the server so no half-assembled file is left behind.
"""

from __future__ import annotations

import contextlib
import mimetypes
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from aoft_tui.domain.models import FileInfo, FileStatus
from aoft_tui.services.errors import Cancelled, FileProcessingError, OperationTimeout
from aoft_tui.services.transfer import FileSlice, ProgressTracker, UploadCancelled, raise_if_cancelled

if TYPE_CHECKING:  # the SDK loads lazily (~0.4 s): only at the first request, off the UI thread
    import openai
    from openai.types import FilePurpose

# Azure's Files API takes files up to 512 MB; bigger ones must go through /uploads.
FILES_API_LIMIT = 512 * 1024 * 1024
# The Uploads API's maximum part size.
PART_SIZE = 64 * 1024 * 1024

ProgressCallback = Callable[[int, int], None]


def mime_type_for(path: Path) -> str:
    if path.suffix.lower() == ".jsonl":
        return "application/jsonl"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def upload_with_files_api(
    client: openai.OpenAI,
    path: Path,
    *,
    purpose: FilePurpose,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> dict[str, Any]:
    """One POST /files, exactly once: the SDK's own retries are off for it, because a body
    cut off after the service stored the file (or a dropped link) would make its retry store a
    second copy. Before sending again, the file list is asked whether the first one landed."""
    import openai

    size = path.stat().st_size
    tracker = ProgressTracker(size, progress)
    sent_at = time.time()
    attempts = client.max_retries + 1
    for attempt in range(1, attempts + 1):
        with path.open("rb") as fh:
            body = FileSlice(fh, 0, size, on_read=tracker.part_reader(0), cancel=cancel)
            try:
                created = client.with_options(max_retries=0).files.create(
                    file=(path.name, _sdk_file(body), mime_type_for(path)),
                    purpose=purpose,
                )
                break
            except UploadCancelled:
                raise Cancelled(f"Upload of {path.name} was cancelled; nothing was stored.") from None
            except openai.RateLimitError as exc:  # refused before anything was stored
                if attempt == attempts:
                    raise
                time.sleep(_retry_after(exc.response, attempt))
            except (openai.APIConnectionError, openai.InternalServerError) as exc:  # outcome unknown
                landed = landed_file(client, path.name, size, since=sent_at)
                if landed is not None:
                    tracker.report(size)
                    return landed
                if attempt == attempts:
                    raise
                time.sleep(_retry_after(getattr(exc, "response", None), attempt))
    tracker.report(size)
    return created.to_dict(mode="json")


def _sdk_file(body: FileSlice) -> IO[bytes]:
    # cast: the SDK types a file body as typing.IO[bytes], which no io.RawIOBase (FileSlice) is
    # to typeshed; the SDK only reads it
    return cast("IO[bytes]", body)


def landed_file(client: openai.OpenAI, name: str, size: int, *, since: float) -> dict[str, Any] | None:
    """The file an upload whose answer was lost stored after all: same name and size, created
    since the upload was sent (a second of clock skew allowed)."""
    for listed in client.with_options(max_retries=2).files.list():
        if listed.filename == name and listed.bytes == size and listed.created_at >= int(since) - 1:
            return listed.to_dict(mode="json")
    return None


def _retry_after(response: Any, attempt: int) -> float:
    """The service's Retry-After when it gave one, else a short doubling wait."""
    with contextlib.suppress(AttributeError, KeyError, TypeError, ValueError):
        return min(60.0, float(response.headers["retry-after"]))
    return min(8.0, 0.5 * 2 ** (attempt - 1))


def upload_with_uploads_api(
    client: openai.OpenAI,
    path: Path,
    *,
    purpose: FilePurpose,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    part_size: int = PART_SIZE,
) -> dict[str, Any]:
    """Create an upload, send the file in `part_size` parts, complete it; return the File JSON."""
    size = path.stat().st_size
    tracker = ProgressTracker(size, progress)
    upload = client.uploads.create(
        bytes=size,
        filename=path.name,
        mime_type=mime_type_for(path),
        purpose=purpose,
    )
    part_ids: list[str] = []
    try:
        with path.open("rb") as fh:
            for offset in range(0, max(size, 1), part_size):
                raise_if_cancelled(cancel, f"Upload of {path.name}")
                length = min(part_size, size - offset)
                data = FileSlice(fh, offset, length, on_read=tracker.part_reader(offset), cancel=cancel)
                name = f"{path.name}.part{len(part_ids)}"
                part = client.uploads.parts.create(upload.id, data=(name, _sdk_file(data)))
                part_ids.append(part.id)
        raise_if_cancelled(cancel, f"Upload of {path.name}")
        completed = client.uploads.complete(upload.id, part_ids=part_ids)
    except (UploadCancelled, Cancelled):
        _cancel_quietly(client, upload.id)
        raise Cancelled(f"Upload of {path.name} was cancelled; the partial upload was discarded.") from None
    except BaseException:
        _cancel_quietly(client, upload.id)
        raise
    tracker.report(size)
    file_obj = completed.file
    if file_obj is None:  # pragma: no cover - the API always returns the file on completion
        import openai

        raise openai.OpenAIError(f"Upload {upload.id} completed without a file object")
    return file_obj.to_dict(mode="json")


def _cancel_quietly(client: openai.OpenAI, upload_id: str) -> None:
    # Best effort: the upload expires on its own after an hour if this fails too.
    import openai

    with contextlib.suppress(openai.OpenAIError):
        client.uploads.cancel(upload_id)


def wait_until_processed(
    get_file: Callable[[str], FileInfo],
    file_id: str,
    *,
    timeout: float,
    poll_interval: float,
    on_status: Callable[[FileInfo], None] | None,
    cancel: threading.Event | None,
) -> FileInfo:
    """Poll `get_file` until the file is processed (see FineTuningService.wait_for_file)."""
    deadline = time.monotonic() + timeout
    waiter = cancel or threading.Event()  # sleeping on the cancel event wakes up at once
    while True:
        raise_if_cancelled(cancel, f"Waiting for file {file_id}")
        info = get_file(file_id)
        if on_status is not None:
            on_status(info)
        if info.status is FileStatus.PROCESSED:
            return info
        if info.status in (FileStatus.ERROR, FileStatus.DELETED, FileStatus.DELETING):
            raise FileProcessingError(
                info.status_details or f"the service reports status '{info.status.value}'"
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OperationTimeout(
                f"File {file_id} ({info.filename}) is still '{info.status.value}' after {timeout:.0f} s. "
                "It may still finish: check again later."
            )
        waiter.wait(min(poll_interval, remaining))
