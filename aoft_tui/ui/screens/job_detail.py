"""One job in full: Overview, Charts (live loss / accuracy), Events (live tail), Checkpoints.

    app.push_screen(JobDetailScreen(job_id))    # reaches self.app.service; escape goes back

Polling: `ui.poller.Poller` runs one thread worker at a time, which fetches job, new events,
metrics and checkpoints and prepares the chart series (downsampled to ~2 points per column)
off the UI thread; the poller schedules the next poll once the last one has ended — faster
while the job moves, never again once it is over and everything has been fetched, paused
while another screen is on top. Errors become toasts (once per distinct error) and a
back-off; they never reach the screen as a traceback.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import Checkpoint, Job, MetricPoint
from aoft_tui.domain.series import ChartOptions, Series, chart_data, point_budget
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.job_detail_data import DetailFetcher, DetailUpdate
from aoft_tui.ui.poller import Poller
from aoft_tui.ui.screens.bulk_actions import ExportActionMixin
from aoft_tui.ui.screens.job_actions import JobScreen
from aoft_tui.ui.screens.job_detail_keys import CHART_ACTIONS, DETAIL_BINDINGS, EVENT_ACTIONS
from aoft_tui.ui.widgets.checkpoints_table import CheckpointsPane, CheckpointsTable
from aoft_tui.ui.widgets.detail_charts import DetailCharts
from aoft_tui.ui.widgets.events_log import LEVEL_STEPS, EventsLog
from aoft_tui.ui.widgets.events_search import EventsSearch, filter_state
from aoft_tui.ui.widgets.job_overview import JobOverview
from aoft_tui.ui.widgets.key_bar import KeyBar
from aoft_tui.ui.widgets.metric_chart import EMPTY_TEXT
from aoft_tui.ui.widgets.title_line import TitleLine

# y-axis labels and the frame take about this many columns of the terminal
_CHART_CHROME = 12
# Gen-2 garbage collections walk every tracked object and stop every thread, drawing
# included: with a long job loaded they were the worst UI stalls (see bench/chart.py). While
# this screen is up, what has been loaded is frozen out of the collector's view (reference
# counting still frees it); leaving the screen unfreezes it, so nothing is kept for good.
FREEZE_GC = True
_REFREEZE_FACTOR = 2  # freeze again once the metric points have doubled


class JobDetailScreen(ExportActionMixin, JobScreen):
    poller: Poller  # set in __init__, never None here

    CSS_PATH = "job_detail.tcss"

    BINDINGS = DETAIL_BINDINGS

    @dataclass
    class Polled(Message):
        update: DetailUpdate

    @dataclass
    class PollFailed(Message):
        error: Exception

    @dataclass
    class ChartsPrepared(Message):
        options: ChartOptions
        loss: dict[str, Series]
        accuracy: dict[str, Series]

    def __init__(self, job_id: str) -> None:
        super().__init__()
        self.job_id = job_id
        self.job: Job | None = None
        self.metrics: list[MetricPoint] = []
        self.checkpoints: list[Checkpoint] = []
        self.options = ChartOptions()
        self.finished = False
        self._fetcher: DetailFetcher | None = None
        self.poller = Poller(self, self._start_poll_worker)
        self._last_error: str | None = None
        self._budget = 0
        self._frozen_points: int | None = None

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleLine(self.job_id, id="detail-title")
        with TabbedContent(initial="overview", id="detail-tabs"):
            with TabPane("Overview [1]", id="overview"):
                yield JobOverview(id="job-overview")
            with TabPane("Charts [2]", id="charts"):
                yield DetailCharts(id="detail-charts")
            with TabPane("Events [3]", id="events"):
                yield EventsSearch(id="events-search")
                yield Static("", id="events-filter-state", markup=False)
                yield EventsLog(id="events-log")
            with TabPane("Checkpoints [4]", id="checkpoints"):
                yield CheckpointsPane(id="checkpoints-pane")
        yield Static("loading…", id="detail-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.poller.demo = self.aoft.demo
        self._fetcher = DetailFetcher(self.aoft.service, self.job_id)
        self._budget = self._point_budget()
        self._start_poll()

    # --- polling ----------------------------------------------------------------------------
    def _point_budget(self) -> int:
        # The charts span the screen's width; hidden tabs have no size of their own yet.
        return point_budget(max(self.app.size.width - _CHART_CHROME, 10))

    def _start_poll(self) -> None:
        self.poller.poll_now()

    def _start_poll_worker(self) -> None:
        self._poll(self.options, self._budget)

    @work(thread=True, group="detail-poll", exit_on_error=False)
    def _poll(self, options: ChartOptions, budget: int) -> None:
        assert self._fetcher is not None
        try:
            update = self._fetcher.fetch(options, budget)
        except Exception as err:
            self.post_message(self.PollFailed(err))
        else:
            self.post_message(self.Polled(update))

    @on(Polled)
    def _on_polled(self, message: Polled) -> None:
        update = message.update
        if self.poller.succeeded(active=update.job.status.is_active, finished=update.finished):
            self.notify("Job details are updating again.", title="Reconnected")
        self._last_error = None
        status_changed = self.job is None or self.job.status is not update.job.status
        self.job = update.job
        self.metrics = update.metrics
        self.checkpoints = update.checkpoints
        self.finished = update.finished
        self._render_job(update)
        if update.loss is not None and update.accuracy is not None and update.options is not None:
            if update.options == self.options:
                self.query_one(DetailCharts).show(
                    update.loss, update.accuracy, self.options, empty_text=self._empty_text()
                )
            else:
                self._prepare_charts()
        if status_changed:  # which actions are allowed; the footer is rebuilt, so not every poll
            self.refresh_bindings()
        self._freeze_loaded()

    def _freeze_loaded(self) -> None:
        if not FREEZE_GC:
            return
        points = len(self.metrics)
        if self._frozen_points is None or points >= _REFREEZE_FACTOR * max(self._frozen_points, 500):
            gc.freeze()
            self._frozen_points = points

    def on_unmount(self) -> None:
        if self._frozen_points is not None:
            gc.unfreeze()
            self._frozen_points = None

    def _empty_text(self) -> str:
        if self.metrics:
            return "no series to show: t, e, f switch train / valid / full valid on"
        if self.finished:
            return "no metrics: the job ended before training reported any"
        return EMPTY_TEXT

    @on(PollFailed)
    def _on_poll_failed(self, message: PollFailed) -> None:
        err = message.error
        delay = self.poller.failed(err)
        title = err.title if isinstance(err, ServiceError) else "Unexpected error"
        text = str(err) or type(err).__name__
        if text != self._last_error:
            self._last_error = text
            self.notify(text, title=title, severity="error", timeout=8)
        self.query_one("#detail-status", Static).update(f"⚠ {title} — retrying in {delay:.0f}s")

    def _render_job(self, update: DetailUpdate) -> None:
        job = update.job
        latest = self.metrics[-1] if self.metrics else None
        self.query_one(JobOverview).show(
            job,
            update.files,
            latest,
            self._now(),
            failing_line=update.failing_line,
            requested=update.requested,
        )
        events = self.query_one(EventsLog)
        events.append(update.new_events)
        if update.new_events and filter_state(events):
            self._show_filter_state()  # the "n of m events" count moves
        self.query_one(CheckpointsPane).update_checkpoints(update.checkpoints)
        # Every update below is skipped when nothing changed: each one costs a layout pass.
        tabs = self.query_one(TabbedContent)
        for tab_id, label in (
            ("events", f"Events ({events.event_count}) [3]"),
            ("checkpoints", f"Checkpoints ({len(update.checkpoints)}) [4]"),
        ):
            tab = tabs.get_tab(tab_id)
            if str(tab.label) != label:
                tab.label = label
        # fitted to the width: never a dangling → (the model is cut in the middle or left out)
        self.query_one(TitleLine).show(
            f"{job.id} · {fmt.status_label(job.status)} · {job.model}", job.fine_tuned_model
        )
        self.query_one("#detail-title").set_class(job.status.is_terminal, "-terminal")
        step = f"step {latest.step} · " if latest else ""
        state = "final — no more updates" if self.finished else "live"
        self._set_text(
            "#detail-status",
            f"{step}{len(self.metrics)} metric points · {events.event_count} events · {state}",
        )

    def _set_text(self, selector: str, text: str) -> None:
        widget = self.query_one(selector, Static)
        if str(widget.content) != text:
            widget.update(text)

    def _now(self) -> datetime:
        """The app's clock (the emulator's in demo mode)."""
        return self.aoft.now()

    # --- charts -----------------------------------------------------------------------------
    def _prepare_charts(self) -> None:
        self.query_one(DetailCharts).show_options(self.options)
        self._prepare(list(self.metrics), self.options, self._budget)

    @work(thread=True, exclusive=True, group="detail-charts", exit_on_error=False)
    def _prepare(self, metrics: list[MetricPoint], options: ChartOptions, budget: int) -> None:
        loss, accuracy = chart_data(metrics, options, budget)
        self.post_message(self.ChartsPrepared(options, loss, accuracy))

    @on(ChartsPrepared)
    def _on_charts_prepared(self, message: ChartsPrepared) -> None:
        if message.options == self.options:  # a later toggle supersedes this result
            self.query_one(DetailCharts).show(
                message.loss, message.accuracy, message.options, empty_text=self._empty_text()
            )

    def on_resize(self) -> None:
        budget = self._point_budget()
        if budget != self._budget:
            self._budget = budget
            if self.metrics:
                self._prepare_charts()

    def _set_options(self, options: ChartOptions) -> None:
        self.options = options
        self._prepare_charts()

    def action_toggle_kind(self, kind: str) -> None:
        self._set_options(self.options.toggled(kind))

    def action_toggle_smoothing(self) -> None:
        self._set_options(self.options.toggled_smoothing())

    def action_smoothing(self, direction: int) -> None:
        self._set_options(self.options.stepped_smoothing(direction))

    def action_toggle_log(self) -> None:
        self._set_options(self.options.toggled_log())

    # --- navigation, copy -------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(None)

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated)
    def _on_tab(self) -> None:
        self.refresh_bindings()

    def action_copy(self) -> None:
        if self.query_one(TabbedContent).active == "checkpoints":
            checkpoint = self.query_one(CheckpointsTable).selected_checkpoint()
            if checkpoint is not None:
                self._copy(*checkpoint.deployable)
                return
        self._copy(self.job_id, "job id")

    def action_copy_model(self) -> None:
        if self.job is not None and self.job.fine_tuned_model:
            self._copy(self.job.fine_tuned_model, "fine-tuned model")
        else:
            self.notify("This job has no fine-tuned model yet.", title="Nothing to copy", severity="warning")

    def _copy(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)  # OSC 52: reaches the local clipboard over SSH
        self.notify(text, title=f"Copied {what}")

    def action_refresh(self) -> None:
        self._start_poll()

    def action_continue_job(self) -> None:
        from aoft_tui.ui.screens.new_job_launch import open_continue

        if self.job is None:
            return
        on_checkpoints = self.query_one(TabbedContent).active == "checkpoints"
        checkpoint = self.query_one(CheckpointsTable).selected_checkpoint() if on_checkpoints else None
        open_continue(self, self.job, checkpoint)

    def action_clone_job(self) -> None:
        from aoft_tui.ui.screens.new_job_launch import open_clone

        if self.job is not None:
            open_clone(self, self.job)

    # --- events filter ------------------------------------------------------------------------
    def action_search_events(self) -> None:
        search = self.query_one(EventsSearch)
        search.display = True
        search.focus()

    def action_cycle_event_level(self) -> None:
        log = self.query_one(EventsLog)
        log.set_filter(levels=LEVEL_STEPS[(LEVEL_STEPS.index(log.levels) + 1) % len(LEVEL_STEPS)])
        self._show_filter_state()

    @on(EventsSearch.Changed, "#events-search")
    def _show_filter_state(self) -> None:
        state = filter_state(self.query_one(EventsLog))
        label = self.query_one("#events-filter-state", Static)
        label.update(state)
        label.display = bool(state)

    # --- job actions ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CHART_ACTIONS:
            # Chart keys only where the charts are (keeps the key bar short; ? lists them anywhere).
            return self.is_mounted and self.query_one(TabbedContent).active == "charts"
        if action in EVENT_ACTIONS:
            return self.is_mounted and self.query_one(TabbedContent).active == "events"
        allowed = {
            "cancel_job": lambda s: s.can_cancel,
            "pause_job": lambda s: s.can_pause,
            "resume_job": lambda s: s.can_resume,
        }.get(action)
        if allowed is not None:
            # Shown but greyed out while the status does not allow it.
            return None if self.job is None or not allowed(self.job.status) else True
        return True

    # cancel / pause / resume (and their confirmation) come from JobScreen, shared
    # with the main screen: the same questions, toasts and error handling on both.
    def action_target(self) -> Job | None:
        return self.job

    def on_job_changed(self, job: Job) -> None:
        self.finished = False  # a cancelled job still has a last state to fetch
        self._start_poll()
