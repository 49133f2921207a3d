"""A one-line title `id · status · base model → fine-tuned model` fitted to its width.

Wrapped into a one-row box the arrow stayed and its model went to a hidden second line (a
dangling `→` at 120 columns). Here the fine-tuned model loses its middle to fit, keeping
its end (the suffix), and is left out, arrow and all, when not even that fits.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import RenderResult
from textual.widgets import Static

from aoft_tui.domain.formatting import ellipsize_middle

ARROW = " → "
MIN_MODEL = 16  # shorter than this, a cut name says too little to be worth the room


def fit_title(head: str, model: str | None, width: int) -> str:
    """`head → model` within `width` cells: the model whole, cut in the middle, or left out."""
    if not model:
        return head
    room = width - cell_len(head) - cell_len(ARROW)
    if room >= cell_len(model):
        return f"{head}{ARROW}{model}"
    if room >= MIN_MODEL:
        return f"{head}{ARROW}{ellipsize_middle(model, room)}"
    return head


class TitleLine(Static):
    """`show(head, model)`; `content` keeps the whole text (copy, tests, screen readers)."""

    DEFAULT_CSS = "TitleLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, head: str = "", *, id: str | None = None) -> None:
        super().__init__(head, id=id, markup=False)
        self._head = head
        self._model: str | None = None

    def show(self, head: str, model: str | None) -> None:
        if (head, model) == (self._head, self._model):
            return
        self._head, self._model = head, model
        self.update(f"{head}{ARROW}{model}" if model else head)

    def render(self) -> RenderResult:
        return Text(fit_title(self._head, self._model, self.content_region.width or self.size.width))
