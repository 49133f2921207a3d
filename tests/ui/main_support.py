"""Helpers for the main-screen Pilot tests: build the app on a test emulator, wait for it."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.screen import Screen

from aoft_tui.cli.tui_cmd import emulator_clock
from aoft_tui.services.settings import Settings
from aoft_tui.ui.app import AoftApp
from aoft_tui.ui.screens.main_screen import MainScreen
from aoft_tui.ui.widgets.jobs_table import JobsTable


def make_app(service, emu, **settings) -> AoftApp:
    return AoftApp(service, Settings(**settings), demo=True, clock=emulator_clock(emu))


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their messages land (twice: a result may start a new worker)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def screen_when(pilot: Pilot, ready: Callable[[Screen], bool], what: str, tries: int = 200) -> Screen:
    """Wait (`tries` × 20 ms at most) until the screen on top is `ready`, settle, return it."""
    for _ in range(tries):
        screen = pilot.app.screen
        if ready(screen):
            await settle(pilot)
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"{what} never arrived")


async def loaded(pilot: Pilot) -> MainScreen:
    screen = await screen_when(pilot, lambda s: isinstance(s, MainScreen) and s.loaded, "the job list")
    assert isinstance(screen, MainScreen)
    return screen


def main_screen(pilot: Pilot) -> MainScreen:
    screen = pilot.app.screen_stack[0]  # the app's base screen (AoftApp.get_default_screen)
    assert isinstance(screen, MainScreen)
    return screen


def table(pilot: Pilot) -> JobsTable:
    return main_screen(pilot).query_one(JobsTable)


async def select_job(pilot: Pilot, predicate) -> str:
    """Put the cursor on the first row whose job matches; return its id."""
    jobs_table = table(pilot)
    for index, job_id in enumerate(jobs_table.visible_ids):
        if predicate(jobs_table.jobs[job_id]):
            jobs_table.move_cursor(row=index)
            await pilot.pause()
            return job_id
    raise AssertionError("no job matches")


def toasts(app) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]
