"""What the dashboard's mixins (bulk actions, memory, filter, views) need of the screen they
are mixed into, declared once: to mypy, `DashboardHost` is MainScreen as they see it — a
JobScreen (`_target_or_toast()`, `self.aoft`) with the job table, polling and the methods
one mixin provides to another. At run time a plain class: each mixin adds only its own methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aoft_tui.ui.screens.job_actions import JobScreen
    from aoft_tui.ui.widgets.jobs_table import JobsTable

    class DashboardHost(JobScreen):
        _select_when_loaded: str | None  # a job to select once the next list shows it

        # MainScreen's
        @property
        def table(self) -> JobsTable: ...
        def poll_now(self) -> None: ...
        def _show_selected(self, *, reload_preview: bool) -> None: ...

        # DashboardFilterMixin's
        def _update_counts(self) -> None: ...

        # DashboardMemoryMixin's
        def _ui_state_changed(self) -> None: ...
        def follow_label(self) -> str: ...

else:
    DashboardHost = object
