"""The live table of fine-tuning jobs.

`JobsTable.sync(jobs, now)` applies a fresh list from the API *by key*: each job's cells
are re-formatted, the rows filtered and sorted once, and the cursor stays on the job it
was on with the scroll offset untouched — the table is never cleared and refilled under
the user's hands.

It draws with Textual's line API: only the rows on screen are turned into segments, and
columns have fixed widths, so nothing is measured. A DataTable measured and rendered every
cell through Rich: 500 rows cost ~150 ms before the first paint (bench/paint.py); this
costs a few milliseconds at any length.

Filtering (`filter_text`), sorting (`sort_by`) and marks (`toggle_mark`) are table state;
the screen only calls these methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import Job, JobStatus

# Tones from domain.formatting → ANSI colours, readable on 16-colour terminals too.
TONE_STYLE = {
    "active": "bold cyan",
    "paused": "bright_yellow",  # plain yellow is orange in the ANSI palette: red on 16 colours
    "ok": "green",
    "error": "bold red",
    "muted": "bright_black",
    "waiting": "blue",
}
# Under NO_COLOR the terminal (and Textual's monochrome filter) turns red into a dark grey that
# vanishes on the dark background: the tones keep only what needs no colour.
NO_COLOR_TONE_STYLE = {
    "active": "bold",
    "paused": "",
    "ok": "",
    "error": "bold underline",
    "muted": "",
    "waiting": "",
}


def tone_style(tone: str, *, no_color: bool) -> str:
    return (NO_COLOR_TONE_STYLE if no_color else TONE_STYLE)[tone]


MARK = "◆"
OUTPUT_WIDTH = 21  # the narrowest the fine-tuned column gets; it grows into spare width

# Progress known from metrics: job id -> (latest step, total steps or None).
StepInfo = dict[str, tuple[int, int | None]]

_STATUS_ORDER = {status: i for i, status in enumerate(JobStatus)}


def _fraction_or_low(job: Job, now: datetime, steps: StepInfo) -> float:
    step, total = steps.get(job.id, (None, None))
    value = fmt.progress_fraction(job, now, step=step, total_steps=total)
    return -1.0 if value is None else value


# column key, label, sort key (job, now, steps) -> comparable
COLUMNS: tuple[tuple[str, str, Callable[[Job, datetime, StepInfo], Any]], ...] = (
    ("id", "ID", lambda j, n, s: j.id),
    ("status", "Status", lambda j, n, s: _STATUS_ORDER[j.status]),
    ("model", "Base model", lambda j, n, s: j.model),
    ("output", "Fine-tuned / suffix", lambda j, n, s: fmt.model_or_suffix(j)),
    ("created", "Created", lambda j, n, s: j.created_at.timestamp()),
    ("duration", "Duration", lambda j, n, s: fmt.job_duration(j, n) or -1.0),
    ("tokens", "Tokens", lambda j, n, s: j.trained_tokens or -1),
    ("progress", "Progress", _fraction_or_low),
)
SORTABLE = tuple(key for key, _, _ in COLUMNS)
# Fixed widths: measuring every cell of a 500-row table costs more than drawing it, and a
# column that never resizes never shifts under the reader's eye. Labels leave room for ▼.
WIDTHS = {"id": 9, "status": 12, "model": 23, "output": OUTPUT_WIDTH, "created": 9, "duration": 10,
          "tokens": 8, "progress": 10}  # fmt: skip
_SORT_KEYS = {key: fn for key, _, fn in COLUMNS}


def job_matches(job: Job, query: str) -> bool:
    """Every word of `query` appears in the id, model, status, suffix, fine-tuned model or a
    metadata tag (written `key=value`, so `team=nlp` finds the jobs tagged so)."""
    haystack = " ".join(
        (
            job.id,
            job.model,
            fmt.status_label(job.status),
            job.suffix or "",
            job.fine_tuned_model or "",
            *(f"{key}={value}" for key, value in job.metadata.items()),
        )
    ).lower()
    return all(word in haystack for word in query.lower().split())


COLUMN_KEYS = tuple(key for key, _, _ in COLUMNS)
_LABELS = {key: label for key, label, _ in COLUMNS}
_RIGHT_ALIGNED = frozenset({"duration", "tokens", "progress"})
PADDING = 1  # one space either side of every cell
TABLE_WIDTH = sum(WIDTHS.values()) + 2 * PADDING * len(COLUMNS)
_TONES = {tone: Style.parse(spec) for tone, spec in TONE_STYLE.items()}
_NO_COLOR_TONES = {tone: Style.parse(spec) for tone, spec in NO_COLOR_TONE_STYLE.items()}
_MARK_STYLE = Style.parse("bold magenta")


def _fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` cropped or padded to exactly `width` cells."""
    if text.isascii():  # the common case: one cell per character
        text = text[:width]
        return text.rjust(width) if right else text.ljust(width)
    if cell_len(text) > width:
        text = set_cell_size(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


class _TableMessage(Message):
    def __init__(self, table: JobsTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> JobsTable:  # what @on(..., "#jobs") selectors match
        return self.table


class _JobMessage(_TableMessage):
    def __init__(self, table: JobsTable, job_id: str | None) -> None:
        super().__init__(table)
        self.job_id = job_id


class JobsTable(ScrollView, can_focus=True):
    """All jobs, one row each, keyed by job id; a header line that stays put."""

    class JobHighlighted(_JobMessage):
        """The cursor is on another job (None: the table is empty)."""

    class JobSelected(_JobMessage):
        """enter, or a click on the highlighted row: open the job."""

    class SortRequested(_TableMessage):
        """A column header was clicked."""

        def __init__(self, table: JobsTable, column: str) -> None:
            super().__init__(table)
            self.column = column

    # enter opens the job (JobSelected); shown in the footer, remappable as "open_detail"
    BINDINGS = [
        Binding("enter", "select_cursor", "Detail", id="open_detail", tooltip="Open the job's charts, events, checkpoints"),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_row", "First job", show=False),
        Binding("end,ctrl+end", "last_row", "Last job", show=False),
    ]  # fmt: skip

    COMPONENT_CLASSES = {"jobs-table--header", "jobs-table--even-row", "jobs-table--cursor"}

    # DataTable's look, so the table reads the same in every theme
    DEFAULT_CSS = """
    JobsTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .jobs-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .jobs-table--header { background-tint: $foreground 5%; }
        }
        &:dark { & > .jobs-table--even-row { background: $surface-darken-1 40%; } }
        & > .jobs-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .jobs-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .jobs-table--even-row { background: $surface-lighten-1 50%; }
        & > .jobs-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.jobs: dict[str, Job] = {}
        self.steps: StepInfo = {}
        self.marked: set[str] = set()
        self.filter_text = ""
        self.sort_column = "created"
        self.sort_reverse = True  # newest first, like the API
        self.cursor_row = 0
        self._now: datetime | None = None
        self._shown: dict[str, tuple[str, ...]] = {}  # the cells of each row on display
        self._order: list[str] = []  # job ids, top row first
        self._row_of: dict[str, int] = {}
        self._highlighted: str | None = None
        self._styles: dict[str, Style] | None = None
        # the fine-tuned column takes whatever width the others leave (names are ~70 cells)
        self.widths = dict(WIDTHS)
        self.table_width = TABLE_WIDTH
        self.virtual_size = Size(TABLE_WIDTH, 1)

    # --- public API -----------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def selected_key(self) -> str | None:
        return self._order[self.cursor_row] if self._order else None

    @property
    def selected_job(self) -> Job | None:
        key = self.selected_key
        return self.jobs.get(key) if key else None

    @property
    def visible_ids(self) -> list[str]:
        """Job ids in display order."""
        return list(self._order)

    def get_cell(self, job_id: str, column: str) -> str:
        """The text a row shows in `column` (KeyError if the job is not shown)."""
        return self._shown[job_id][COLUMN_KEYS.index(column)]

    def header_label(self, column: str) -> str:
        """A column's heading; the sorted column's carries ▼ (descending) or ▲."""
        if column != self.sort_column:
            return _LABELS[column]
        return _LABELS[column] + (" ▼" if self.sort_reverse else " ▲")

    def get_row_index(self, job_id: str) -> int:
        return self._row_of[job_id]

    def sync(self, jobs: Iterable[Job], now: datetime) -> None:
        """Show `jobs` (the complete current list) without moving the cursor off its job."""
        self.jobs = {job.id: job for job in jobs}
        self.marked &= self.jobs.keys()
        self._now = now
        self._fit_output_column()
        self._apply()

    def set_steps(self, job_id: str, step: int, total: int | None) -> None:
        self.steps[job_id] = (step, total)
        self._reformat(job_id)

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip()
        self._apply()

    def sort_by(self, column: str, *, reverse: bool | None = None) -> None:
        """Sort by `column`; sorting by the same column again flips the order."""
        if column not in _SORT_KEYS:
            return
        if reverse is None:
            reverse = (
                not self.sort_reverse
                if column == self.sort_column
                else column in ("created", "tokens", "progress", "duration")
            )
        self.sort_column, self.sort_reverse = column, reverse
        self._apply()

    def cycle_sort(self) -> None:
        """Next sortable column (keyboard users can't click headers)."""
        index = (SORTABLE.index(self.sort_column) + 1) % len(SORTABLE)
        self.sort_by(SORTABLE[index])

    def toggle_mark(self, job_id: str) -> bool:
        if job_id in self.marked:
            self.marked.discard(job_id)
        else:
            self.marked.add(job_id)
        self._reformat(job_id)
        return job_id in self.marked

    def set_marked(self, job_ids: Iterable[str]) -> None:
        """Mark exactly `job_ids` (those in the list; restored marks of deleted jobs drop out)."""
        wanted = set(job_ids) & self.jobs.keys()
        changed = self.marked.symmetric_difference(wanted)
        self.marked = wanted
        for job_id in changed:
            self._reformat(job_id)

    def select_job(self, job_id: str) -> bool:
        """Move the cursor to `job_id`'s row (clearing a filter that hides it)."""
        if job_id not in self._row_of and self.filter_text and job_id in self.jobs:
            self.set_filter("")
        if job_id not in self._row_of:
            return False
        self.move_cursor(row=self._row_of[job_id])
        return True

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        self.cursor_row = max(0, min(row, len(self._order) - 1))
        if scroll:
            self._scroll_to_cursor()
        self.refresh()
        self._announce_highlight()

    def on_resize(self) -> None:
        if self._fit_output_column():
            self._apply()

    def _fit_output_column(self) -> bool:
        """Widen the fine-tuned column into spare width, up to its longest name (True: changed)."""
        spare = max(0, self.scrollable_content_region.width - TABLE_WIDTH)
        longest = max((cell_len(fmt.model_or_suffix(job)) for job in self.jobs.values()), default=0)
        width = OUTPUT_WIDTH + max(0, min(spare, longest - OUTPUT_WIDTH))
        if width == self.widths["output"]:
            return False
        self.widths["output"] = width
        self.table_width = TABLE_WIDTH + width - OUTPUT_WIDTH
        return True

    # --- keys and mouse -------------------------------------------------------------
    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._rows_in_view())

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._rows_in_view())

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self.move_cursor(row=len(self._order) - 1)

    def action_select_cursor(self) -> None:
        if self._order:
            self.post_message(self.JobSelected(self, self.selected_key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:  # the header: sort by the column under the pointer
            x = offset.x + int(self.scroll_x)
            for key in COLUMN_KEYS:
                x -= self.widths[key] + 2 * PADDING
                if x < 0:
                    self.post_message(self.SortRequested(self, key))
                    break
            return
        row = int(self.scroll_y) + offset.y - 1
        if row >= len(self._order):
            return
        if row == self.cursor_row:  # a click on the highlighted row opens it, as DataTable did
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    # --- drawing --------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None  # theme, focus or size changed: re-read the component styles

    def _rich_styles(self) -> dict[str, Style]:
        if self._styles is None:
            base = self.rich_style
            self._styles = {
                "base": base,
                "header": base + self.get_component_rich_style("jobs-table--header"),
                "even": base + self.get_component_rich_style("jobs-table--even-row"),
                "cursor": self.get_component_rich_style("jobs-table--cursor"),
            }
        return self._styles

    def render_line(self, y: int) -> Strip:
        styles = self._rich_styles()
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y == 0:
            strip = self._header_strip(styles)
        else:
            row = scroll_y + y - 1
            if row >= len(self._order):
                return Strip.blank(width, styles["base"])
            strip = self._row_strip(row, styles)
        return strip.crop_extend(scroll_x, scroll_x + width, styles["base"])

    def _header_strip(self, styles: dict[str, Style]) -> Strip:
        pad, style = " " * PADDING, styles["header"]
        return Strip(
            [
                Segment(pad + _fit(self.header_label(key), self.widths[key]) + pad, style)
                for key in COLUMN_KEYS
            ],
            self.table_width,
        )

    def _row_strip(self, row: int, styles: dict[str, Style]) -> Strip:
        job_id = self._order[row]
        job = self.jobs[job_id]
        style = styles["even"] if row % 2 == 0 else styles["base"]  # zebra, as DataTable drew it
        pad = " " * PADDING
        segments: list[Segment] = []
        for key, text in zip(COLUMN_KEYS, self._shown[job_id], strict=True):
            cell = _fit(text, self.widths[key], right=key in _RIGHT_ALIGNED)
            if key == "id":
                segments.append(Segment(pad, style))
                segments.append(Segment(cell[0], style + _MARK_STYLE))
                segments.append(Segment(cell[1:] + pad, style))
            elif key == "status":
                tones = _NO_COLOR_TONES if self.app.no_color else _TONES
                segments.append(Segment(pad + cell + pad, style + tones[fmt.status_tone(job.status)]))
            else:
                segments.append(Segment(pad + cell + pad, style))
        if row == self.cursor_row:
            segments = list(Segment.apply_style(segments, post_style=styles["cursor"]))
        return Strip(segments, self.table_width)

    # --- internals ------------------------------------------------------------------
    def _rows_in_view(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header line

    def _scroll_to_cursor(self) -> None:
        top, visible = int(self.scroll_y), self._rows_in_view()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def _announce_highlight(self) -> None:
        key = self.selected_key
        if key != self._highlighted:
            self._highlighted = key
            self.post_message(self.JobHighlighted(self, key))

    def _reformat(self, job_id: str) -> None:
        if self._now is not None and job_id in self._shown:
            self._shown[job_id] = self._cells(self.jobs[job_id])
            self.refresh()

    def _apply(self) -> None:
        now = self._now
        if now is None:
            return
        keep, keep_row = self.selected_key, self.cursor_row
        query = self.filter_text
        self._shown = {
            jid: self._cells(job) for jid, job in self.jobs.items() if not query or job_matches(job, query)
        }
        self._order = self._sorted(self._shown, now)
        self._row_of = {jid: row for row, jid in enumerate(self._order)}
        size = Size(self.table_width, len(self._order) + 1)
        if self.virtual_size != size:
            self.virtual_size = size
        # the cursor stays on its job; if that job left (filtered out, deleted), at its height
        self.cursor_row = self._row_of.get(keep, min(keep_row, max(0, len(self._order) - 1))) if keep else 0
        self.refresh()
        self._announce_highlight()

    def _sorted(self, job_ids: Iterable[str], now: datetime) -> list[str]:
        sort_key, jobs, steps = _SORT_KEYS[self.sort_column], self.jobs, self.steps

        def key(job_id: str) -> tuple[Any, float, str]:
            job = jobs[job_id]
            # ties: newest first within the chosen column, then by id (a stable order)
            return (sort_key(job, now, steps), job.created_at.timestamp(), job_id)

        return sorted(job_ids, key=key, reverse=self.sort_reverse)

    def _cells(self, job: Job) -> tuple[str, ...]:
        now = self._now
        assert now is not None
        step, total = self.steps.get(job.id, (None, None))
        return (
            (MARK if job.id in self.marked else " ") + job.short_id,
            fmt.status_label(job.status),
            job.model,
            fmt.ellipsize_middle(fmt.model_or_suffix(job), self.widths["output"]),
            fmt.relative_time(job.created_at, now),
            fmt.duration(fmt.job_duration(job, now)),
            fmt.token_count(job.trained_tokens),
            # the step alone is for the summary pane; the column stays narrow
            fmt.progress_text(job, now, step=step if total else None, total_steps=total),
        )
