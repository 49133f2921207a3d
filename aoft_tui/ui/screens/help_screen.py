"""Every key of the screen underneath (after keymap overrides), as a modal table. ? / F1 / esc close it.

Listed from the screen's whole binding chain (focused widget, screen, app), not only the
keys active right now: the detail's chart keys show on its Overview tab too. Each action
is one row with all of its keys (`? f1`, `esc backspace`).
"""

from __future__ import annotations

from dataclasses import replace

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from aoft_tui.ui.screens.base import AoftModalScreen

# Keys that are the widgets' own (not Bindings of ours), and what they do everywhere.
NAVIGATION = [
    ("↑ ↓ PgUp PgDn", "Move the selection"),
    ("← →", "Scroll the table sideways"),
    ("tab / shift+tab", "Move focus between panes"),
    ("esc", "Back / close"),
]


class HelpScreen(AoftModalScreen[None]):
    CSS_PATH = "help_screen.tcss"
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self._under = under
        self.rows: list[tuple[str, str]] = []  # (keys, what they do), as shown

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Label("Keys", id="help-title")
            yield Static(self._table(), id="help-keys")

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        keys_of: dict[str, list[str]] = {}  # binding id -> its keys, as displayed
        what: dict[str, str] = {}
        taken: set[str] = set()  # a key bound nearer the focus hides the same key further out
        for _namespace, bindings in self._under._modal_binding_chain:
            for key, binding in bindings:
                if not binding.id or key in taken or binding.id.startswith(("filter.", "confirm.")):
                    continue
                taken.add(key)
                shown = binding.key_display or self.app.get_key_display(replace(binding, key=key))
                keys = keys_of.setdefault(binding.id, [])
                if shown not in keys:
                    keys.append(shown)
                what.setdefault(binding.id, binding.tooltip or binding.description)
        # the screen's own keys first; the movement keys every screen shares after them
        order = sorted(keys_of, key=lambda binding_id: binding_id.startswith("nav."))
        self.rows.extend((" ".join(keys_of[binding_id]), what[binding_id]) for binding_id in order)
        self.rows.extend(NAVIGATION)
        for shown_keys, text in self.rows:
            table.add_row(shown_keys, text)
        return table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
