"""Keys of the screen underneath (after keymap overrides), as a modal table. ? / F1 / esc close it."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

NAVIGATION = [
    ("↑ ↓ PgUp PgDn", "Move the selection"),
    ("← →", "Scroll the table sideways"),
    ("tab / shift+tab", "Move focus between panes"),
    ("esc", "Back / close"),
]


class HelpScreen(ModalScreen[None]):
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
        seen: set[str] = set()
        for active in self._under.active_bindings.values():
            binding = active.binding
            key = binding.id or binding.action
            if not binding.id or key in seen or binding.id.startswith(("filter.", "confirm.")):
                continue
            seen.add(key)
            keys = self.app.get_key_display(binding)
            self.rows.append((keys, binding.tooltip or binding.description))
        self.rows.extend(NAVIGATION)
        for keys, what in self.rows:
            table.add_row(keys, what)
        return table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
