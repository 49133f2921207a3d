"""A yes/no modal for actions that change a job (cancel, pause, resume).

    self.app.push_screen(ConfirmScreen("Cancel job?", "ftjob-… will stop."), on_answer)

or, when only a yes does something:

    confirm_then(self.app, "Delete job?", "ftjob-… disappears.", lambda: self._delete(job_id), danger=True)

Dismisses with True (confirmed) or False. `y`/enter confirm, `n`/escape decline; the
default focus is on the safe answer, so a stray enter never cancels a job by accident
unless `danger=False`.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ConfirmScreen(ModalScreen[bool]):
    CSS_PATH = "confirm.tcss"

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, message: str, *, confirm_label: str = "Yes", danger: bool = False) -> None:
        super().__init__(classes="-danger" if danger else None)
        self._title = title
        self._message = message
        self._confirm_label = confirm_label
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self._title, id="confirm-title")
            yield Static(self._message, id="confirm-message", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("No (n)", id="no")
                yield Button(
                    f"{self._confirm_label} (y)",
                    id="yes",
                    variant="error" if self._danger else "primary",
                )

    def on_mount(self) -> None:
        # Focus the harmless answer for destructive actions.
        self.query_one("#no" if self._danger else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def confirm_then(
    app: App[object],
    title: str,
    message: str,
    on_yes: Callable[[], object],
    *,
    confirm_label: str = "Yes",
    danger: bool = False,
) -> None:
    """Ask with a ConfirmScreen and run `on_yes` only on a yes; a no (or escape) does nothing."""

    def answered(yes: bool | None) -> None:
        if yes:
            on_yes()

    app.push_screen(ConfirmScreen(title, message, confirm_label=confirm_label, danger=danger), answered)
