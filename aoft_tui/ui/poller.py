"""The one poller every live view uses: a timer, an in-flight flag, failures and back-off.

    self.poller = Poller(self, self._poll)        # in a Screen's __init__; _poll starts a worker
    self.poller.poll_now()                         # on mount, on ctrl+r, after an action
    self.poller.succeeded(active=..., finished=...)# in the worker's result handler
    self.poller.failed(error)                      # in its failure handler → the delay

One poll at a time: `poll_now()` while a poll runs only asks for another when it ends, so
polls never overlap and the interval stays honest on a slow network. How long to wait is
`services.polling.poll_interval` (one rule for every view). While another screen is on
top the poller is paused (`AoftScreen` forwards ScreenSuspend/ScreenResume): no timer
runs, and the poll that was due runs as soon as the screen is shown again — unless the
view asked for `background=SECONDS`: then, while something is moving, it keeps polling
that often behind the other screen (the job list does, to tell of jobs that end).

After each successful poll, once its handler has swapped in the new data, the memory the
poll freed is handed back to the system (`services.memory`): a dashboard left open for
hours stays flat.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget

from aoft_tui.services.errors import RateLimitError
from aoft_tui.services.memory import release_freed_memory
from aoft_tui.services.polling import poll_interval


class Poller:
    def __init__(
        self,
        owner: Widget,
        start: Callable[[], object],
        *,
        demo: bool = False,
        background: float | None = None,
    ) -> None:
        self._owner = owner  # its set_timer: the timer dies with the screen
        self._start = start  # starts one poll (a thread worker), whose handler reports back here
        self.demo = demo
        self.in_flight = False
        self.failures = 0  # consecutive failed polls
        self.paused = False
        self._again = False  # poll_now() came while a poll ran
        self._due = False  # a poll fell due while paused
        self._timer: Timer | None = None
        self.background = background  # seconds between polls while paused and active; None: none
        self._active = False  # the last poll saw something moving
        self.next_delay: float | None = None  # seconds to the poll on the timer (None: none is)

    @property
    def scheduled(self) -> bool:
        """A next poll is on the timer."""
        return self._timer is not None

    # --- starting ---------------------------------------------------------------------------
    def poll_now(self) -> None:
        self._stop_timer()
        if self.in_flight:
            self._again = True
            return
        if self.paused and not self._polls_in_background():
            self._due = True
            return
        self.in_flight = True
        self._start()

    # --- what the poll's handler reports -------------------------------------------------------
    def succeeded(self, *, active: bool, finished: bool = False) -> bool:
        """The poll worked; schedules the next. True if it ends a run of failures."""
        recovered = self.failures > 0
        self.failures = 0
        self._active = active
        self._next(poll_interval(active=active, finished=finished, demo=self.demo))
        # after the handler that called this: by then the previous data is unreferenced
        self._owner.call_later(release_freed_memory)
        return recovered

    def failed(self, error: BaseException) -> float:
        """The poll failed; schedules a retry after the back-off, and returns that delay."""
        self.failures += 1
        retry_after = error.retry_after if isinstance(error, RateLimitError) else None
        delay = poll_interval(active=True, failures=self.failures, retry_after=retry_after)
        assert delay is not None  # a failure is always retried
        self._next(delay)
        return delay

    # --- another screen on top --------------------------------------------------------------------
    def pause(self) -> None:
        self.paused = True
        if self._timer is not None:
            self._due = True  # a poll was coming: it runs on resume rather than never
        self._stop_timer()
        if self._polls_in_background() and not self.in_flight:
            assert self.background is not None
            self._set_timer(self.background)

    def resume(self) -> None:
        self.paused = False
        due, self._due = self._due, False
        if due:
            self.poll_now()

    # --- internals ---------------------------------------------------------------------------------
    def _next(self, delay: float | None) -> None:
        self.in_flight = False
        if self._again:
            self._again = False
            self.poll_now()
            return
        if delay is None:
            return  # nothing more will come
        if self.paused:
            self._due = True
            if not self._polls_in_background():
                return
            assert self.background is not None
            delay = max(delay, self.background)
        self._set_timer(delay)

    def _polls_in_background(self) -> bool:
        return self.background is not None and self._active

    def _set_timer(self, delay: float) -> None:
        self.next_delay = delay
        self._timer = self._owner.set_timer(delay, self.poll_now, name="poll")

    def _stop_timer(self) -> None:
        self.next_delay = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
