"""Connection indicator: `● connected`, `◐ retrying`, `○ offline` (symbol + word, so it
reads without colour). Colours come from app.tcss via the `-ok/-retrying/-offline` classes.

While the table shows the list cached from the last run (`cached` is True) the text says
so — `◌ cached · connecting…` — until the first live list arrives."""

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
    cached: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(_TEXT["connecting"], id=id, markup=False)

    def watch_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")
        self._show()

    def watch_cached(self, cached: bool) -> None:
        self.set_class(cached, "-cached")
        self._show()

    def _show(self) -> None:
        if not self.cached:
            self.update(_TEXT[self.state])
            return
        symbol, word = _TEXT[self.state].split(" ", 1)
        self.update(f"{symbol} cached · {word}{'…' if self.state in ('connecting', 'retrying') else ''}")
