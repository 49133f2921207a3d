"""poll_interval: the one rule every live view polls by."""

from __future__ import annotations

from aoft_tui.services.polling import (
    ACTIVE_INTERVAL,
    DEMO_ACTIVE_INTERVAL,
    FIRST_BACKOFF,
    IDLE_INTERVAL,
    MAX_BACKOFF,
    poll_interval,
)


def test_moving_is_fast_still_is_slow_finished_stops() -> None:
    assert poll_interval(active=True) == ACTIVE_INTERVAL
    assert poll_interval(active=True, demo=True) == DEMO_ACTIVE_INTERVAL < ACTIVE_INTERVAL
    assert poll_interval(active=False) == IDLE_INTERVAL > ACTIVE_INTERVAL
    assert poll_interval(active=False, finished=True) is None


def test_failures_double_the_wait_up_to_the_cap() -> None:
    waits = [poll_interval(active=True, failures=n) for n in range(1, 10)]
    assert waits[:4] == [FIRST_BACKOFF, 2 * FIRST_BACKOFF, 4 * FIRST_BACKOFF, 8 * FIRST_BACKOFF]
    assert waits == sorted(waits) and waits[-1] == MAX_BACKOFF
    # a failure is retried even when the view thought it was finished, idle or a demo
    assert poll_interval(active=False, finished=True, failures=1) == FIRST_BACKOFF
    assert poll_interval(active=True, demo=True, failures=2) == 2 * FIRST_BACKOFF


def test_a_servers_retry_after_wins_only_when_longer() -> None:
    assert poll_interval(active=True, failures=1, retry_after=30) == 30
    assert poll_interval(active=True, failures=6, retry_after=5) == MAX_BACKOFF
    assert poll_interval(active=True, retry_after=30) == ACTIVE_INTERVAL  # no failure: no back-off
