"""Connection indicator: `● connected`, `◐ retrying`, `○ offline` (symbol + word, so it
reads without colour). Colours come from app.tcss via the `-ok/-retrying/-offline` classes.

"Connected" is a claim about the last answer, not about now: it is shown only while that
answer is fresh. After that the text says when the last answer came and when the next
try is — `● answered 12:03:10 · next check 12:03:25`, `◐ no answer since 12:03:10 · retry
in 8 s` — so a service that died between two polls is never reported as connected for
the whole interval.

It redraws itself only when its text can change: when the answer stops being fresh, when
the next try is overdue, and each second of a retry countdown. The idle poll's next check
is a clock time, not a countdown, so a dashboard left open does not wake every second for
a label nobody reads (bench/idle.py).

While the table shows the list cached from the last run (`cached` is True) the text says
so — `◌ cached · connecting…` — until the first live list arrives.

On a narrow screen (the main screen's `-narrow` class, under 100 columns) the text is
shortened — `◐ retry in 8 s`, `○ offline · retry in 30 s` — so the header keeps room for
the profile and resource beside it; the long text is then the tooltip."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

ConnectionState = Literal["connecting", "ok", "retrying", "offline"]

_TEXT: dict[str, str] = {
    "connecting": "◌ connecting",
    "ok": "● connected",
    "retrying": "◐ retrying",
    "offline": "○ offline",
}
# An answer younger than this is "connected" (a poll of an active job comes every 2 s).
FRESH_FOR = 4.0
# A try overdue by this much is hanging (a stalled service, the SDK's retries): say so.
OVERDUE_AFTER = 3.0
# Redraw this long after the moment the text changes, so the clock has surely passed it.
_AFTER_CHANGE = 0.02


class ConnectionIndicator(Static):
    state: reactive[ConnectionState] = reactive("connecting")
    cached: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(_TEXT["connecting"], id=id, markup=False)
        self.clock = clock  # wall-clock seconds (tests freeze or move it)
        self.last_answer: float | None = None
        self.next_try_at: float | None = None
        self._redraw_timer: Timer | None = None
        self._shown_compact: bool | None = None

    def on_mount(self) -> None:
        self._show()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # the screen went narrow or wide (its breakpoint class): the short or long text
        if self._shown_compact is not None and self.compact != self._shown_compact:
            self.call_later(self._show)

    # --- what the poller tells it ------------------------------------------------------------
    def answered(self) -> None:
        """An answer arrived just now."""
        self.last_answer = self.clock()
        self.next_try_at = None
        self.state = "ok"
        self._show()

    def next_try_in(self, seconds: float | None) -> None:
        """The next request goes out in `seconds` (None: not scheduled, e.g. a screen on top)."""
        self.next_try_at = None if seconds is None else self.clock() + seconds
        self._show()

    # --- drawing -------------------------------------------------------------------------------
    def watch_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")
        self._show()

    def watch_cached(self, cached: bool) -> None:
        self.set_class(cached, "-cached")
        self._show()

    @property
    def compact(self) -> bool:
        """Short texts: the screen is laid out for a narrow terminal (MainScreen.-narrow)."""
        try:
            return self.screen.has_class("-narrow")
        except Exception:
            return False

    def describe(self) -> str:
        return self._shortened() if self.compact else self._describe_in_full()

    def _shortened(self) -> str:
        """The same news in at most 25 columns: the state, and when the next try is."""
        if self.cached or self.state == "connecting":
            return self._describe_in_full()
        now = self.clock()
        overdue = self._overdue(now)
        if self.state == "ok":
            if overdue:
                return "◐ no answer · trying…"
            if self.last_answer is None or now - self.last_answer <= FRESH_FOR:
                return _TEXT["ok"]
            return f"● answered {_clock_time(self.last_answer)}"
        head = "◐" if self.state == "retrying" else "○ offline ·"
        if overdue:
            return f"{head} trying…"
        when = self._next(now, "retry").removeprefix(" · ")
        return f"{head} {when}" if when else _TEXT[self.state]

    def _overdue(self, now: float) -> bool:
        return self.next_try_at is not None and now - self.next_try_at > OVERDUE_AFTER

    def _describe_in_full(self) -> str:
        if self.cached:
            symbol, word = _TEXT[self.state].split(" ", 1)
            return f"{symbol} cached · {word}{'…' if self.state in ('connecting', 'retrying') else ''}"
        if self.state == "connecting":
            return _TEXT["connecting"]
        now = self.clock()
        since = "yet" if self.last_answer is None else f"since {_clock_time(self.last_answer)}"
        overdue = self._overdue(now)
        if self.state == "ok":
            if overdue:  # asked, and no answer has come: the service may be gone
                return f"◐ no answer {since} · trying…"
            if self.last_answer is None or now - self.last_answer <= FRESH_FOR:
                return _TEXT["ok"]
            return f"● answered {_clock_time(self.last_answer)}{self._next(now, 'next check')}"
        symbol = "◐" if self.state == "retrying" else "○"
        return f"{symbol} no answer {since}{' · trying…' if overdue else self._next(now, 'retry')}"

    def _next(self, now: float, word: str) -> str:
        if self.next_try_at is None:
            return ""
        if self.state == "ok":  # the idle poll's next check: a time, which needs no ticking
            return f" · {word} {_clock_time(self.next_try_at)}"
        left = self.next_try_at - now
        return f" · {word} now" if left < 0.5 else f" · {word} in {left:.0f} s"

    def changes_at(self) -> float | None:
        """The clock time at which the text changes by itself next (None: not until told)."""
        if self.cached or self.state == "connecting":
            return None
        now = self.clock()
        moments = []
        if self.state == "ok" and self.last_answer is not None and now - self.last_answer <= FRESH_FOR:
            moments.append(self.last_answer + FRESH_FOR)  # "connected" turns into "answered …"
        if self.next_try_at is not None:
            overdue_at = self.next_try_at + OVERDUE_AFTER
            if now <= overdue_at:
                moments.append(overdue_at)  # "… · trying…"
            left = self.next_try_at - now
            if self.state != "ok" and left >= 0.5:  # "retry in 8 s": the shown number rounds at .5
                moments.append(now + ((left - 0.5) % 1.0 or 1.0))
        return min(moments, default=None)

    def redraw(self) -> None:
        """Show the text for the clock's time now, and wait for its next change."""
        self._show()

    def _show(self) -> None:
        text = self.describe()
        self._shown_compact = self.compact
        self.update(text)
        full = self._describe_in_full()
        self.tooltip = full if full != text else None
        self._schedule_redraw()

    def _schedule_redraw(self) -> None:
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
            self._redraw_timer = None
        at = self.changes_at()
        if at is None or not self.is_mounted:
            return
        delay = max(0.0, at - self.clock()) + _AFTER_CHANGE
        self._redraw_timer = self.set_timer(delay, self._show, name="connection-change")


def _clock_time(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%H:%M:%S")
