"""Main screen actions: cancel / pause / resume with confirm, copy, help, keymap, palette, quit.

`dashboard` (tests/ui/conftest.py) is the loaded demo dashboard on `seeded_emulator`, whose
clock moves only by `advance`."""

from __future__ import annotations

import pytest

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.confirm import ConfirmScreen
from aoft_tui.ui.screens.help_screen import HelpScreen

from .main_support import main_screen, select_job, settle, table, toasts


async def _confirm_then(pilot, key: str, answer: str) -> ConfirmScreen:
    await pilot.press(key)
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmScreen)
    await pilot.press(answer)
    await settle(pilot)
    return dialog


async def test_cancel_asks_then_cancels_on_the_emulator(dashboard, seeded_service) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await _confirm_then(dashboard, "c", "y")
    assert seeded_service.get_job(job_id).status in (JobStatus.CANCELLED,)
    assert table(dashboard).jobs[job_id].status is JobStatus.CANCELLED
    assert any(title == "Cancellation requested" for title, _ in toasts(dashboard.app))


async def test_declining_the_confirm_changes_nothing(dashboard, seeded_service) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await _confirm_then(dashboard, "c", "n")
    assert seeded_service.get_job(job_id).status is JobStatus.RUNNING
    assert dashboard.app.screen is main_screen(dashboard)


async def test_pause_asks_then_pauses(dashboard, seeded_service) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await _confirm_then(dashboard, "p", "y")
    # The emulator's clock is frozen: the job stays in `pausing` until it is advanced.
    assert seeded_service.get_job(job_id).status is JobStatus.PAUSING
    assert table(dashboard).jobs[job_id].status is JobStatus.PAUSING


async def test_pause_then_resume(dashboard, seeded_emulator, seeded_service) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await _confirm_then(dashboard, "p", "y")
    seeded_emulator.advance(60)  # pausing → paused takes 30 simulated seconds
    await dashboard.press("ctrl+r")
    await settle(dashboard)
    assert seeded_service.get_job(job_id).status is JobStatus.PAUSED
    assert table(dashboard).jobs[job_id].status is JobStatus.PAUSED
    await _confirm_then(dashboard, "r", "y")
    assert seeded_service.get_job(job_id).status in (JobStatus.RESUMING, JobStatus.RUNNING)


async def test_resume_a_paused_job(dashboard, seeded_service) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.PAUSED)
    await _confirm_then(dashboard, "r", "y")
    assert seeded_service.get_job(job_id).status in (JobStatus.RESUMING, JobStatus.RUNNING)


@pytest.mark.parametrize(
    ("key", "status"), [("c", JobStatus.SUCCEEDED), ("p", JobStatus.FAILED), ("r", JobStatus.RUNNING)]
)
async def test_actions_the_status_forbids_only_explain(dashboard, seeded_service, key, status) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is status)
    await dashboard.press(key)
    await dashboard.pause()
    assert not isinstance(dashboard.app.screen, ConfirmScreen)
    assert any(title.startswith("Can't") for title, _ in toasts(dashboard.app))
    assert seeded_service.get_job(job_id).status is status


async def test_copy_id_and_model(dashboard) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.SUCCEEDED)
    await dashboard.press("y")
    assert dashboard.app.clipboard == job_id
    await dashboard.press("Y")
    assert dashboard.app.clipboard == table(dashboard).jobs[job_id].fine_tuned_model
    assert dashboard.app.clipboard and dashboard.app.clipboard != job_id


async def test_help_on_question_mark_and_f1(dashboard) -> None:
    for key in ("question_mark", "f1"):
        await dashboard.press(key)
        await dashboard.pause()
        assert isinstance(dashboard.app.screen, HelpScreen)
        rows = {what: keys for keys, what in dashboard.app.screen.rows}
        assert rows["Cancel the selected job"] == "c"
        assert rows["Filter by id, model, status, suffix or a tag (team=nlp)"] == "/"
        assert "Open the job's charts, events, checkpoints" in rows
        await dashboard.press("escape")
        await dashboard.pause()
        assert dashboard.app.screen is main_screen(dashboard)


async def test_keymap_from_config_remaps_a_binding(start_dashboard) -> None:
    async with start_dashboard(keymap={"cancel_job": "x", "help": "h"}) as pilot:
        app = pilot.app
        await select_job(pilot, lambda j: j.status is JobStatus.RUNNING)
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n", "h")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert {what: keys for keys, what in app.screen.rows}["Cancel the selected job"] == "x"


async def test_every_binding_has_an_id_and_a_palette_entry(dashboard) -> None:
    screen = main_screen(dashboard)
    for node in (dashboard.app, screen, table(dashboard)):
        for binding in type(node).BINDINGS:
            if binding.show or node is not table(dashboard):
                assert binding.id, f"{type(node).__name__}: {binding.key} has no id"
    titles = [command.title for command in dashboard.app.get_system_commands(screen)]
    for wanted in (
        "Cancel (c)",
        "Pause (p)",
        "Resume (r)",
        "Filter (/)",
        "Compare (m)",
        "Validate (v)",
        "New (n)",
        "W&B (w)",
        "Refresh (^r)",
        "Detail (⏎)",
        "Help",
    ):
        assert any(t.startswith(wanted.split(" (")[0]) for t in titles), (wanted, titles)


async def test_palette_command_runs_the_action(dashboard) -> None:
    screen = main_screen(dashboard)
    await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    command = next(c for c in dashboard.app.get_system_commands(screen) if c.title.startswith("Cancel"))
    await command.callback()
    await dashboard.pause()
    assert isinstance(dashboard.app.screen, ConfirmScreen)


async def test_quit_exits_cleanly(start_dashboard) -> None:
    async with start_dashboard() as pilot:
        app = pilot.app
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
