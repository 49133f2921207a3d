"""The dashboard's footer: the screen's keys and what they do, on one line.

Textual's `Footer(compact=True)` draws the same line from one widget per key, restyled
one by one and recomposed whenever focus moves: ~35 ms of the dashboard's first paint
(bench/paint.py). This is one widget that renders the active bindings as text — the same
look (the footer colours of the theme), a click on a key presses it, hovering a key shows
its tooltip, and it redraws when the screen's bindings change.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


_ENABLED = Style()
_DISABLED = Style(dim=True)


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

    def keys(self) -> list[_Key]:
        """The shown bindings, one per action (the first key bound to it), in screen order."""
        items, seen, x = [], set(), 0
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            display = self.app.get_key_display(binding)
            end = x + cell_len(display) + 1 + cell_len(binding.description)
            items.append(_Key(binding.key, display, binding.description, tooltip or binding.tooltip,
                              enabled, x, end))  # fmt: skip
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
