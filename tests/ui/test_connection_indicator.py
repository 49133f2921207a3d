"""The connection indicator says "connected" only while the last answer is fresh; after
that it says when the last answer came and when the next try is."""

from __future__ import annotations

from datetime import datetime

from textual.app import App, ComposeResult

from aoft_tui.ui.widgets.connection import ConnectionIndicator

from .main_support import loaded, make_app, settle

T0 = datetime(2026, 3, 2, 12, 3, 10).timestamp()  # local time 12:03:10


class _Host(App):
    def __init__(self) -> None:
        super().__init__()
        self.now = T0

    def compose(self) -> ComposeResult:
        yield ConnectionIndicator(id="connection", clock=lambda: self.now)


async def test_connected_only_while_the_last_answer_is_fresh() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        indicator = app.query_one(ConnectionIndicator)
        indicator.answered()
        indicator.next_try_in(15)  # an idle list: the next poll in 15 s
        assert indicator.changes_at() == T0 + 4  # when "connected" stops being true
        app.now = T0 + 1
        indicator.redraw()
        assert str(indicator.render()) == "● connected"

        app.now = T0 + 10
        indicator.redraw()
        assert str(indicator.render()) == "● answered 12:03:10 · next check 12:03:25"
        assert indicator.changes_at() == T0 + 18  # nothing changes until the check is overdue

        app.now = T0 + 19  # the poll is 4 s overdue: it hangs on a dead service
        indicator.redraw()
        assert str(indicator.render()) == "◐ no answer since 12:03:10 · trying…"
        assert indicator.changes_at() is None

        indicator.state = "retrying"
        indicator.next_try_in(8)
        assert str(indicator.render()) == "◐ no answer since 12:03:10 · retry in 8 s"
        assert indicator.changes_at() == T0 + 19.5  # a countdown: the next second
        indicator.state = "offline"
        indicator.next_try_in(30)
        assert str(indicator.render()) == "○ no answer since 12:03:10 · retry in 30 s"
        await pilot.pause()


async def test_idle_it_does_not_redraw_every_second() -> None:
    """At the idle poll nothing on it changes for seconds: it must not wake to redraw
    (it did, every second — most of a dashboard's idle work)."""
    app = _Host()
    async with app.run_test() as pilot:
        indicator = app.query_one(ConnectionIndicator)
        indicator.answered()
        app.now = T0 + 5  # the answer is no longer fresh; the next check is 10 s away
        indicator.next_try_in(10)
        redraws = []
        original = indicator.update
        indicator.update = lambda *args, **kwargs: (redraws.append(args), original(*args, **kwargs))  # type: ignore[method-assign]
        await pilot.pause(2.5)
        assert redraws == []
        assert str(indicator.render()) == "● answered 12:03:10 · next check 12:03:25"


async def test_a_retry_countdown_counts_down_by_itself() -> None:
    class RealClockHost(App):
        def compose(self) -> ComposeResult:
            yield ConnectionIndicator()

    app = RealClockHost()
    async with app.run_test() as pilot:
        indicator = app.query_one(ConnectionIndicator)
        indicator.state = "retrying"
        indicator.next_try_in(8)
        assert str(indicator.render()).endswith("retry in 8 s")
        await pilot.pause(1.7)
        assert str(indicator.render()).endswith(("retry in 7 s", "retry in 6 s", "retry in 5 s"))


async def test_after_the_service_died_the_main_screen_says_since_when(
    seeded_emulator, seeded_service
) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        indicator = screen.query_one(ConnectionIndicator)
        assert indicator.last_answer is not None
        answered_at = datetime.fromtimestamp(indicator.last_answer).strftime("%H:%M:%S")
        seeded_emulator.stop()
        await pilot.press("ctrl+r")
        await settle(pilot)
        text = str(indicator.render())
        assert indicator.state in ("retrying", "offline")
        assert text.startswith(f"◐ no answer since {answered_at} · retry in "), text
        assert text.endswith(" s")


async def test_it_shortens_as_soon_as_the_screen_turns_narrow() -> None:
    """No second-by-second redraw picks up the screen's `-narrow` class any more: the
    class change itself redraws it."""
    app = _Host()
    async with app.run_test() as pilot:
        indicator = app.query_one(ConnectionIndicator)
        indicator.answered()
        app.now = T0 + 10
        indicator.next_try_in(5)
        assert str(indicator.render()) == "● answered 12:03:10 · next check 12:03:25"
        app.screen.add_class("-narrow")
        await pilot.pause()
        assert str(indicator.render()) == "● answered 12:03:10"
        app.screen.remove_class("-narrow")
        await pilot.pause()
        assert str(indicator.render()) == "● answered 12:03:10 · next check 12:03:25"
