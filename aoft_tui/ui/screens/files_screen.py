"""The resource's files (`F` on the dashboard): name, purpose, size, status, age, the jobs
using each one, a gauge of Azure's file quota, and delete with confirmation.

A file an unfinished job (running, pending, paused…) uses is never deleted: the screen says
which job holds it, and `services.files.delete_unused_file` checks again against a fresh job
list before deleting. Loading runs in a thread worker; nothing blocks the UI.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from aoft_tui.domain import formatting as fmt
from aoft_tui.services import files as files_service
from aoft_tui.services.errors import ServiceError
from aoft_tui.ui.screens.base import AoftScreen
from aoft_tui.ui.screens.confirm import ConfirmScreen
from aoft_tui.ui.widgets.key_bar import KeyBar
from aoft_tui.ui.widgets.table_fill import Heading, TableRow, fill_table

GAUGE_WIDTH = 20
HEADINGS = (
    Heading("Name", "name"),
    Heading("Purpose", "purpose"),
    Heading("Size", "size"),
    Heading("Status", "status"),
    Heading("Age", "age"),
    Heading("Used by", "used"),
)


class FilesLoaded(Message):
    def __init__(self, overview: files_service.FilesOverview) -> None:
        super().__init__()
        self.overview = overview


class FilesFailed(Message):
    def __init__(self, error: ServiceError, action: str) -> None:
        super().__init__()
        self.error = error
        self.action = action


class FileDeleted(Message):
    def __init__(self, file_id: str) -> None:
        super().__init__()
        self.file_id = file_id


def quota_gauge(quota: files_service.FileQuota, width: int = GAUGE_WIDTH) -> Text:
    """`files ███░░░ 13 of 50 · 230.1 KiB of 1.0 GiB` — coloured by the fuller limit."""
    fraction = min(1.0, quota.fraction)
    filled = round(fraction * width)
    tone = "red" if fraction >= 0.9 else "yellow" if fraction >= 0.7 else "green"
    gauge = Text("quota ")
    gauge.append("█" * filled, style=tone)
    gauge.append("░" * (width - filled), style="bright_black")
    gauge.append(
        f" {quota.files} of {quota.max_files} files · "
        f"{fmt.byte_size(quota.total_bytes)} of {fmt.byte_size(quota.max_total_bytes)}"
    )
    return gauge


class FilesScreen(AoftScreen[None]):
    CSS_PATH = "files_screen.tcss"

    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="files.back"),
        Binding("X", "delete_file", "Delete", id="files.delete", tooltip="Delete the selected file (asks first)"),
        Binding("y", "copy_id", "Copy id", id="files.copy", tooltip="Copy the file id (OSC 52, works over SSH)"),
        Binding("ctrl+r", "refresh", "Refresh", id="refresh", tooltip="Read the files again"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.overview: files_service.FilesOverview | None = None
        self.loaded = False  # the first list arrived (tests and snapshots wait on it)

    def compose(self) -> ComposeResult:
        yield Label("Files", id="files-title")
        yield Static("", id="files-quota")
        yield DataTable(id="files", cursor_type="row", zebra_stripes=True)
        yield Static("loading files…", id="files-detail")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        fill_table(table, HEADINGS, [])
        table.focus()
        self._load()

    # --- loading ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="files", exit_on_error=False)
    def _load(self) -> None:
        try:
            self.post_message(FilesLoaded(files_service.files_overview(self.aoft.service)))
        except ServiceError as err:
            self.post_message(FilesFailed(err, "list files"))
        except Exception as err:
            self.post_message(FilesFailed(ServiceError(f"{type(err).__name__}: {err}"), "list files"))

    def on_files_loaded(self, message: FilesLoaded) -> None:
        self.overview = message.overview
        table = self.query_one(DataTable)
        selected = self.selected
        now = self.aoft.now()
        name_width = 28 if self.size.width >= 100 else 18  # 80 columns: no sideways scrolling
        rows: list[TableRow] = []
        for usage in message.overview.files:
            f = usage.file
            users = ", ".join(job.short_id for job in usage.jobs) or fmt.DASH
            status = Text(f.status.value, style="red" if f.status.value == "error" else "")
            rows.append((f.id, (fmt.ellipsize_middle(f.filename, name_width), f.purpose, fmt.byte_size(f.bytes),
                                status, fmt.relative_time(f.created_at, now), users)))  # fmt: skip
        fill_table(table, HEADINGS, rows)  # widths set before the paint, never at idle
        if selected is not None and selected.file.id in table.rows:
            table.move_cursor(row=table.get_row_index(selected.file.id))
        self.query_one("#files-quota", Static).update(quota_gauge(message.overview.quota))
        where = "the demo emulator" if self.aoft.demo else self.aoft.endpoint_label
        self.query_one("#files-title", Label).update(f"Files of {where}")
        self._show_detail()
        self.loaded = True

    def on_files_failed(self, message: FilesFailed) -> None:
        self.loaded = True
        self.notify(
            str(message.error), title=f"Could not {message.action}: {message.error.title}", severity="error"
        )
        if self.overview is None:
            self.query_one("#files-detail", Static).update(f"Could not list files: {message.error}")

    # --- selection ----------------------------------------------------------------------------
    @property
    def selected(self) -> files_service.FileUsage | None:
        table = self.query_one(DataTable)
        if self.overview is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((u for u in self.overview.files if u.file.id == key), None)

    def on_data_table_row_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        usage = self.selected
        detail = self.query_one("#files-detail", Static)
        if usage is None:
            detail.update("No files on this resource." if self.overview is not None else "loading files…")
            return
        text = Text(usage.file.id, style="bold")
        if usage.jobs:
            text.append("  used by " + ", ".join(f"{j.id} ({j.status.value})" for j in usage.jobs))
        if usage.file.status_details:
            text.append(f"\n{usage.file.status_details}", style="red")
        detail.update(text)

    # --- actions ------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self._load()

    def action_copy_id(self) -> None:
        usage = self.selected
        if usage is not None:
            self.app.copy_to_clipboard(usage.file.id)
            self.notify(usage.file.id, title="Copied file id")

    def action_delete_file(self) -> None:
        usage = self.selected
        if usage is None:
            self.notify("Select a file first.", title="No file selected", severity="warning")
            return
        blocking = usage.blocking_jobs
        if blocking:
            names = ", ".join(f"{j.id} ({j.status.value})" for j in blocking)
            self.notify(
                f"{usage.file.filename} ({usage.file.id}) is used by {names}. Wait until it finishes or "
                "cancel it, then delete the file.",
                title="File in use",
                severity="warning",
                timeout=10,
            )
            return
        f = usage.file

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(f.id)

        consequence = f"{f.id} ({fmt.byte_size(f.bytes)}) is removed from the resource for good."
        if usage.jobs:
            consequence += f" Finished jobs that used it: {', '.join(j.short_id for j in usage.jobs)}."
        self.app.push_screen(ConfirmScreen(f"Delete {f.filename}?", consequence, confirm_label="Delete",
                                           danger=True), answered)  # fmt: skip

    @work(thread=True, group="files-delete", exit_on_error=False)
    def _delete(self, file_id: str) -> None:
        try:
            files_service.delete_unused_file(self.aoft.service, file_id)
        except ServiceError as err:
            self.post_message(FilesFailed(err, "delete"))
        except Exception as err:
            self.post_message(FilesFailed(ServiceError(f"{type(err).__name__}: {err}"), "delete"))
        else:
            self.post_message(FileDeleted(file_id))

    def on_file_deleted(self, message: FileDeleted) -> None:
        self.notify(f"{message.file_id} is deleted.", title="File deleted")
        self._load()
