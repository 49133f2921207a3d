"""What one poll of the job detail screen fetches (blocking; runs in a thread worker).

Kept free of Textual so the incremental logic (event tail, file look-ups done once,
"nothing more to fetch" once a job is over) is easy to follow and to test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aoft_tui.domain.models import Checkpoint, FileInfo, Job, JobEvent, MetricPoint
from aoft_tui.domain.series import ChartOptions, Series, chart_data
from aoft_tui.services.errors import NotFoundError, ServiceError
from aoft_tui.services.failure_triage import FailingLine, fetch_failing_line
from aoft_tui.services.finetuning import FineTuningService


@dataclass(slots=True)
class DetailUpdate:
    job: Job
    metrics: list[MetricPoint]
    new_events: list[JobEvent]
    checkpoints: list[Checkpoint]
    # file id → FileInfo, or the reason it could not be read
    files: dict[str, FileInfo | str] = field(default_factory=dict)
    # chart-ready series, prepared for `options` (None when the metrics did not change)
    options: ChartOptions | None = None
    loss: dict[str, Series] | None = None
    accuracy: dict[str, Series] | None = None
    # True once the job is over and everything it will ever have has been fetched
    finished: bool = False
    # failure triage: the dataset line the error names; what this app asked for (None: unknown)
    failing_line: FailingLine | None = None
    requested: dict | None = None


class DetailFetcher:
    """The incremental state of one job's detail view; `fetch()` is blocking."""

    def __init__(self, service: FineTuningService, job_id: str) -> None:
        self.service = service
        self.job_id = job_id
        self.last_event_id: str | None = None
        self._files: dict[str, FileInfo | str] = {}
        self._metric_count = -1
        self._last_step: int | None = None
        self._triage: tuple[FailingLine | None, dict | None] | None = None  # fetched once

    def fetch(self, options: ChartOptions, max_points: int) -> DetailUpdate:
        """One poll: job, new events, metrics, checkpoints, and (once) its files' details."""
        job = self.service.get_job(self.job_id)
        events = self.service.events_since(self.job_id, self.last_event_id)
        metrics = self.service.metrics(self.job_id, job=job)  # saves a second status read
        checkpoints = self.service.checkpoints(self.job_id)
        for file_id in (job.training_file, job.validation_file):
            if file_id and file_id not in self._files:
                self._files[file_id] = self._file(file_id)
        update = DetailUpdate(
            job=job,
            metrics=metrics,
            new_events=events,
            checkpoints=checkpoints,
            files=dict(self._files),
            finished=job.status.is_terminal,
        )
        update.failing_line, update.requested = self._triage_for(job)
        last_step = metrics[-1].step if metrics else None
        if (len(metrics), last_step) != (self._metric_count, self._last_step):
            self._metric_count, self._last_step = len(metrics), last_step
            update.options = options
            update.loss, update.accuracy = chart_data(metrics, options, max_points)
        if events:  # only once the whole poll has worked: a failed one hands its events to the next
            self.last_event_id = events[-1].id
        return update

    def _triage_for(self, job: Job) -> tuple[FailingLine | None, dict | None]:
        if self._triage is None and job.status.is_terminal:
            from aoft_tui.services.upload_cache import UploadCache

            try:
                requested = UploadCache(self.service.endpoint).requested(job.id)
            except OSError:
                requested = None
            self._triage = (fetch_failing_line(self.service, job), requested)
        return self._triage or (None, None)

    def _file(self, file_id: str) -> FileInfo | str:
        try:
            return self.service.get_file(file_id)
        except NotFoundError:
            return "not found (deleted?)"
        except ServiceError as err:
            return f"unavailable: {err.title}"
