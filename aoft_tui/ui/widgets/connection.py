"""Connection indicator: `● connected`, `◐ retrying`, `○ offline` (symbol + word, so it
reads without colour). Colours come from app.tcss via the `-ok/-retrying/-offline` classes."""

from __future__ import annotations

from typing import Literal

from textual.reactive import reactive
from textual.widgets import Static

ConnectionState = Literal["connecting", "ok", "retrying", "offline"]

_TEXT: dict[str, str] = {
    "connecting": "◌ connecting",
    "ok": "● connected",
    "retrying": "◐ retrying",
    "offline": "○ offline",
}


class ConnectionIndicator(Static):
    state: reactive[ConnectionState] = reactive("connecting")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(_TEXT["connecting"], id=id, markup=False)

    def watch_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")
        self.update(_TEXT[new])
