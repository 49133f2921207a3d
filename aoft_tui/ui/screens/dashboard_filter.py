"""The dashboard's filter, sort and marks: the `/` filter box, the job counts and empty-table
hint they change, `s` sort, space mark and `m` compare of the marked jobs.

A mixin for MainScreen (it provides `table`, `_show_selected()`; DashboardMemoryMixin
provides `_ui_state_changed()` and `follow_label()`; declared in dashboard_host.DashboardHost).
"""

from __future__ import annotations

from textual.widgets import Input, Label, Static

from aoft_tui.domain import formatting as fmt
from aoft_tui.ui.screens.dashboard_host import DashboardHost


class DashboardFilterMixin(DashboardHost):
    def _filter_input(self) -> Input | None:
        found = self.query("#filter")
        return found.first(Input) if found else None

    async def action_filter(self) -> None:
        filter_input = self._filter_input()
        if filter_input is None:
            from aoft_tui.ui.widgets.filter_input import FilterInput

            filter_input = FilterInput()
            await self.mount(filter_input, before="#body")
        filter_input.display = True  # inline, so it is focusable right now
        filter_input.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter":
            return
        self.table.set_filter(event.value)
        self._update_counts()
        self._show_selected(reload_preview=False)

    def _update_counts(self) -> None:
        """`8 jobs · 2 active` (or `3 of 8 jobs …` under a filter), and the empty-table hint."""
        table = self.table
        total = len(table.jobs)
        shown = table.row_count
        active_all = sum(job.status.is_active for job in table.jobs.values())
        if table.filter_text:
            # a running job the filter hides must still be counted (issue #14)
            active_shown = sum(table.jobs[job_id].status.is_active for job_id in table.visible_ids)
            active = (
                f"{active_shown} active"
                if active_shown == active_all
                else (f"{active_shown} active shown · {active_all} active in all")
            )
            counts = f"{shown} of {total} jobs · {active}"
        else:
            counts = f"{fmt.plural(total, 'job')} · {active_all} active"
        self.query_one("#counts", Label).update(counts + self.follow_label())
        self._ui_state_changed()
        hint = self.query_one("#empty", Static)
        self.query_one("#table-pane").set_class(not shown, "-empty")
        if shown:
            hint.display = False
            return
        hint.display = True
        if table.filter_text:
            hint.update(f"No job matches “{table.filter_text}”. Press / then esc to clear the filter.")
        else:
            hint.update(
                "No fine-tuning jobs on this resource yet.\n"
                "Press n to start one, or v to check a training file first."
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.table.focus()

    def on_descendant_blur(self) -> None:
        filter_input = self._filter_input()
        if filter_input is not None and not filter_input.has_focus and not filter_input.value.strip():
            filter_input.display = False

    def action_sort(self) -> None:
        self.table.cycle_sort()
        self._ui_state_changed()

    def action_mark(self) -> None:
        table = self.table
        key = table.selected_key
        if key is None:
            return
        table.toggle_mark(key)
        table.action_cursor_down()
        self._ui_state_changed()

    def action_compare(self) -> None:
        table = self.table
        ids = [jid for jid in table.visible_ids if jid in table.marked] or sorted(table.marked)
        if not ids:
            self.notify(
                "Mark jobs with space, then press m to compare them.",
                title="Nothing to compare",
                severity="warning",
            )
            return
        from aoft_tui.ui.screens.compare_screen import CompareScreen

        self.app.push_screen(CompareScreen([table.jobs[j] for j in ids]))
