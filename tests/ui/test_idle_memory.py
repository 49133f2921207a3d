"""The dashboard left open: each poll's freed memory is handed back, so it does not creep."""

from __future__ import annotations

from aoft_tui.services.memory import release_freed_memory
from aoft_tui.ui import poller as poller_module
from aoft_tui.ui.screens.main_screen import MainScreen

from .main_support import loaded, make_app, settle


async def test_after_each_poll_the_freed_memory_is_released(
    seeded_emulator, seeded_service, monkeypatch
) -> None:
    app = make_app(seeded_service, seeded_emulator)
    rows_when_released: list[int] = []

    def release() -> bool:
        # after the poll's handler: the table holds the new list, the old one is garbage
        shown = [screen.table.jobs for screen in app.screen_stack if isinstance(screen, MainScreen)]
        rows_when_released.append(len(shown[0]) if shown else -1)
        return release_freed_memory()

    monkeypatch.setattr(poller_module, "release_freed_memory", release, raising=False)
    job_count = len(seeded_service.list_jobs())
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        before = len(rows_when_released)
        for _ in range(3):
            await pilot.press("ctrl+r")
            await settle(pilot)
        assert len(rows_when_released) - before == 3
        assert rows_when_released[before:] == [job_count] * 3
