"""The new-job form's pre-flight on a file of 16 MB or more, in the real app against the
emulator: it is checked (not "bad value(s) in fds_to_keep"), with progress, and escape
stops the check and its processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from aoft_tui.domain.validation.runner.engine import PARALLEL_MIN_BYTES
from aoft_tui.services.settings import load_settings
from aoft_tui.ui.app import AoftApp
from aoft_tui.ui.screens.confirm import ConfirmScreen
from aoft_tui.ui.screens.new_job_screen import NewJobScreen
from tests.start.start_support import confirm_shown, open_form, wait_for
from tests.validation.validation_helpers import write_large_chats

MODEL = "gpt-4o-mini-2024-07-18"
N_EXAMPLES = 60_000
LARGE_TIMEOUT = 60.0  # seconds a step may take with the large file


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.jsonl"
    write_large_chats(path, N_EXAMPLES)
    assert path.stat().st_size > PARALLEL_MIN_BYTES
    return path


async def _submitted(pilot: Pilot, training: Path) -> NewJobScreen:
    """The new-job form filled with this training file, then ctrl+s (the pre-flight starts)."""
    screen = await open_form(pilot, LARGE_TIMEOUT)
    screen.query_one("#model-select", Select).value = MODEL
    screen.query_one("#training", Input).value = str(training)
    await pilot.press("ctrl+s")
    return screen


def _outcome(screen: NewJobScreen) -> str:
    return str(screen.query_one("#outcome", Static).render())


async def test_preflight_checks_a_large_file(service, large_file: Path) -> None:
    app = AoftApp(service, load_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _submitted(pilot, large_file)
        await wait_for(
            pilot,
            lambda: confirm_shown(pilot) or not screen.busy,
            "the pre-flight",
            LARGE_TIMEOUT,
        )
        assert isinstance(app.screen, ConfirmScreen), _outcome(screen)
        message = str(app.screen.query_one("#confirm-message", Static).render())
        assert "billed tokens" in message
        await pilot.press("n")
        await pilot.pause()
    assert service.list_files() == []


async def test_escape_stops_a_large_preflight(service, large_file: Path) -> None:
    app = AoftApp(service, load_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _submitted(pilot, large_file)
        await wait_for(
            pilot,
            lambda: screen.preflight_run is not None and screen.preflight_run.pid is not None,
            "the check's process",
            LARGE_TIMEOUT,
        )
        run = screen.preflight_run
        pgid = run.pid
        await pilot.press("escape")
        assert not screen.busy and "abandoned" in _outcome(screen)
        assert run.cancelled and run.pid is None
        await wait_for(pilot, lambda: not any(w.group == "new-job" for w in app.workers), "the worker", 2.0)
        from .test_validate_screen_large import _alive_in_group

        assert _alive_in_group(pgid) == []
        await pilot.pause(0.3)
        assert app.screen is screen and "abandoned" in _outcome(screen)
    assert service.list_files() == []
