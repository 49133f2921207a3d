"""The dashboard remembers and follows: saved filter/sort/marks/selection, "follow newest",
and a toast when a job ends while another screen is on top.

A mixin for MainScreen (what it needs of the screen: dashboard_host.DashboardHost).
The screen calls `_restore_ui_state()` on mount, `_after_jobs_loaded(jobs)` after each
live list, `_cursor_moved()` when the highlight changes and `_ui_state_changed()` after
filter, sort or mark changes.
"""

from __future__ import annotations

from textual.notifications import SeverityLevel

from aoft_tui.domain.models import Job, JobStatus
from aoft_tui.services.ui_state import UiState, UiStateStore
from aoft_tui.ui.screens.dashboard_host import DashboardHost

SAVE_DELAY = 0.5  # seconds: holding ↓ through the list writes the file once, not per row
# While another screen is on top, the list is still polled this often (only while a job
# moves), so a job that ends there is announced there.
BACKGROUND_INTERVAL = 10.0


class DashboardMemoryMixin(DashboardHost):
    _ui_store: UiStateStore | None = None
    _pending_state: UiState | None = None
    _following = False
    _follow_target: str | None = None
    _last_status: dict[str, JobStatus] | None = None
    _save_timer = None
    _unsaved: UiState | None = None

    # --- remembered state ---------------------------------------------------------------
    def _restore_ui_state(self) -> None:
        try:
            self._ui_store = UiStateStore(self.aoft.service.endpoint)
        except Exception:
            return
        state, notice = self._ui_store.load()
        if notice:
            self.notify(notice, title="Saved view ignored", severity="warning", timeout=10)
        table = self.table
        table.sort_by(state.sort_column, reverse=state.sort_reverse)
        if state.filter:
            from aoft_tui.ui.widgets.filter_input import FilterInput

            filter_input = FilterInput()  # the filter line mounts on demand (first `/`, or here)
            filter_input.value = state.filter
            self.mount(filter_input, before="#body")
            table.set_filter(state.filter)
        self._pending_state = state  # marks and selection: once the live list is here

    def _ui_state_changed(self) -> None:
        if self._ui_store is None or self._pending_state is not None:
            return  # not restored yet: saving now would overwrite the saved marks
        table = self.table
        # taken now: at unmount the table is already gone
        self._unsaved = UiState(
            filter=table.filter_text,
            sort_column=table.sort_column,
            sort_reverse=table.sort_reverse,
            marked=sorted(table.marked),
            selected=table.selected_key,
        )
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_ui_state, name="save-ui-state")

    def _save_ui_state(self) -> None:
        self._save_timer = None
        state, self._unsaved = self._unsaved, None
        if self._ui_store is not None and state is not None:
            self._ui_store.save(state)

    def on_unmount(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_ui_state()

    # --- after every live list -----------------------------------------------------------
    def _after_jobs_loaded(self, jobs: list[Job]) -> None:
        table = self.table
        pending, self._pending_state = self._pending_state, None
        if pending is not None:
            table.set_marked(pending.marked)
            if pending.selected and pending.selected in table.visible_ids and not self._following:
                table.select_job(pending.selected)
        if self._following:
            self._select_newest()
        self._announce_endings(jobs)
        self._ui_state_changed()

    # --- follow newest --------------------------------------------------------------------
    def action_follow_newest(self) -> None:
        self._following = not self._following
        if self._following:
            self._select_newest()
            self.notify(
                "The selection moves to each new job; any cursor move stops following.",
                title="Following newest",
                timeout=4,
            )
        else:
            self._follow_target = None
        self._update_counts()

    def _select_newest(self) -> None:
        table = self.table
        visible = table.visible_ids
        if not visible:
            return
        newest = max(visible, key=lambda j: (table.jobs[j].created_at, j))
        self._follow_target = newest
        if table.selected_key != newest:
            table.select_job(newest)

    def _cursor_moved(self) -> None:
        if self._following and self.table.selected_key != self._follow_target:
            self._following = False
            self._follow_target = None
            self._update_counts()
        self._ui_state_changed()

    def follow_label(self) -> str:
        return " · following newest" if self._following else ""

    # --- jobs that end while you look elsewhere -------------------------------------------------
    def _announce_endings(self, jobs: list[Job]) -> None:
        before, self._last_status = self._last_status, {job.id: job.status for job in jobs}
        if before is None or self.poller is None or not self.poller.paused:
            return  # the first list, or the table is on screen and shows it
        for job in jobs:
            old = before.get(job.id)
            if old is not None and not old.is_terminal and job.status.is_terminal:
                endings: dict[JobStatus, SeverityLevel] = {
                    JobStatus.SUCCEEDED: "information",
                    JobStatus.FAILED: "error",
                }
                severity = endings.get(job.status, "warning")
                self.notify(
                    f"{job.id} {job.status.value}.",
                    title=f"Job {job.status.value}",
                    severity=severity,
                    timeout=15,
                )
