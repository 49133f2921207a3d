"""How long to wait before the next poll — one rule and one set of numbers for every view.

    poll_interval(active=True)                 # 2.0: something is moving
    poll_interval(active=False)                # 15.0: nothing moves, but something may start
    poll_interval(active=False, finished=True) # None: nothing more will ever come
    poll_interval(active=True, failures=3)     # 8.0: back off after errors, up to a minute

Pure (no Textual, no clock): the job list, the job detail and any later live view ask
this, and `aoft_tui.ui.poller.Poller` schedules what it answers.
"""

from __future__ import annotations

# Seconds between polls while something moves (the demo's emulator moves faster), while
# nothing does, and after errors: FIRST_BACKOFF doubling per consecutive failure, capped.
ACTIVE_INTERVAL = 2.0
DEMO_ACTIVE_INTERVAL = 1.0
# nothing moves: most of the idle cost (bench/idle.py) is these polls; the dashboard's asks
# one page of jobs and the whole list every fourth time (MainScreen, list_newest_jobs)
IDLE_INTERVAL = 15.0
FIRST_BACKOFF = 2.0
MAX_BACKOFF = 60.0


def poll_interval(
    *,
    active: bool,
    finished: bool = False,
    failures: int = 0,
    demo: bool = False,
    retry_after: float | None = None,
) -> float | None:
    """Seconds until the next poll, or None when there is nothing left to poll for.

    `failures` counts the polls that failed in a row (0 after a success); a server's
    `retry_after` (HTTP 429) is honoured when it asks for longer than the back-off."""
    if failures > 0:
        delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (failures - 1))
        return max(delay, retry_after) if retry_after else delay
    if finished:
        return None
    if active:
        return DEMO_ACTIVE_INTERVAL if demo else ACTIVE_INTERVAL
    return IDLE_INTERVAL
