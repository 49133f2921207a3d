"""Snapshots of the Files view and the Log view at 80×24 and 120×40.

Deterministic as the dashboard snapshots are (frozen wall clock, seeded emulator with a
frozen clock). The log's request ids (uuid4) and durations (real time) differ on every run,
so the picture's log gets fixed ones; its methods, paths and statuses are the real requests'.
"""

from __future__ import annotations

import pytest

from tests.support import demo
from tests.ui.main_support import loaded, make_app

from .screen_steps import files_view, log_after_a_failure


@pytest.fixture
def frozen_demo():
    with demo.frozen_demo() as (emu, svc):
        yield make_app(svc, emu), emu


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_files_view(snap_compare, frozen_demo, size):
    app, _ = frozen_demo
    assert snap_compare(app, terminal_size=size, run_before=files_view)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_log_view(snap_compare, frozen_demo, size):
    app, emu = frozen_demo
    assert snap_compare(app, terminal_size=size, run_before=lambda pilot: log_after_a_failure(pilot, emu))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_links_view(snap_compare, size):
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("down", "u")
        await pilot.pause()

    with demo.frozen_demo(advance=0) as (emu, svc):
        app = make_app(
            svc,
            emu,
            subscription_id="00000000-1111-2222-3333-444444444444",
            resource_group="rg-ft",
            account_name="my-aoai",
        )
        assert snap_compare(app, terminal_size=size, run_before=run_before)
