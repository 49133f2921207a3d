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
        app.now = T0 + 1
        await pilot.pause(1.2)  # it redraws by itself
        assert str(indicator.render()) == "● connected"

        app.now = T0 + 10
        await pilot.pause(1.2)
        assert str(indicator.render()) == "● answered 12:03:10 · next check in 5 s"

        app.now = T0 + 19  # the poll is 4 s overdue: it hangs on a dead service
        await pilot.pause(1.2)
        assert str(indicator.render()) == "◐ no answer since 12:03:10 · trying…"

        indicator.state = "retrying"
        indicator.next_try_in(8)
        assert str(indicator.render()) == "◐ no answer since 12:03:10 · retry in 8 s"
        indicator.state = "offline"
        indicator.next_try_in(30)
        assert str(indicator.render()) == "○ no answer since 12:03:10 · retry in 30 s"


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
