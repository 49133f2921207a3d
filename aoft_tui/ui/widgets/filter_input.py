"""The dashboard's filter line (`/`): mounted the first time it is asked for.

Not part of the first screen: an Input's import, styles and layout cost ~10 ms of the
first paint (bench/paint_pty.py), for a line that stays hidden until `/` is pressed."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

PLACEHOLDER = "filter: id, model, status, suffix or a tag (team=nlp) — enter to keep, esc to clear"


class FilterInput(Input):
    BINDINGS = [Binding("escape", "clear", "Clear filter", id="filter.clear")]

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="filter")

    def action_clear(self) -> None:
        self.value = ""
        self.screen.query_one("#jobs").focus()
