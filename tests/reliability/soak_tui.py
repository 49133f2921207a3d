"""The soak's dashboard half: the real app on one side's emulator, driven with Pilot, and
what it ends up showing — the job table, and each job's events and chart points."""

from __future__ import annotations

import time
from typing import Any

from aoft_tui.cli.tui_cmd import emulator_clock
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.settings import Settings
from aoft_tui.ui.app import AoftApp
from aoft_tui.ui.screens.job_detail import JobDetailScreen
from aoft_tui.ui.screens.main_screen import MainScreen
from aoft_tui.ui.widgets.events_log import EventsLog
from aoft_tui.ui.widgets.jobs_table import JobsTable

from .process_support import API_VERSION
from .soak_support import SoakSide

SETTLE_SECONDS = 90.0  # the app's own backoff after failed polls is short; faults clear within it


async def dashboard_view(side: SoakSide, *, details: int = 3) -> dict[str, Any]:
    """What the dashboard shows once it has caught up with the emulator (the list, and the
    newest `details` jobs opened one by one), reading through `side`'s faults."""
    # the defaults the dashboard runs with (from_settings: the SDK's own retries)
    service = FineTuningService(side.emu.endpoint, side.emu.api_key, API_VERSION)
    truth = {j.id: j.status for j in _truth(side)}
    app = AoftApp(service, Settings(), demo=True, clock=emulator_clock(side.emu))
    view: dict[str, Any] = {"details": {}}
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            main = await _until(pilot, lambda: _main(pilot), "the dashboard")
            table = main.query_one(JobsTable)

            def caught_up() -> bool:
                return {i: j.status for i, j in table.jobs.items()} == truth

            await _until(pilot, caught_up, "the job table to show every job", nudge=main.action_refresh)
            view["table"] = {
                i: (j.status.value, j.fine_tuned_model, j.trained_tokens, j.created_at)
                for i, j in table.jobs.items()
            }
            view["rows"] = list(table.visible_ids)
            for job_id in list(table.visible_ids)[:details]:
                screen = JobDetailScreen(job_id)
                await app.push_screen(screen)
                await _until(
                    pilot,
                    lambda s=screen: s.finished and not _log(s).pending,
                    f"the detail of {job_id} to finish",
                    nudge=screen.action_refresh,
                )
                events = list(_log(screen)._kept)  # every event it received (the log draws them in slices)
                ids = [e.id for e in events]
                assert len(ids) == len(set(ids)), f"{job_id}: an event shown twice"
                view["details"][job_id] = {
                    "events": [(e.id, e.message) for e in events],
                    "metrics": [(p.step, sorted(p.values.items())) for p in screen.metrics],
                }
                app.pop_screen()
                await pilot.pause()
    finally:
        service.close()
    return view


def _truth(side: SoakSide) -> list:
    rate, side.emu.faults.rate = side.emu.faults.rate, 0.0  # the referee's own read is not faulted
    try:
        service = FineTuningService(side.emu.endpoint, side.emu.api_key, API_VERSION)
        try:
            return service.list_jobs()
        finally:
            service.close()
    finally:
        side.emu.faults.rate = rate


def _main(pilot) -> MainScreen | None:
    screen = pilot.app.screen
    return screen if isinstance(screen, MainScreen) and screen.loaded else None


def _log(screen: JobDetailScreen) -> EventsLog:
    return screen.query_one(EventsLog)


async def _until(pilot, condition, what: str, *, nudge=None):
    """Wait (real time) for `condition()`; `nudge` asks for a poll now and then, as a
    person would press r."""
    deadline = time.monotonic() + SETTLE_SECONDS
    last_nudge = time.monotonic()
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        if nudge is not None and time.monotonic() - last_nudge > 2.0:
            nudge()
            last_nudge = time.monotonic()
        await pilot.pause(0.05)
    return value
