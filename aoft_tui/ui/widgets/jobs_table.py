"""The live table of fine-tuning jobs.

`JobsTable.sync(jobs, now)` applies a fresh list from the API *by key*: rows that vanished
are removed, changed cells are updated in place, new jobs are added, then the rows are
sorted once. The cursor stays on the job it was on and the scroll offset is untouched —
the table is never cleared and refilled under the user's hands.

Filtering (`filter_text`), sorting (`sort_by`) and marks (`toggle_mark`) are table state;
the screen only calls these methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import Job, JobStatus

# Tones from domain.formatting → ANSI colours, readable on 16-colour terminals too.
TONE_STYLE = {
    "active": "bold cyan",
    "paused": "yellow",
    "ok": "green",
    "error": "bold red",
    "muted": "bright_black",
    "waiting": "blue",
}
MARK = "◆"
OUTPUT_WIDTH = 21  # fine-tuned model names are long; the summary pane shows them whole

# Progress known from metrics: job id -> (latest step, total steps or None).
StepInfo = dict[str, tuple[int, int | None]]

_STATUS_ORDER = {status: i for i, status in enumerate(JobStatus)}


class _IdCell(Text):
    """The id cell remembers its full job id, so sorting can look the job up."""

    __slots__ = ("job_id",)

    def __init__(self, job_id: str, text: str) -> None:
        super().__init__(text)
        self.job_id = job_id


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
    """Every word of `query` appears in the id, model, status, suffix or fine-tuned model."""
    haystack = " ".join(
        (job.id, job.model, fmt.status_label(job.status), job.suffix or "", job.fine_tuned_model or "")
    ).lower()
    return all(word in haystack for word in query.lower().split())


class JobsTable(DataTable):
    """All jobs, one row each, keyed by job id."""

    # enter opens the job (RowSelected); shown in the footer, remappable as "open_detail"
    BINDINGS = [
        Binding("enter", "select_cursor", "Detail", id="open_detail", tooltip="Open the job's charts, events, checkpoints"),
    ]  # fmt: skip

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.jobs: dict[str, Job] = {}
        self.steps: StepInfo = {}
        self.marked: set[str] = set()
        self.filter_text = ""
        self.sort_column = "created"
        self.sort_reverse = True  # newest first, like the API
        self._now: datetime | None = None
        self._shown: dict[str, tuple[str, ...]] = {}  # what each row displays now

    def on_mount(self) -> None:
        for key, label, _ in COLUMNS:
            self.add_column(label, key=key, width=WIDTHS[key])

    # --- public API -----------------------------------------------------------------
    @property
    def selected_job(self) -> Job | None:
        key = self.selected_key
        return self.jobs.get(key) if key else None

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except RowDoesNotExist:
            return None

    @property
    def visible_ids(self) -> list[str]:
        """Job ids in display order."""
        return [row.key.value for row in self.ordered_rows if row.key.value is not None]

    def sync(self, jobs: Iterable[Job], now: datetime) -> None:
        """Show `jobs` (the complete current list) without moving the cursor off its job."""
        self.jobs = {job.id: job for job in jobs}
        self.marked &= self.jobs.keys()
        self._now = now
        self._apply()

    def set_steps(self, job_id: str, step: int, total: int | None) -> None:
        self.steps[job_id] = (step, total)
        if self._now is not None and job_id in self._shown:
            self._update_row(self.jobs[job_id])

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip()
        self._apply()

    def sort_by(self, column: str, *, reverse: bool | None = None) -> None:
        """Sort by `column`; sorting by the same column again flips the order."""
        if column not in _SORT_KEYS:
            return
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else column in (
                "created", "tokens", "progress", "duration")
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
        if job_id in self._shown:
            self._update_row(self.jobs[job_id])
        return job_id in self.marked

    def select_job(self, job_id: str) -> bool:
        """Move the cursor to `job_id`'s row (clearing a filter that hides it)."""
        if job_id not in self._shown and self.filter_text and job_id in self.jobs:
            self.set_filter("")
        if job_id not in self._shown:
            return False
        self.move_cursor(row=self.get_row_index(job_id))
        return True

    # --- internals ------------------------------------------------------------------
    def _apply(self) -> None:
        now = self._now
        if now is None:
            return
        keep = self.selected_key
        keep_index = self.cursor_row
        wanted = {jid for jid, job in self.jobs.items() if job_matches(job, self.filter_text)}
        for jid in list(self._shown):
            if jid not in wanted:
                self.remove_row(jid)
                del self._shown[jid]
        for jid in wanted:
            self._update_row(self.jobs[jid])
        self._sort(now)
        self._update_header_labels()
        if keep in self._shown:
            self.move_cursor(row=self.get_row_index(keep), scroll=False)
        elif self.row_count:
            # the job under the cursor left (filtered out or deleted): stay at that height
            self.move_cursor(row=min(keep_index, self.row_count - 1), scroll=False)

    def _cells(self, job: Job) -> tuple[str, ...]:
        now = self._now
        assert now is not None
        step, total = self.steps.get(job.id, (None, None))
        return (
            (MARK if job.id in self.marked else " ") + job.short_id,
            fmt.status_label(job.status),
            job.model,
            fmt.ellipsize_middle(fmt.model_or_suffix(job), OUTPUT_WIDTH),
            fmt.relative_time(job.created_at, now),
            fmt.duration(fmt.job_duration(job, now)),
            fmt.token_count(job.trained_tokens),
            # the step alone is for the summary pane; the column stays narrow
            fmt.progress_text(job, now, step=step if total else None, total_steps=total),
        )

    def _renderable(self, column: str, job: Job, text: str) -> Any:
        if column == "id":
            cell = _IdCell(job.id, text)
            cell.stylize("bold magenta", 0, 1)  # the mark
            return cell
        if column == "status":
            return Text(text, style=TONE_STYLE[fmt.status_tone(job.status)])
        if column in ("tokens", "progress", "duration"):
            return Text(text, justify="right")
        return Text(text)

    def _update_row(self, job: Job) -> None:
        cells = self._cells(job)
        before = self._shown.get(job.id)
        if before == cells:
            return
        columns = [key for key, _, _ in COLUMNS]
        if before is None:
            self.add_row(
                *(self._renderable(c, job, t) for c, t in zip(columns, cells, strict=True)),
                key=job.id,
            )
        else:
            for column, old, new in zip(columns, before, cells, strict=True):
                if old != new:
                    self.update_cell(job.id, column, self._renderable(column, job, new), update_width=False)
        self._shown[job.id] = cells

    def _sort(self, now: datetime) -> None:
        sort_key = _SORT_KEYS[self.sort_column]
        jobs, steps = self.jobs, self.steps

        def key(id_cell: _IdCell) -> tuple[Any, float]:
            job = jobs[id_cell.job_id]
            # ties: newest first within the chosen column (stable for equal values)
            return (sort_key(job, now, steps), job.created_at.timestamp())

        self.sort("id", key=key, reverse=self.sort_reverse)

    def _update_header_labels(self) -> None:
        arrow = " ▼" if self.sort_reverse else " ▲"
        for key, label, _ in COLUMNS:
            column = self.columns.get(key)  # type: ignore[call-overload]
            if column is None:
                continue
            wanted = label + (arrow if key == self.sort_column else "  ")
            if column.label.plain != wanted:
                column.label = Text(wanted)
        self.refresh()
