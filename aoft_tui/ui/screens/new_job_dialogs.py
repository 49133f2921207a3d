"""Two small modals of the new-job form: a JSONL file picker and the pre-flight report."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Label, Static

DATASET_SUFFIXES = (".jsonl", ".json", ".txt")


class DatasetTree(DirectoryTree):
    """Folders and dataset files only; hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in DATASET_SUFFIXES)
        ]


class FilePickerScreen(ModalScreen[Path | None]):
    """Pick a dataset file with the keyboard: arrows, enter to open or choose, escape."""

    CSS_PATH = "new_job_screen.tcss"
    BINDINGS = [
        Binding("escape", "dismiss_none", "Close", id="new_job.picker.close"),
        Binding("backspace", "parent", "Up a folder", id="new_job.picker.parent"),
    ]

    def __init__(self, title: str, start_dir: Path) -> None:
        super().__init__()
        self._title = title
        self._dir = start_dir

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            yield Label(self._title, id="picker-title")
            yield Label(str(self._dir), id="picker-path")
            yield DatasetTree(self._dir, id="picker-tree")
            yield Static("enter choose · backspace up a folder · escape close", id="picker-help")

    def on_mount(self) -> None:
        self.query_one(DatasetTree).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    def action_parent(self) -> None:
        tree = self.query_one(DatasetTree)
        parent = Path(tree.path).resolve().parent
        tree.path = parent
        self.query_one("#picker-path", Label).update(str(parent))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class PreflightReportScreen(ModalScreen[bool]):
    """The pre-flight problems, errors first: what is wrong, where, and how to fix it.

    Dismisses with True when the user asks for the full validator (key v)."""

    CSS_PATH = "new_job_screen.tcss"
    BINDINGS = [
        Binding("escape,q,ctrl+r", "dismiss_none", "Close", id="new_job.report.close"),
        Binding("v", "open_validator", "Open in validator", id="new_job.report.validator"),
    ]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self._title = title
        self._lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(id="report-dialog"):
            yield Label(self._title, id="report-title")
            with VerticalScroll(id="report-scroll"):
                yield Static("\n".join(self._lines) or "No problems found.", id="report-body", markup=False)
            yield Static("v open in the validator (see each line) · escape close", id="report-help")

    def on_mount(self) -> None:
        self.query_one("#report-scroll").focus()

    def action_open_validator(self) -> None:
        self.dismiss(True)

    def action_dismiss_none(self) -> None:
        self.dismiss(False)
