"""Find what an earlier, interrupted run of the same start already put on Azure (no Textual).

Used with the intent an earlier run wrote down (services.start_intent) before it sent
anything: an upload is ours when a file with our name and size appeared that was not there
before we sent it, and — when it is small enough to read back — has our bytes; a job is
ours when it was not there before our create and matches the request.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aoft_tui.domain.models import FileInfo, FileStatus, Job
from aoft_tui.services import settings as settings_mod
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.upload_cache import LocalFile

if TYPE_CHECKING:
    from aoft_tui.services.finetuning import FineTuningService

# Read a candidate upload back to compare its hash up to this size; above it, a file with
# our name and size that appeared after our upload began is evidence enough.
VERIFY_CONTENT_UP_TO = 64 * 1024 * 1024
_GONE = (FileStatus.ERROR, FileStatus.DELETED, FileStatus.DELETING)


def landed_upload(
    service: FineTuningService, entry: dict[str, Any] | None, local: LocalFile
) -> FileInfo | None:
    """The file an interrupted upload of `local` left on the resource, if any."""
    if entry is None or (entry.get("sha256"), entry.get("size"), entry.get("name")) != (
        local.sha256,
        local.size,
        local.name,
    ):
        return None
    if entry.get("file_id"):  # the earlier run saw the answer: only check it is still there
        with contextlib.suppress(ServiceError):
            info = service.get_file(str(entry["file_id"]))
            if info.status not in _GONE:
                return info
    before = set(entry.get("before_ids") or ())
    candidates = sorted(
        (
            f
            for f in service.list_files(purpose="fine-tune")
            if f.id not in before
            and f.filename == local.name
            and f.bytes == local.size
            and f.status not in _GONE
        ),
        key=lambda f: f.created_at,
        reverse=True,
    )
    for info in candidates:
        if _same_content(service, info, local):
            return info
    return None


def _same_content(service: FineTuningService, info: FileInfo, local: LocalFile) -> bool:
    if local.size > VERIFY_CONTENT_UP_TO:
        return True
    folder = settings_mod.state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".verify-", dir=folder)
    os.close(fd)
    try:
        service.download_file(info.id, Path(tmp))
        with open(tmp, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest() == local.sha256
    except ServiceError:
        return True  # the resource would not give the content back: name, size and timing decide
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def landed_job(service: FineTuningService, spec: Any, jobs_before: set[str]) -> Job | None:
    """The newest job that was not there before our create and matches the request."""
    for job in service.list_jobs():
        if job.id in jobs_before:
            continue
        if (job.training_file, job.validation_file, job.suffix) == (
            spec.training_file,
            spec.validation_file,
            spec.suffix,
        ) and job.model.startswith(spec.model.split(".ft-")[0]):
            return job
    return None
