"""The dashboard: every job in a live table, the selected job's summary and loss preview.

Polling: `ui.poller.Poller` runs one thread worker at a time (`service.list_jobs()`); its
result comes back as a message and the poller schedules the next poll — short while any
job is moving, long when all are finished, backing off on errors; paused while another
screen or a modal is on top and resumed at once when this screen is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, Static

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import TRAIN_LOSS, VALID_LOSS, Job
from aoft_tui.domain.series import last_step, prepare_series
from aoft_tui.services.errors import AuthError, ServiceError
from aoft_tui.ui.poller import Poller
from aoft_tui.ui.screens.bulk_actions import BulkActionsMixin, ExportActionMixin
from aoft_tui.ui.screens.dashboard_filter import DashboardFilterMixin
from aoft_tui.ui.screens.dashboard_memory import BACKGROUND_INTERVAL, DashboardMemoryMixin
from aoft_tui.ui.screens.job_actions import JobScreen
from aoft_tui.ui.screens.main_views import MainViewsMixin
from aoft_tui.ui.widgets.connection import ConnectionIndicator
from aoft_tui.ui.widgets.job_summary import JobSummary
from aoft_tui.ui.widgets.jobs_table import JobsTable
from aoft_tui.ui.widgets.key_bar import KeyBar
from aoft_tui.ui.widgets.metric_chart import MetricChart

# Consecutive failed polls before the indicator says "offline" rather than "retrying".
OFFLINE_AFTER = 2
# Idle polls that ask only the list's first page (services list_newest_jobs) between two
# polls of the whole list: at the 15 s idle interval the whole list comes every minute.
QUICK_POLLS_PER_FULL_LIST = 3


class MainScreen(
    DashboardMemoryMixin, DashboardFilterMixin, BulkActionsMixin, ExportActionMixin, MainViewsMixin, JobScreen
):
    poller: Poller  # set in __init__, never None here

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (172, "-wide")]

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="filter", tooltip="Filter by id, model, status, suffix or a tag (team=nlp)"),
        Binding("s", "sort", "Sort", id="sort", tooltip="Sort by the next column (click a header, too)"),
        Binding("space", "mark", "Mark+↓", id="mark", key_display="␣",
                tooltip="Mark the job and move down (for m compare, C W E bulk actions)"),
        Binding("m", "compare", "Compare", id="compare", tooltip="Overlay the marked jobs' loss curves"),
        Binding("c", "cancel_job", "Cancel", id="cancel_job", tooltip="Cancel the selected job"),
        Binding("p", "pause_job", "Pause", id="pause_job", tooltip="Pause the selected running job"),
        Binding("r", "resume_job", "Resume", id="resume_job", tooltip="Resume the selected paused job"),
        Binding("y", "copy_id", "Copy", id="copy_id", tooltip="Copy the job id (OSC 52, works over SSH)"),
        Binding("Y", "copy_model", "Copy model", id="copy_model", show=False, tooltip="Copy the fine-tuned model name"),
        Binding("n", "new_job", "New", id="new_job", tooltip="Upload data and start a fine-tuning job"),
        Binding("N", "clone_job", "Clone", id="clone_job", show=False,
                tooltip="New job prefilled from the selected one (same model and settings)"),
        Binding("v", "validate", "Validate", id="validate", tooltip="Check a training file before uploading"),
        Binding("w", "push_wandb", "W&B", id="push_wandb", tooltip="Push the job to Weights & Biases"),
        Binding("ctrl+r", "refresh", "Refresh", id="refresh", show=False, tooltip="Poll the jobs now"),
        Binding("e", "export_job", "Export", id="export_job", show=False, tooltip="Export metrics, events and results to ./aoft-export/"),
        Binding("ctrl+f", "follow_newest", "Follow", id="follow_newest", show=False, tooltip="Keep the newest job selected as jobs appear"),
        Binding("C", "bulk_cancel", "Cancel marked", id="bulk_cancel", show=False, tooltip="Cancel every marked job (one confirmation)"),
        Binding("W", "bulk_push", "Push marked", id="bulk_push", show=False, tooltip="Push every marked job to W&B"),
        Binding("E", "bulk_export", "Export marked", id="bulk_export", show=False, tooltip="Export every marked job to ./aoft-export/"),
        Binding("F", "open_files", "Files", id="open_files", show=False, tooltip="The resource's files and file quota"),
        Binding("X", "delete_job", "Delete", id="delete_job", show=False, tooltip="Delete the selected finished job"),
        Binding("u", "open_links", "Links", id="open_links", show=False, tooltip="The job's Azure portal and W&B links"),
        Binding("D", "deploy_job", "Deploy", id="deploy_job", show=False, tooltip="Deploy the succeeded job's model"),
        Binding("H", "deployments", "Deployments", id="deployments", show=False, tooltip="Hosted models: deployments, their cost, try one"),
    ]  # fmt: skip

    class JobsLoaded(Message):
        def __init__(self, jobs: list[Job]) -> None:
            super().__init__()
            self.jobs = jobs

    class PollFailed(Message):
        def __init__(self, error: ServiceError) -> None:
            super().__init__()
            self.error = error

    class PreviewLoaded(Message):
        def __init__(self, job_id: str, series: dict | None, step: int | None) -> None:
            super().__init__()
            self.job_id = job_id
            self.series = series
            self.step = step

    def __init__(self) -> None:
        super().__init__()
        # in the background (another screen on top) it still polls while a job moves, slower,
        # to tell of jobs that end meanwhile (DashboardMemoryMixin)
        self.poller = Poller(self, self._poll_jobs, background=BACKGROUND_INTERVAL)
        self._preview_job: str | None = None
        self._preview_loading = False
        self._preview_next: Job | None = None
        self._select_when_loaded: str | None = None
        self.loaded = False  # the first list arrived (tests and snapshots wait on it)
        self._quick_polls = 0  # first-page polls since the last whole list

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label("aoft-tui", id="app-name")
            yield Label(self.aoft.mode_label, id="mode", classes="-demo" if self.aoft.demo else "")
            yield Label("", id="counts")
            yield ConnectionIndicator(id="connection")
        with Vertical(id="body"):
            with Vertical(id="table-pane"):
                yield JobsTable(id="jobs")
                yield Static("", id="empty")
            with Horizontal(id="side"):
                yield JobSummary(id="summary")
                yield MetricChart(title="loss", id="preview")
        # ctrl+p is listed by ? (help); the footer's room goes to this screen's actions
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.poller.demo = self.aoft.demo
        self.query_one(JobsTable).focus()
        self._restore_ui_state()
        if self._show_prefetched():
            return
        self._show_cached()
        self.poll_now()

    def _show_prefetched(self) -> bool:
        """The list requested as the app started (services.prefetch) is here: show it before
        the first frame, not a worker hop and a frame later (~30-50 ms, bench/paint_pty.py)."""
        service = self.aoft.service
        if not service.first_list_arrived:
            return False
        self.poller.in_flight = True  # this is the first poll; its handler schedules the next
        try:
            jobs = service.list_jobs()  # answered from the prefetch: no network, no SDK
        except Exception:
            self.poller.in_flight = False
            return False
        self.on_main_screen_jobs_loaded(self.JobsLoaded(jobs))
        return True

    def _call_after_first_frame(self, callback: Callable[[], object]) -> None:
        self.aoft.call_after_first_frame(callback)

    def _show_cached(self) -> None:
        """Paint the list remembered from the last run at once (marked as cached) while the
        first list is still on its way (a slow network); the live list replaces it by key."""
        service = self.aoft.service
        if service.first_list_arrived:
            return  # the live list is already here: reading the cache first would only delay it
        cache = service.jobs_cache
        jobs = cache.load() if cache is not None else None
        if not jobs:
            return
        self.table.sync(jobs, self.aoft.now())
        self.query_one(ConnectionIndicator).cached = True
        self._update_counts()
        self._show_selected(reload_preview=False)

    # --- polling ------------------------------------------------------------------------------
    @property
    def table(self) -> JobsTable:
        return self.query_one(JobsTable)

    def poll_now(self) -> None:
        self._quick_polls = QUICK_POLLS_PER_FULL_LIST  # asked for: the whole list
        self.poller.poll_now()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll_jobs(self) -> None:
        service = self.aoft.service
        try:
            # While every job has ended, the first page tells what can change (new jobs come
            # first): one request, not one per 100 jobs, most of the idle CPU. The whole list
            # every few polls still notices a job deleted elsewhere.
            jobs = service.list_newest_jobs() if self._quick_polls < QUICK_POLLS_PER_FULL_LIST else None
            if jobs is None:
                jobs, self._quick_polls = service.list_jobs(), 0
            else:
                self._quick_polls += 1
        except ServiceError as err:
            self.post_message(self.PollFailed(err))
        except Exception as err:
            self.post_message(self.PollFailed(ServiceError(f"{type(err).__name__}: {err}")))
        else:
            self.post_message(self.JobsLoaded(jobs))

    def on_main_screen_jobs_loaded(self, message: JobsLoaded) -> None:
        indicator = self.query_one(ConnectionIndicator)
        active = any(job.status.is_active for job in message.jobs)
        if self.poller.succeeded(active=active):  # the outage had its toast; so does its end
            self.notify(f"Connected to {self.aoft.endpoint_label} again.", title="Reconnected")
        indicator.answered()
        indicator.next_try_in(self.poller.next_delay)  # it shows when the next try is
        indicator.cached = False
        table = self.table
        before = table.selected_job
        table.sync(message.jobs, self.aoft.now())
        # the job under the cursor changed (it finished, failed, moved on): its chart is stale
        changed = (
            before is not None
            and table.selected_job not in (None, before)
            and (table.selected_job.id == before.id)
        )
        if not self.loaded:
            self._call_after_first_frame(self.aoft.started)
        self.loaded = True
        wanted = self._select_when_loaded
        if wanted and wanted in table.jobs:
            if wanted not in table.visible_ids and (filter_input := self._filter_input()) is not None:
                filter_input.value = ""  # the new job must not hide behind a filter
            table.select_job(wanted)
            self._select_when_loaded = None
        self._after_jobs_loaded(message.jobs)
        self._update_counts()
        self._show_selected(reload_preview=changed or self._selected_is_active())

    def on_main_screen_poll_failed(self, message: PollFailed) -> None:
        self.aoft.started()
        err = message.error
        self.poller.failed(err)
        failures = self.poller.failures
        offline = failures >= OFFLINE_AFTER or isinstance(err, AuthError)
        self.query_one(ConnectionIndicator).state = "offline" if offline else "retrying"
        if failures == 1:  # one toast per outage, not one per poll
            self.notify(str(err), title=err.title, severity="error", timeout=8)
        self.query_one(ConnectionIndicator).next_try_in(self.poller.next_delay)

    # --- selection, summary, preview ------------------------------------------------------------
    def action_target(self) -> Job | None:
        return self.table.selected_job

    def on_job_changed(self, job: Job) -> None:
        table = self.table
        table.sync([*(j for j in table.jobs.values() if j.id != job.id), job], self.aoft.now())
        self._show_selected(reload_preview=True)
        self.poll_now()

    def _selected_is_active(self) -> bool:
        job = self.table.selected_job
        return job is not None and job.status.is_active

    @on(JobsTable.JobHighlighted, "#jobs")
    def _row_highlighted(self) -> None:
        self._show_selected(reload_preview=False)
        self._cursor_moved()

    def _show_selected(self, *, reload_preview: bool) -> None:
        table = self.table
        job = table.selected_job
        step, total = table.steps.get(job.id, (None, None)) if job else (None, None)
        self.query_one(JobSummary).show(job, self.aoft.now(), step=step, total_steps=total)
        chart = self.query_one(MetricChart)
        if job is None:
            self._preview_job = None
            chart.show({}, title="loss", empty_text="no job selected")
            return
        if job.id != self._preview_job:
            self._preview_job = job.id
            chart.show({}, title=f"loss · {job.short_id}", empty_text="loading metrics…")
            # after the frame: the first preview loads the openai SDK (~0.4 s of a thread
            # holding the GIL half the time), which must not slow the list's first paint
            self._call_after_first_frame(partial(self._request_preview, job))
        elif reload_preview:
            self._request_preview(job)

    def _request_preview(self, job: Job) -> None:
        """One metrics load at a time: holding ↓ through 500 rows must not start 500
        threads. While one runs, only the latest request is kept and runs next."""
        if self._preview_loading:
            self._preview_next = job
            return
        self._preview_loading = True
        self._load_preview(job, self.query_one(MetricChart).point_budget)

    @work(thread=True, group="preview", exit_on_error=False)
    def _load_preview(self, job: Job, budget: int) -> None:
        series: dict | None = None
        step = None
        try:
            # the job we hold saves a status read; the service fetches only new events
            points = self.aoft.service.metrics(job.id, job=job)
            series = prepare_series(points, (TRAIN_LOSS, VALID_LOSS), max_points=budget)
            step = last_step(points)
        except Exception:
            pass
        self.post_message(self.PreviewLoaded(job.id, series, step))

    def on_main_screen_preview_loaded(self, message: PreviewLoaded) -> None:
        self._preview_loading = False
        queued, self._preview_next = self._preview_next, None
        if queued is not None and queued.id == self._preview_job:
            self._request_preview(queued)
        if message.job_id != self._preview_job or message.series is None:
            return  # the user moved on, or the load failed (the next poll retries)
        job = self.table.jobs.get(message.job_id)
        chart = self.query_one(MetricChart)
        empty = fmt.no_metrics_text(job.status) if job is not None else "no metrics yet"
        chart.show(message.series, title=f"loss · {message.job_id[-8:]}", ylabel="loss", empty_text=empty)
        if message.step is not None and job is not None and not job.status.is_terminal:
            self.table.set_steps(message.job_id, message.step, None)
            self.query_one(JobSummary).show(job, self.aoft.now(), step=message.step)

    # --- filter, sort, marks: DashboardFilterMixin, but for the header click (an @on) --------
    @on(JobsTable.SortRequested, "#jobs")
    def _header_clicked(self, event: JobsTable.SortRequested) -> None:
        self.table.sort_by(event.column)
        self._ui_state_changed()

    # --- other screens: MainViewsMixin, but for the row click (an @on) -------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.poll_now()

    @on(JobsTable.JobSelected, "#jobs")
    def _row_selected(self) -> None:
        self.action_open_detail()

    def now(self) -> datetime:
        return self.aoft.now()
