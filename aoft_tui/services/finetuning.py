"""The one seam through which every Azure OpenAI call passes (no Textual here).

`FineTuningService` wraps `openai.AzureOpenAI` and returns typed domain objects; SDK
exceptions become `services.errors` with messages a person can act on. Retries are the
SDK's own (max_retries); no second retry loop is written around it — except in
`create_job`, which must look for a job that already landed before re-sending a create.

The job, event and metric calls are here; the connection and error scope are in
`services.service_core`, the file calls in `services.file_calls`.

Methods are blocking: the TUI calls them from thread workers.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from aoft_tui.domain.models import (
    Checkpoint,
    Job,
    JobEvent,
    JobSpec,
    JobStatus,
    MetricPoint,
    ModelInfo,
)
from aoft_tui.services import job_create, uploads
from aoft_tui.services.api_mapping import (
    as_dict,
    checkpoint_from_api,
    event_from_api,
    job_from_api,
    model_from_api,
)
from aoft_tui.services.endpoint import checked_endpoint
from aoft_tui.services.errors import (
    OUTCOME_UNKNOWN,
    BadRequestError,
    NotFoundError,
    RateLimitError,
    ServiceError,
)
from aoft_tui.services.file_calls import FileCalls
from aoft_tui.services.job_pages import all_raw_jobs
from aoft_tui.services.jobs_cache import JobsCache
from aoft_tui.services.metrics_source import EventMetricsCache
from aoft_tui.services.results_csv import parse_results_csv
from aoft_tui.services.settings import (
    DEFAULT_API_VERSION,
    ConfigError,
    Settings,
    config_file,
)

if TYPE_CHECKING:
    from aoft_tui.services.prefetch import JobListPrefetch

# Page sizes. A poll for new events starts small (a poll usually finds a handful) and
# grows geometrically while the known id is not reached: few bytes when idle, few
# requests after a long gap.
_PAGE = 100
_POLL_PAGES = (5, 25, _PAGE)
# metrics() trusts a job status read this recently instead of fetching the job again.
_JOB_FRESH_SECONDS = 2.0


class FineTuningService(FileCalls):
    """Blocking client for one Azure OpenAI resource (thread-safe: the TUI's workers share it).

    Beyond the fixed interface:
    - `large_file_threshold` / `part_size`: uploads above the threshold go through the
      Uploads API in parts of `part_size` (tests lower both to exercise that path);
    - `traffic`: requests and response bytes so far (status bar, tests);
    - `jobs_cache`: where each full `list_jobs()` is remembered (see services.jobs_cache);
    - `prefetch_job_list()`: send the first list request now, before the SDK is loaded
      (see services.prefetch); the next `list_jobs()` answers from it;
    - `metrics(job_id, job=...)`: pass the Job you hold to save a request.
    """

    def __init__(
        self,
        endpoint: str,
        api_key: str,
        api_version: str,
        *,
        max_retries: int = 2,
        timeout: float = 30.0,
        large_file_threshold: int = uploads.FILES_API_LIMIT,
        part_size: int = uploads.PART_SIZE,
        jobs_cache: JobsCache | None = None,
        token_provider: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(
            endpoint,
            api_key,
            api_version,
            max_retries=max_retries,
            timeout=timeout,
            token_provider=token_provider,
        )
        self.large_file_threshold = large_file_threshold
        self.part_size = part_size
        self.jobs_cache = jobs_cache  # each full list_jobs() is remembered here (the dashboard's head start)
        self._prefetch: JobListPrefetch | None = None
        self._unsaved_jobs: list[dict[str, Any]] | None = None  # the first list, until flush_jobs_cache()
        self._last_raw_jobs: list[dict[str, Any]] | None = None  # the last list (list_newest_jobs)
        self._event_metrics = EventMetricsCache()
        self._results: dict[str, list[MetricPoint]] = {}  # job id -> points (done jobs only)
        self._seen_jobs: dict[str, tuple[float, Job]] = {}  # job id -> (monotonic time, job)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, *, credential: Any = None) -> FineTuningService:
        """The service for the configured resource and auth method. `credential`: an
        azure-identity TokenCredential to use instead of the one `settings.auth` names."""
        from aoft_tui.services import credentials

        entra = settings.auth in credentials.ENTRA_AUTH_METHODS
        key = settings.api_key.get_secret_value() if settings.api_key is not None else ""
        if not settings.endpoint or not (entra or key):
            missing = "AZURE_OPENAI_ENDPOINT" if not settings.endpoint else "AZURE_OPENAI_API_KEY"
            raise ConfigError(
                f"No Azure OpenAI resource configured ({missing} is not set). Set AZURE_OPENAI_ENDPOINT "
                f"and AZURE_OPENAI_API_KEY (or endpoint/api_key in {config_file()}), or run "
                "`aoft-tui emulator` and export what it prints."
            )
        endpoint = checked_endpoint(settings.endpoint, settings.endpoint_source)
        if not entra:
            return cls(endpoint, key, settings.api_version)
        if credential is None:
            credentials.require_identity_package(settings.auth)
        provider = credentials.token_provider(credential, auth=settings.auth)
        return cls(endpoint, "", settings.api_version, token_provider=provider)

    def _remember(self, *jobs: Job) -> None:
        now = time.monotonic()
        with self._lock:
            for job in jobs:
                self._seen_jobs[job.id] = (now, job)

    def _fresh_job(self, job_id: str) -> Job:
        with self._lock:
            seen = self._seen_jobs.get(job_id)
        if seen is not None and time.monotonic() - seen[0] < _JOB_FRESH_SECONDS:
            return seen[1]
        return self.get_job(job_id)

    # --- jobs -----------------------------------------------------------------------------
    def prefetch_job_list(self) -> None:
        """Request the job list now, over http.client in a thread, while the caller goes on
        importing; the SDK (~0.45 s to import) is not needed for this first list."""
        from aoft_tui.services.prefetch import JobListPrefetch

        self._prefetch = JobListPrefetch(
            self._endpoint,
            self._secret,
            self.api_version,
            page=_PAGE,
            timeout=self._timeout,
            on_response=self.traffic.record,
            token_provider=self._token_provider,
            request_log=self.request_log,
        ).start()

    @property
    def first_list_arrived(self) -> bool:
        """The prefetched first list is here: the next `list_jobs()` answers without waiting."""
        prefetch = self._prefetch
        return prefetch is not None and prefetch.arrived

    def list_jobs(self, status: str | None = None) -> list[Job]:
        """Every job of the resource, newest first (follows every page)."""
        prefetch, self._prefetch = self._prefetch, None
        raw_jobs = prefetch.take() if prefetch is not None else None
        prefetched = raw_jobs is not None
        with self._errors():
            if raw_jobs is None:  # no prefetch, or it failed: the SDK asks (and reports errors)
                raw_jobs = all_raw_jobs(self._client.fine_tuning.jobs, page_size=_PAGE)
            jobs = [job_from_api(raw) for raw in raw_jobs]
        self._remember(*jobs)
        self._last_raw_jobs = raw_jobs
        if prefetched:
            # the dashboard takes this list on its UI thread right before its first frame:
            # the cache is written after that frame (flush_jobs_cache), or at close()
            self._unsaved_jobs = raw_jobs
        elif self.jobs_cache is not None:
            self._unsaved_jobs = None
            self.jobs_cache.store(raw_jobs)
        if status:
            jobs = [j for j in jobs if j.status.value == status.lower()]
        return jobs

    def list_newest_jobs(self) -> list[Job] | None:
        """The job list from its first page alone, the rest from the last full list: for a poll
        while no job moves (only new jobs can appear then, at the top). One request instead of
        one per 100 jobs. None when it cannot answer alone (no full list yet, a job of it was
        moving, or the first page is all new): ask list_jobs()."""
        last = self._last_raw_jobs
        # a moving job may change on any page; a paused one only when someone resumes it (the
        # whole list, every minute at the idle rate, shows that as it shows a deletion)
        if last is None or any(JobStatus.parse(raw.get("status")).is_active for raw in last):
            return None
        with self._errors():
            first = [as_dict(raw) for raw in self._client.fine_tuning.jobs.list(limit=_PAGE).data]
        rest = _after_page(first, last) if len(first) >= _PAGE else []  # a short page is all of it
        if rest is None:
            return None
        raw_jobs = first + rest
        jobs = [job_from_api(raw) for raw in raw_jobs]
        self._remember(*jobs)
        self._last_raw_jobs = raw_jobs
        return jobs

    def flush_jobs_cache(self) -> None:
        """Write the prefetched first list to `jobs_cache`, if list_jobs() left it unwritten."""
        raw_jobs, self._unsaved_jobs = self._unsaved_jobs, None
        if raw_jobs is not None and self.jobs_cache is not None:
            self.jobs_cache.store(raw_jobs)

    def get_job(self, job_id: str) -> Job:
        with self._errors(f"Job {job_id}"):
            job = job_from_api(as_dict(self._client.fine_tuning.jobs.retrieve(job_id)))
        self._remember(job)
        return job

    def create_job(self, spec: JobSpec, *, idempotency_key: str | None = None) -> Job:
        """Exactly one job per call, even when the network fails mid-request."""
        job = job_create.create_exactly_once(
            self._client,
            spec,
            idempotency_key=idempotency_key,
            max_retries=self._max_retries,
            errors=self._errors,
        )
        self._remember(job)
        return job

    def delete_job(self, job_id: str) -> None:
        """Delete a finished job (the spec's FineTuning_Delete: DELETE /fine_tuning/jobs/{id},
        204). The SDK has no method for it (OpenAI's API cannot delete jobs): a raw DELETE."""
        with self._errors(f"Job {job_id}"):
            self._client.delete(f"/fine_tuning/jobs/{job_id}", cast_to=type(None))
        with self._lock:
            self._seen_jobs.pop(job_id, None)

    def cancel_job(self, job_id: str) -> Job:
        with self._errors(f"Job {job_id}"):
            job = job_from_api(as_dict(self._client.fine_tuning.jobs.cancel(job_id)))
        self._remember(job)
        return job

    def pause_job(self, job_id: str) -> Job:
        return self._pause_or_resume(job_id, "pause")

    def resume_job(self, job_id: str) -> Job:
        return self._pause_or_resume(job_id, "resume")

    def _pause_or_resume(self, job_id: str, action: str) -> Job:
        jobs = self._client.fine_tuning.jobs
        call = jobs.pause if action == "pause" else jobs.resume
        try:
            with self._errors(f"Job {job_id}"):
                job = job_from_api(as_dict(call(job_id)))
        except NotFoundError:
            self.get_job(job_id)  # raises NotFoundError itself when the job is really unknown
            # The job exists, the route does not: older API versions have no pause/resume.
            raise BadRequestError(
                f"{self._shown_endpoint} has no '{action}' operation in API version {self.api_version!r}. "
                f"Set OPENAI_API_VERSION={DEFAULT_API_VERSION} (or newer) to {action} jobs.",
                status_code=404,
            ) from None
        self._remember(job)
        return job

    # --- events, metrics, checkpoints -------------------------------------------------------
    def _event_pages(self, job_id: str, limits: tuple[int, ...]) -> Iterator[list[dict[str, Any]]]:
        """Pages of raw events, newest first; the caller stops iterating when it has enough.

        `limits` are the page sizes to ask for in turn (the last one repeats).
        """
        after: str | None = None
        jobs = self._client.fine_tuning.jobs
        for number in itertools.count():
            limit = limits[min(number, len(limits) - 1)]
            with self._errors(f"Job {job_id}"):
                if after is None:
                    page = jobs.list_events(job_id, limit=limit)
                else:
                    page = jobs.list_events(job_id, limit=limit, after=after)
            data = [as_dict(e) for e in page.data]
            yield data
            if not data or page.has_more is False or not data[-1].get("id"):
                return
            after = str(data[-1]["id"])

    def events_since(self, job_id: str, last_seen_id: str | None = None) -> list[JobEvent]:
        """Events newer than `last_seen_id`, oldest first (all events when None).

        Fetches pages only until a known id, so bytes per poll grow with new events,
        not with history. When `last_seen_id` is not among the job's events (say it
        expired), every event is returned.
        """
        newest_first: list[JobEvent] = []
        limits = _POLL_PAGES if last_seen_id else (_PAGE,)
        found = False
        for page in self._event_pages(job_id, limits):
            for raw in page:
                if last_seen_id is not None and raw.get("id") == last_seen_id:
                    found = True
                    break
                newest_first.append(event_from_api(raw))
            if found:
                break
        events = _oldest_first(newest_first)
        self._event_metrics.offer(job_id, last_seen_id, events)
        return events

    def metrics(self, job_id: str, *, job: Job | None = None) -> list[MetricPoint]:
        """All metric points of a job, by step: from metrics events while it runs, from
        results.csv once it is done.

        Pass `job` when you already hold it; without it, a status this service read in the
        last 2 s (list_jobs, get_job) is used, else the job is fetched. Event polls are
        incremental (only new events are fetched); a done job's results are cached.
        """
        with self._lock:
            cached = self._results.get(job_id)
        if cached is not None:
            return list(cached)
        job = job if job is not None else self._fresh_job(job_id)
        if job.status.is_terminal and job.result_files:
            try:
                points = parse_results_csv(self._read_file_bytes(job.result_files[0]))
            except OUTCOME_UNKNOWN + (RateLimitError,):
                # a passing failure: say so (the caller tries again) rather than answer with
                # the events' every-10th step as if it were the whole job
                raise
            except (ServiceError, ValueError):
                points = []  # unreadable or missing results file: the events still have the metrics
            if points:
                with self._lock:
                    self._results[job_id] = points
                return list(points)
        return self._event_metrics.points(job_id, self.events_since)

    def checkpoints(self, job_id: str) -> list[Checkpoint]:
        with self._errors(f"Job {job_id}"):
            page = self._client.fine_tuning.jobs.checkpoints.list(job_id, limit=_PAGE)
            items = [checkpoint_from_api(as_dict(c)) for c in page]
        return sorted(items, key=lambda c: c.step)

    # --- models -------------------------------------------------------------------
    def list_models(self, *, fine_tunable_only: bool = True) -> list[ModelInfo]:
        with self._errors():
            models = [model_from_api(as_dict(m)) for m in self._client.models.list()]
        return [m for m in models if m.fine_tune] if fine_tunable_only else models

    def close(self) -> None:
        self.flush_jobs_cache()
        super().close()


def _oldest_first(newest_first: list[JobEvent]) -> list[JobEvent]:
    # Stable sort keeps the server's order (reversed) for events in the same second, so the
    # reversal must come first.
    oldest_first = newest_first[::-1]
    oldest_first.sort(key=lambda e: e.created_at)
    return oldest_first


def _after_page(page: list[dict[str, Any]], last: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The jobs of the last list that come after this first page: those past the page's oldest
    job that the last list knew (a job of the last list before it and missing from the page was
    deleted). None when the page shares no job with the last list (all new: what follows is
    unknown)."""
    position = {str(raw.get("id")): index for index, raw in enumerate(last)}
    on_page = {str(raw.get("id")) for raw in page}
    for raw in reversed(page):
        index = position.get(str(raw.get("id")))
        if index is not None:
            return [r for r in last[index + 1 :] if str(r.get("id")) not in on_page]
    return None
