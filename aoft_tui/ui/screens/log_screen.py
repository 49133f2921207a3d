"""The app's own requests and errors (`L`): time, method, path, status, duration, request id.

Toasts disappear; this stays (the last `request_log.DEFAULT_CAPACITY` requests). It reads
the service's `RequestLog` — which never holds a key or token — twice a second, redrawing
only when something changed. The filter matches any column, the error text included.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label, Static

from aoft_tui.domain import formatting as fmt
from aoft_tui.services.request_log import RequestLog, RequestRecord
from aoft_tui.ui.screens.base import AoftScreen
from aoft_tui.ui.widgets.key_bar import KeyBar
from aoft_tui.ui.widgets.table_fill import Heading, TableRow, fill_table

REFRESH_SECONDS = 0.5
API_PREFIX = "/openai"  # every data-plane path starts with it: left out to save a column
HEADINGS = tuple(
    Heading(label, key)
    for label, key in (("Time", "time"), ("Method", "method"), ("Path", "path"), ("Status", "status"),
                       ("ms", "ms"), ("Request id", "rid"))
)  # fmt: skip
_LONG_ID = re.compile(r"\b(?:ftjob|file|ftckpt|upload)-[0-9A-Za-z]{9,}")


def short_path(path: str) -> str:
    """`/openai/fine_tuning/jobs/ftjob-…c28c2e/events` → `/fine_tuning/jobs/…d4c28c2e/events`:
    ids cut to their last 8 characters, as the dashboard shows them."""
    return _LONG_ID.sub(lambda m: "…" + m.group()[-8:], path.removeprefix(API_PREFIX)) or "/"


class LogFilter(Input):
    BINDINGS = [Binding("escape", "leave", "Back to the log", id="filter.log_leave")]

    def action_leave(self) -> None:
        self.screen.query_one(DataTable).focus()


def status_text(record: RequestRecord) -> Text:
    if record.status is None:
        return Text("no answer", style="bold red")
    tone = (
        "red"
        if record.status >= 500 or record.status == 429
        else "yellow"
        if record.status >= 400
        else "green"
    )
    return Text(str(record.status), style=tone)


class LogScreen(AoftScreen[None]):
    CSS_PATH = "log_screen.tcss"

    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="log.back"),
        Binding("slash", "filter", "Filter", id="log.filter", tooltip="Show only entries containing a text"),
        Binding("y", "copy_request_id", "Copy id", id="log.copy",
                tooltip="Copy the request id (what an Azure support ticket asks for)"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self._shown_version = -1
        self._shown: list[RequestRecord] = []

    @property
    def request_log(self) -> RequestLog | None:
        return self.aoft.service.request_log

    def compose(self) -> ComposeResult:
        yield Label("Requests and errors of this session", id="log-title")
        yield LogFilter(
            placeholder="filter: method, path, status, request id, error — esc to leave", id="log-filter"
        )
        yield DataTable(id="log", cursor_type="row", zebra_stripes=True)
        yield Static("", id="log-detail")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        fill_table(table, HEADINGS, [])
        table.focus()
        self.call_after_refresh(self._refresh_rows)  # after layout: the columns fit the width
        self.set_interval(REFRESH_SECONDS, self._refresh_rows, name="log-refresh")

    def _refresh_rows(self, *, force: bool = False) -> None:
        log = self.request_log
        version = log.version if log is not None else 0
        if version == self._shown_version and not force:
            return
        self._shown_version = version
        needle = self.query_one(LogFilter).value
        entries = [e for e in (log.entries() if log else []) if e.matches(needle)]
        entries.reverse()  # newest first: what just went wrong is on top
        self._shown = entries
        table = self.query_one(DataTable)
        row = table.cursor_row
        # below 110 columns the request id is cut to its first 8 characters (the detail line
        # and the copy key have it whole) and the path gets the rest
        narrow = self.size.width < 110
        path_width = max(16, self.size.width - (52 if narrow else 80))
        rows: list[TableRow] = []
        for index, entry in enumerate(entries):
            path = short_path(entry.path)
            if narrow:  # every job path has it: the detail line has the whole path
                path = path.removeprefix("/fine_tuning")
            rid = entry.request_id or fmt.DASH
            rows.append((str(index), (entry.at.astimezone().strftime("%H:%M:%S"), entry.method,
                                      fmt.ellipsize_middle(path, path_width), status_text(entry),
                                      f"{entry.duration * 1000:.0f}",
                                      rid[:8] + "…" if narrow and len(rid) > 8 else rid)))  # fmt: skip
        fill_table(table, HEADINGS, rows)  # widths set before the paint, never at idle
        if entries:
            table.move_cursor(row=min(row, len(entries) - 1))
        title = f"Requests and errors of this session · {len(entries)} shown"
        failed = sum(e.failed for e in entries)
        self.query_one("#log-title", Label).update(title + (f" · {failed} failed" if failed else ""))
        self._show_detail()

    @property
    def selected(self) -> RequestRecord | None:
        table = self.query_one(DataTable)
        if not self._shown or not table.row_count:
            return None
        return self._shown[min(table.cursor_row, len(self._shown) - 1)]

    def on_data_table_row_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        entry = self.selected
        detail = self.query_one("#log-detail", Static)
        if entry is None:
            needle = self.query_one(LogFilter).value.strip()
            detail.update(f"Nothing matches “{needle}”." if needle else "No requests yet.")
            return
        text = Text(f"request id {entry.request_id}" if entry.request_id else "no request id", style="bold")
        if self.size.width >= 110:
            text.append(f"  {entry.method} {entry.path}")
        if entry.error:
            text.append("\n" + entry.error, style="red")
        detail.update(text)

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self) -> None:
        self._refresh_rows(force=True)

    @on(Input.Submitted, "#log-filter")
    def _filter_submitted(self) -> None:
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.query_one(LogFilter).focus()

    def action_copy_request_id(self) -> None:
        entry = self.selected
        if entry is None or not entry.request_id:
            self.notify("The selected entry has no request id.", title="Nothing to copy", severity="warning")
            return
        self.app.copy_to_clipboard(entry.request_id)
        self.notify(entry.request_id, title="Copied request id")
