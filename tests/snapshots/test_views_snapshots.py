"""Snapshots of the Files view and the Log view at 80×24 and 120×40.

Deterministic as the dashboard snapshots are (frozen wall clock, seeded emulator with a
frozen clock). The log's request ids (uuid4) and durations (real time) differ on every run,
so the picture's log gets fixed ones; its methods, paths and statuses are the real requests'.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.ui.main_support import loaded, make_app, settle

from .snapshot_support import fixed_ids_and_timings

FROZEN_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def frozen_demo():
    from aoft_tui.emulator.embedded import EmbeddedEmulator
    from aoft_tui.services.finetuning import FineTuningService

    with time_machine.travel(FROZEN_AT, tick=False), EmbeddedEmulator(seed_jobs=8, speed=0.0, seed=7) as emu:
        emu.advance(600)
        svc = FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=0, timeout=10)
        try:
            yield make_app(svc, emu), emu
        finally:
            svc.close()


async def _files(pilot) -> None:
    from aoft_tui.ui.screens.files_screen import FilesScreen

    await loaded(pilot)
    await pilot.press("F")
    for _ in range(100):
        if isinstance(pilot.app.screen, FilesScreen) and pilot.app.screen.loaded:
            break
        await pilot.pause(0.02)
    await settle(pilot)
    await pilot.press("down")
    await pilot.pause()


def _log_after_a_failure(emu):
    async def run_before(pilot) -> None:
        await loaded(pilot)
        emu.faults.schedule("500", method="GET", path_contains="/checkpoints", count=1)
        await pilot.press("enter", "4")  # the detail's checkpoints tab: one request fails
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        fixed_ids_and_timings(pilot.app.service.request_log, emu.endpoint)
        pilot.app.clear_notifications()  # the failure's toast (its id is random); the log keeps it
        await pilot.press("L")
        await pilot.pause(0.6)
        await pilot.press("down", "down")  # the failed request: its message below the table
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_files_view(snap_compare, frozen_demo, size):
    app, _ = frozen_demo
    assert snap_compare(app, terminal_size=size, run_before=_files)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_log_view(snap_compare, frozen_demo, size):
    app, emu = frozen_demo
    assert snap_compare(app, terminal_size=size, run_before=_log_after_a_failure(emu))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_links_view(snap_compare, size):
    from aoft_tui.emulator.embedded import EmbeddedEmulator
    from aoft_tui.services.finetuning import FineTuningService

    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("down", "u")
        await pilot.pause()

    with time_machine.travel(FROZEN_AT, tick=False), EmbeddedEmulator(seed_jobs=8, speed=0.0, seed=7) as emu:
        svc = FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=0, timeout=10)
        app = make_app(
            svc,
            emu,
            subscription_id="00000000-1111-2222-3333-444444444444",
            resource_group="rg-ft",
            account_name="my-aoai",
        )
        try:
            assert snap_compare(app, terminal_size=size, run_before=run_before)
        finally:
            svc.close()
