"""The resource's files for the Files view: which jobs use each one, the file quota, a
delete that refuses files an unfinished job still needs.

Azure's limits (Microsoft Learn, "Azure OpenAI quotas and limits",
https://learn.microsoft.com/azure/ai-foundry/openai/quotas-limits): 50 fine-tuning files per
resource, 1 GB for all of them, 512 MB per file. The API does not report them, so they are
constants here; results files (purpose `fine-tune-results`) are written by the service and
are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aoft_tui.domain.models import FileInfo, Job
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.uploads import FILES_API_LIMIT

if TYPE_CHECKING:
    from aoft_tui.services.finetuning import FineTuningService

MAX_FILES = 50
MAX_TOTAL_BYTES = 1024**3  # "1 GB"
MAX_FILE_BYTES = FILES_API_LIMIT  # 512 MB
SERVICE_PURPOSES = frozenset({"fine-tune-results"})


class FileInUse(ServiceError):
    title = "File in use"


@dataclass(frozen=True, slots=True)
class FileUsage:
    file: FileInfo
    jobs: tuple[Job, ...] = ()  # jobs naming it as training/validation/results file, newest first

    @property
    def blocking_jobs(self) -> tuple[Job, ...]:
        """Jobs that still need the file: anything not finished (running, pending, paused…)."""
        return tuple(job for job in self.jobs if not job.status.is_terminal)


@dataclass(frozen=True, slots=True)
class FileQuota:
    files: int
    total_bytes: int
    max_files: int = MAX_FILES
    max_total_bytes: int = MAX_TOTAL_BYTES

    @property
    def fraction(self) -> float:
        """The fuller of the two limits, 0..1 (may exceed 1 if Azure raised the limits)."""
        return max(self.files / self.max_files, self.total_bytes / self.max_total_bytes)


@dataclass(frozen=True, slots=True)
class FilesOverview:
    files: list[FileUsage]
    quota: FileQuota


def file_usage(files: list[FileInfo], jobs: list[Job]) -> list[FileUsage]:
    """Pure: each file with the jobs that use it, newest file first."""
    users: dict[str, list[Job]] = {}
    for job in sorted(jobs, key=lambda j: j.created_at, reverse=True):
        named = (job.training_file, job.validation_file, *job.result_files)
        for file_id in {name for name in named if name}:  # each file once, no missing ones
            users.setdefault(file_id, []).append(job)
    ordered = sorted(files, key=lambda f: f.created_at, reverse=True)
    return [FileUsage(f, tuple(users.get(f.id, ()))) for f in ordered]


def file_quota(files: list[FileInfo]) -> FileQuota:
    """Pure: what counts against the resource's fine-tuning file limits."""
    counted = [f for f in files if f.purpose not in SERVICE_PURPOSES]
    return FileQuota(files=len(counted), total_bytes=sum(f.bytes or 0 for f in counted))


def files_overview(service: FineTuningService) -> FilesOverview:
    """Two requests (files, jobs): every file with its users and the quota gauge."""
    files = service.list_files()
    usage = file_usage(files, service.list_jobs())
    return FilesOverview(usage, file_quota(files))


def delete_unused_file(service: FineTuningService, file_id: str) -> None:
    """Delete `file_id` unless an unfinished job uses it (the job list is read fresh: the
    one on screen may be a poll old). Raises FileInUse naming those jobs."""
    usage = file_usage([service.get_file(file_id)], service.list_jobs())[0]
    blocking = usage.blocking_jobs
    if blocking:
        names = ", ".join(f"{job.id} ({job.status.value})" for job in blocking)
        raise FileInUse(
            f"{file_id} is not deleted: {names} still use{'s' * (len(blocking) == 1)} it. "
            "Wait until the job finishes or cancel it (c on the dashboard), then delete the file."
        )
    service.delete_file(file_id)
