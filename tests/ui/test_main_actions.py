"""Main screen actions: cancel / pause / resume with confirm, copy, help, keymap, palette, quit."""

from __future__ import annotations

import pytest

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.confirm import ConfirmScreen
from aoft_tui.ui.screens.help_screen import HelpScreen

from .main_support import loaded, main_screen, make_app, select_job, settle, table, toasts


async def _confirm_then(pilot, key: str, answer: str) -> ConfirmScreen:
    await pilot.press(key)
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmScreen)
    await pilot.press(answer)
    await settle(pilot)
    return dialog


async def test_cancel_asks_then_cancels_on_the_emulator(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: j.status is JobStatus.RUNNING)
        await _confirm_then(pilot, "c", "y")
        assert seeded_service.get_job(job_id).status in (JobStatus.CANCELLED,)
        assert table(pilot).jobs[job_id].status is JobStatus.CANCELLED
        assert any(title == "Cancellation requested" for title, _ in toasts(app))


async def test_declining_the_confirm_changes_nothing(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: j.status is JobStatus.RUNNING)
        await _confirm_then(pilot, "c", "n")
        assert seeded_service.get_job(job_id).status is JobStatus.RUNNING
        assert pilot.app.screen is main_screen(pilot)


async def test_pause_then_resume(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: j.status is JobStatus.RUNNING)
        await _confirm_then(pilot, "p", "y")
        seeded_emulator.advance(60)  # pausing → paused
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert seeded_service.get_job(job_id).status in (JobStatus.PAUSING, JobStatus.PAUSED)
        if table(pilot).jobs[job_id].status is JobStatus.PAUSED:
            await _confirm_then(pilot, "r", "y")
            assert seeded_service.get_job(job_id).status in (JobStatus.RESUMING, JobStatus.RUNNING)


async def test_resume_a_paused_job(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: j.status is JobStatus.PAUSED)
        await _confirm_then(pilot, "r", "y")
        assert seeded_service.get_job(job_id).status in (JobStatus.RESUMING, JobStatus.RUNNING)


@pytest.mark.parametrize(("key", "status"), [("c", JobStatus.SUCCEEDED), ("p", JobStatus.FAILED), ("r", JobStatus.RUNNING)])
async def test_actions_the_status_forbids_only_explain(seeded_emulator, seeded_service, key, status) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: j.status is status)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ConfirmScreen)
        assert any(title.startswith("Can't") for title, _ in toasts(app))
        assert seeded_service.get_job(job_id).status is status


async def test_copy_id_and_model(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: j.status is JobStatus.SUCCEEDED)
        await pilot.press("y")
        assert app.clipboard == job_id
        await pilot.press("Y")
        assert app.clipboard == table(pilot).jobs[job_id].fine_tuned_model
        assert app.clipboard and app.clipboard != job_id


async def test_help_on_question_mark_and_f1(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            rows = dict((what, keys) for keys, what in app.screen.rows)
            assert rows["Cancel the selected job"] == "c"
            assert rows["Filter by id, model, status or suffix"] == "/"
            assert "Open the job's charts, events, checkpoints" in rows
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is main_screen(pilot)


async def test_keymap_from_config_remaps_a_binding(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator, keymap={"cancel_job": "x", "help": "h"})
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
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
        assert dict((what, keys) for keys, what in app.screen.rows)["Cancel the selected job"] == "x"


async def test_every_binding_has_an_id_and_a_palette_entry(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        for node in (app, screen, table(pilot)):
            for binding in type(node).BINDINGS:
                if binding.show or node is not table(pilot):
                    assert binding.id, f"{type(node).__name__}: {binding.key} has no id"
        titles = [command.title for command in app.get_system_commands(screen)]
        for wanted in ("Cancel (c)", "Pause (p)", "Resume (r)", "Filter (/)", "Compare (m)", "Validate (v)",
                       "New (n)", "W&B (w)", "Refresh (^r)", "Detail (⏎)", "Help"):  # fmt: skip
            assert any(t.startswith(wanted.split(" (")[0]) for t in titles), (wanted, titles)


async def test_palette_command_runs_the_action(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await select_job(pilot, lambda j: j.status is JobStatus.RUNNING)
        command = next(c for c in app.get_system_commands(screen) if c.title.startswith("Cancel"))
        await command.callback()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


async def test_quit_exits_cleanly(seeded_emulator, seeded_service) -> None:
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
