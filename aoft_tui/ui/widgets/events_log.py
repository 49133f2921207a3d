"""The live tail of a job's events: time, level (symbol + word, readable without colour), message."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.widgets import RichLog

from aoft_tui.domain.models import EventLevel, JobEvent

# The symbol and word carry the level on their own; colour (from the .tcss) is a second cue.
LEVEL_MARKS: dict[EventLevel, str] = {
    EventLevel.INFO: "·  info",
    EventLevel.WARNING: "▲  warn",
    EventLevel.ERROR: "✖ error",
}
# A tail, not an archive: every kept line is a few tracked objects the GC walks on each
# full collection (those pauses, not drawing, bound the worst UI stall on a long job).
MAX_LINES = 1_000
# The level filter's steps (`i` on the Events tab): everything, warnings and errors, errors.
LEVEL_STEPS: tuple[frozenset[EventLevel], ...] = (
    frozenset(EventLevel),
    frozenset({EventLevel.WARNING, EventLevel.ERROR}),
    frozenset({EventLevel.ERROR}),
)
# Lines written per UI-thread turn: a backlog of thousands of events (opening a long job)
# is drawn in slices so the screen never freezes for more than a few milliseconds.
CHUNK = 40


class EventsLog(RichLog):
    """Append-only; keeps to the bottom while the user has not scrolled up."""

    COMPONENT_CLASSES = {
        "events-log--time",
        "events-log--info",
        "events-log--warning",
        "events-log--error",
        "events-log--metrics",
    }

    DEFAULT_CSS = """
    EventsLog > .events-log--time { color: $text-muted; }
    EventsLog > .events-log--info { color: $text; }
    EventsLog > .events-log--warning { color: $warning; text-style: bold; }
    EventsLog > .events-log--error { color: $error; text-style: bold; }
    EventsLog > .events-log--metrics { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(max_lines=MAX_LINES, wrap=True, markup=False, id=id, classes=classes)
        self.event_count = 0
        self._pending: deque[JobEvent] = deque(maxlen=MAX_LINES)
        self._draining = False
        # every event kept (as many as are drawn), so a filter change can redraw them
        self._kept: deque[JobEvent] = deque(maxlen=MAX_LINES)
        self.levels: frozenset[EventLevel] = LEVEL_STEPS[0]
        self.search = ""

    def matches(self, event: JobEvent) -> bool:
        return event.level in self.levels and (not self.search or self.search in event.message.lower())

    @property
    def shown_count(self) -> int:
        """Kept events that pass the filter."""
        return sum(self.matches(e) for e in self._kept)

    def set_filter(self, *, levels: frozenset[EventLevel] | None = None, search: str | None = None) -> None:
        """Show only events of `levels` whose message contains `search` (case-insensitive)."""
        if levels is not None:
            self.levels = levels
        if search is not None:
            self.search = search.strip().lower()
        self.clear()
        self._pending = deque((e for e in self._kept if self.matches(e)), maxlen=MAX_LINES)
        if self._pending and not self._draining:
            self._draining = True
            self.call_later(self._drain)

    @property
    def pending(self) -> int:
        """Events received but not drawn yet."""
        return len(self._pending)

    def append(self, events: Iterable[JobEvent]) -> None:
        events = list(events)
        self._kept.extend(events)
        self._pending.extend(
            e for e in events if self.matches(e)
        )  # beyond MAX_LINES the oldest would scroll away anyway
        self.event_count += len(events)
        if self._pending and not self._draining:
            self._draining = True
            self.call_later(self._drain)

    def _drain(self) -> None:
        for _ in range(min(CHUNK, len(self._pending))):
            self.write(self._hanging(self._pending.popleft()))
        if self._pending:
            self.set_timer(0.001, self._drain)
        else:
            self._draining = False

    def _hanging(self, event: JobEvent) -> Table:
        """The event with its message in a column of its own: a long or multi-line message
        wraps under the message, never back to column 0 under the times."""
        prefix, message = self._parts(event)
        grid = Table.grid()
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row(prefix, message)
        return grid

    def format_event(self, event: JobEvent) -> Text:
        """The event as one text (what the log shows, unwrapped)."""
        prefix, message = self._parts(event)
        return Text.assemble(prefix, message)

    def _parts(self, event: JobEvent) -> tuple[Text, Text]:
        level_style = self.get_component_rich_style(f"events-log--{event.level.value}")
        message_style = (
            self.get_component_rich_style("events-log--metrics") if event.type == "metrics" else level_style
        )
        prefix = Text(no_wrap=True)
        prefix.append(
            event.created_at.strftime("%m-%d %H:%M:%S"), self.get_component_rich_style("events-log--time")
        )
        prefix.append("  ")
        prefix.append(LEVEL_MARKS[event.level], level_style)
        prefix.append("  ")
        return prefix, Text(event.message, message_style)
