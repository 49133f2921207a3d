"""Snapshot of the connect dialog as the first start shows it, over the demo, at 80×24."""

from __future__ import annotations

from tests.support import demo
from tests.ui.main_support import loaded, make_app


def test_connect_dialog_on_first_start_80x24(snap_compare):
    async def open_the_offer(pilot) -> None:
        await loaded(pilot)
        pilot.app.action_connect(first_run=True)
        await pilot.pause()

    with demo.frozen_demo() as (emu, svc):
        assert snap_compare(make_app(svc, emu), terminal_size=(80, 24), run_before=open_the_offer)
