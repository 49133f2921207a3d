"""A Switch that says its state in text, `[x] on` / `[ ] off`: Textual's draws a slider
whose state shows only by shading, lost under NO_COLOR and on monochrome terminals."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.widgets import Switch

ON, OFF = "[x] on ", "[ ] off"


class TextSwitch(Switch):
    DEFAULT_CSS = "TextSwitch { width: 7; height: 1; border: none; padding: 0; }"

    def render(self) -> RenderResult:
        return Text(ON if self.value else OFF, style="bold" if self.value else "")
