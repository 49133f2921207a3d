"""The one seam through which every Azure OpenAI call passes (no Textual here).

`FineTuningService` wraps `openai.AzureOpenAI` and returns typed domain objects; SDK
exceptions become `services.errors` with messages a person can act on. Retries are the
SDK's own (max_retries); no second retry loop is written around it.

INTERFACE FIXED IN THE FOUNDATION COMMIT — implementers fill the bodies, callers rely on
the signatures. Methods are blocking: the TUI calls them from thread workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from aoft_tui.domain.models import (
    Checkpoint,
    FileInfo,
    Job,
    JobEvent,
    JobSpec,
    MetricPoint,
    ModelInfo,
)
from aoft_tui.services.settings import Settings

# progress(bytes_sent, bytes_total)
ProgressCallback = Callable[[int, int], None]
# on_status(file_info) while waiting for processing
FileStatusCallback = Callable[[FileInfo], None]


class FineTuningService:
    def __init__(
        self,
        endpoint: str,
        api_key: str,
        api_version: str,
        *,
        max_retries: int = 2,
        timeout: float = 30.0,
    ) -> None:
        raise NotImplementedError

    @classmethod
    def from_settings(cls, settings: Settings) -> FineTuningService:
        raise NotImplementedError

    @property
    def endpoint(self) -> str:
        """The resource endpoint (never the key), for status bars and error messages."""
        raise NotImplementedError

    # --- jobs -----------------------------------------------------------------------------
    def list_jobs(self, status: str | None = None) -> list[Job]:
        """Every job of the resource, newest first (follows every page)."""
        raise NotImplementedError

    def get_job(self, job_id: str) -> Job:
        raise NotImplementedError

    def create_job(self, spec: JobSpec, *, idempotency_key: str | None = None) -> Job:
        """Exactly one job per call, even when the network fails mid-request."""
        raise NotImplementedError

    def cancel_job(self, job_id: str) -> Job:
        raise NotImplementedError

    def pause_job(self, job_id: str) -> Job:
        raise NotImplementedError

    def resume_job(self, job_id: str) -> Job:
        raise NotImplementedError

    # --- events, metrics, checkpoints -------------------------------------------------------
    def events_since(self, job_id: str, last_seen_id: str | None = None) -> list[JobEvent]:
        """Events newer than `last_seen_id`, oldest first (all events when None).

        Fetches pages only until a known id, so bytes per poll grow with new events,
        not with history.
        """
        raise NotImplementedError

    def metrics(self, job_id: str) -> list[MetricPoint]:
        """All metric points of a job, by step: from metrics events while it runs, from
        results.csv once it is done."""
        raise NotImplementedError

    def checkpoints(self, job_id: str) -> list[Checkpoint]:
        raise NotImplementedError

    # --- models and files -------------------------------------------------------------------
    def list_models(self, *, fine_tunable_only: bool = True) -> list[ModelInfo]:
        raise NotImplementedError

    def get_file(self, file_id: str) -> FileInfo:
        raise NotImplementedError

    def list_files(self, purpose: str | None = None) -> list[FileInfo]:
        raise NotImplementedError

    def upload_file(
        self,
        path: Path,
        *,
        purpose: str = "fine-tune",
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> FileInfo:
        """Upload (Files API, or the Uploads API in parts above its size limit)."""
        raise NotImplementedError

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
        raise NotImplementedError

    def download_file(self, file_id: str, dest: Path) -> Path:
        """Stream a file's content to `dest` (base64-encoded content is decoded)."""
        raise NotImplementedError

    def delete_file(self, file_id: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
