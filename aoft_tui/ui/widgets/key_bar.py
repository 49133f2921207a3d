"""The dashboard's footer: the screen's keys and what they do, on one line.

Textual's `Footer(compact=True)` draws the same line from one widget per key, restyled
one by one and recomposed whenever focus moves: ~35 ms of the dashboard's first paint
(bench/paint.py). This is one widget that renders the active bindings as text — the same
look (the footer colours of the theme), a click on a key presses it, hovering a key shows
its tooltip, and it redraws when the screen's bindings change. Every screen has one.

Help (`?`) and Quit (`q`) always show, at the end of the line: when the line is wider than
the terminal, the screen's last keys are left out first (the screen lists its most used
keys first), never those two.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

_ENABLED = Style()
_DISABLED = Style(dim=True)
# Binding ids (and actions) that are never left out of the line.
ALWAYS_SHOWN = ("help", "quit")


class _Key(NamedTuple):
    key: str  # what simulate_key presses
    display: str  # what is shown (after keymap overrides)
    description: str
    tooltip: str
    enabled: bool
    start: int  # first cell of this item on the line
    end: int


class KeyBar(Widget):
    """One line of `key description` items for the screen's shown bindings."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def keys(self, width: int | None = None) -> list[_Key]:
        """The shown bindings, one per action (the first key bound to it), in screen order,
        help and quit last; the last others are left out until the line fits `width`
        (default: this widget's width, if it has one)."""
        if width is None:
            width = self.size.width or None
        wanted: list[tuple[Binding, bool, str, str]] = []
        kept: list[tuple[Binding, bool, str, str]] = []
        seen: set[str] = set()
        hidden: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show and binding.action in ALWAYS_SHOWN:
                hidden.setdefault(binding.action, (binding, enabled, tooltip))  # Textual's own ctrl+q
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            item = (binding, enabled, tooltip or binding.tooltip, self.app.get_key_display(binding))
            (kept if binding.id in ALWAYS_SHOWN else wanted).append(item)
        # In a text field the app's letter keys type letters (q, ?): then show the key that
        # still works there (f1, ctrl+q) rather than leave help or quit out.
        for action in ALWAYS_SHOWN:
            if action not in seen and action in hidden:
                binding, enabled, tooltip = hidden[action]
                shown = replace(binding, description=action.capitalize(), id=action)
                kept.append((shown, enabled, tooltip or binding.tooltip, self.app.get_key_display(binding)))

        def cells(items: list) -> int:
            return sum(cell_len(display) + 2 + cell_len(b.description) for b, _, _, display in items)

        while wanted and width is not None and cells(wanted + kept) > width:
            wanted.pop()
        items, x = [], 0
        for binding, enabled, tooltip, display in wanted + kept:
            end = x + cell_len(display) + 1 + cell_len(binding.description)
            items.append(
                _Key(binding.key.split(",")[0], display, binding.description, tooltip, enabled, x, end)
            )
            x = end + 1  # one space between items
        return items

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        for item in self.keys():
            dim = _ENABLED if item.enabled else _DISABLED  # a key that can't run now is dimmed
            line.append(item.display, key_style + dim)
            line.append(" " + item.description, description_style + dim)
            line.append(" ")
        return line

    def _key_at(self, x: int) -> _Key | None:
        return next((item for item in self.keys() if item.start <= x < item.end), None)

    def on_click(self, event: events.Click) -> None:
        item = self._key_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self._key_at(event.x)
        self.tooltip = (item.tooltip or item.description) if item is not None else None
