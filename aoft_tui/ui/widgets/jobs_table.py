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
the screen only calls these methods. The columns and the text of their cells are
domain/job_columns.py; the painting of one line is job_row_paint.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.job_columns import (
    COLUMN_KEYS,
    LABELS,
    OUTPUT_WIDTH,
    PADDING,
    SORTABLE,
    TABLE_WIDTH,
    WIDTHS,
    StepInfo,
    job_matches,
    row_cells,
    sorted_job_ids,
)
from aoft_tui.domain.models import Job
from aoft_tui.ui.widgets.job_row_paint import header_strip, row_strip, tone_rich_style


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
            return LABELS[column]
        return LABELS[column] + (" ▼" if self.sort_reverse else " ▲")

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
        if column not in SORTABLE:
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
        labels = [self.header_label(key) for key in COLUMN_KEYS]
        return header_strip(labels, self.widths, styles["header"], self.table_width)

    def _row_strip(self, row: int, styles: dict[str, Style]) -> Strip:
        job_id = self._order[row]
        style = styles["even"] if row % 2 == 0 else styles["base"]  # zebra, as DataTable drew it
        status = tone_rich_style(fmt.status_tone(self.jobs[job_id].status), no_color=self.app.no_color)
        cursor = styles["cursor"] if row == self.cursor_row else None
        return row_strip(self._shown[job_id], self.widths, style, status, cursor, self.table_width)

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
        return sorted_job_ids(
            job_ids, self.jobs, self.sort_column, now, self.steps, reverse=self.sort_reverse
        )

    def _cells(self, job: Job) -> tuple[str, ...]:
        assert self._now is not None
        return row_cells(
            job, self._now, self.steps, marked=job.id in self.marked, output_width=self.widths["output"]
        )
