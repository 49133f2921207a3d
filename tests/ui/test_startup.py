"""Start-up: the cyclic GC paused by `aoft-tui` comes back on once the job list is shown."""

from __future__ import annotations

import gc
import socket

import pytest

from aoft_tui.cli.tui_cmd import emulator_clock
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.settings import Settings
from aoft_tui.ui.app import AoftApp

from .main_support import loaded


@pytest.fixture
def gc_paused():
    gc.disable()
    yield
    gc.enable()
    gc.unfreeze()


async def test_the_gc_is_back_on_and_start_up_frozen_after_the_first_list(
    gc_paused, seeded_emulator, seeded_service
) -> None:
    app = AoftApp(
        seeded_service, Settings(), demo=True, clock=emulator_clock(seeded_emulator), gc_paused=True
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.pause()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0


async def test_a_failed_first_poll_ends_start_up_too(gc_paused) -> None:
    with socket.socket() as sock:  # nothing listens here
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    service = FineTuningService(
        f"http://127.0.0.1:{port}", "key", "2025-04-01-preview", max_retries=0, timeout=2
    )
    app = AoftApp(service, Settings(), gc_paused=True)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if gc.isenabled():
                break
            await pilot.pause(0.02)
        assert gc.isenabled()
    service.close()


async def test_an_app_that_did_not_pause_the_gc_leaves_it_alone(seeded_emulator, seeded_service) -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    app = AoftApp(seeded_service, Settings(), demo=True, clock=emulator_clock(seeded_emulator))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert gc.isenabled() and gc.get_freeze_count() == frozen
