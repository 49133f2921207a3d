"""The validator screen's file tree (folders and .jsonl files only) and its dialog that shows
one line of a dataset with the problem found on it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Label, Static

from aoft_tui.domain.validation import Problem


class JsonlTree(DirectoryTree):
    """A directory tree that shows only folders and .jsonl files (no hidden entries)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                if path.is_dir() or path.suffix.lower() == ".jsonl":
                    yield path
            except OSError:
                continue


class LinePreviewScreen(ModalScreen[None]):
    """One line of a dataset, pretty-printed, with the problem found on it."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="validate.preview.close")]

    def __init__(self, problem: Problem, text: str, *, is_json: bool) -> None:
        super().__init__()
        self.problem = problem
        self.text = text
        self.is_json = is_json

    def compose(self) -> ComposeResult:
        p = self.problem
        with Vertical(id="preview-dialog"):
            yield Static(
                Text.assemble(
                    (f"{p.file}:{p.line}", "bold"),
                    "  ",
                    (p.location or "", "italic"),
                    "\n",
                    (f"{p.severity}: {p.code}", "red" if p.is_error else "yellow"),
                    f" — {p.message}",
                ),
                id="preview-title",
            )
            with VerticalScroll(id="preview-body"):
                body = (
                    Syntax(self.text, "json", word_wrap=True, theme="ansi_dark")
                    if self.is_json
                    else Text(self.text)
                )
                yield Static(body, id="preview-text")
            yield Label("escape: close", id="preview-hint")

    def action_close(self) -> None:
        self.dismiss(None)
