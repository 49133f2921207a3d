"""The Events tab's search line and filter state (`/` on the tab): typing filters the events as you go;
`enter` keeps the search and returns to the events, `esc` clears it."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

from aoft_tui.ui.widgets.events_log import EventsLog


class EventsSearch(Input):
    BINDINGS = [Binding("escape", "clear", "Clear search", id="filter.events_clear")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search events — enter to keep, esc to clear", id=id)
        self.display = False

    def action_clear(self) -> None:
        self.value = ""
        self.display = False
        self.screen.query_one(EventsLog).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.screen.query_one(EventsLog).set_filter(search=event.value)  # bubbles on: the screen's counts

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.value.strip():
            self.display = False
        self.screen.query_one(EventsLog).focus()


_LEVEL_WORDS = {3: "all levels", 2: "warnings and errors", 1: "errors only"}


def filter_state(log: EventsLog) -> str:
    """`warnings and errors · “quota” · 3 of 120 events` — empty when nothing is filtered."""
    if len(log.levels) == 3 and not log.search:
        return ""
    parts = [_LEVEL_WORDS[len(log.levels)]]
    if log.search:
        parts.append(f"“{log.search}”")
    parts.append(f"{log.shown_count} of {log.event_count} events")
    return " · ".join(parts) + "   (i: level, /: search)"
