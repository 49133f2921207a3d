"""The push modal on a real emulator: form → thread worker → offline run + sync command.
wandb's console output never reaches the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input

from aoft_tui.services.settings import Settings
from aoft_tui.ui.screens.push_screen import PushScreen

from .push_support import read_run


class Host(App):
    def __init__(self, screen: PushScreen) -> None:
        super().__init__()
        self._push = screen

    def on_mount(self) -> None:
        self.push_screen(self._push)


async def wait_done(pilot, screen: PushScreen) -> None:
    for _ in range(400):
        await pilot.pause(0.05)
        if not screen.running and (screen.result is not None or "failed" in _text(screen).lower()):
            return
    raise AssertionError("push did not finish")


def _text(screen: PushScreen) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in screen.query(Static))


@pytest.fixture
def succeeded_job(seeded_service) -> str:
    return next(
        j.id for j in seeded_service.list_jobs() if j.status == "succeeded" and j.method == "supervised"
    )


async def test_push_offline_from_the_modal_and_copy_the_command(
    seeded_service,
    seeded_emulator,
    succeeded_job,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    screen = PushScreen(seeded_service, succeeded_job, Settings())
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen.query_one("#project", Input).value = ""
        await pilot.click("#project")
        await pilot.press(*"my-proj")  # a project typed by the user
        await pilot.press("ctrl+s")
        await wait_done(pilot, screen)
        result = screen.result
        assert result is not None and result.complete and result.project == "my-proj"
        shown = _text(screen)
        assert result.sync_command in shown.replace("\n", " ") or result.sync_command in shown
        await pilot.press("y")
        assert app.clipboard == result.sync_command
        # the screen is clean: nothing wandb prints, no key
        rendered = app.export_screenshot()
        assert "wandb:" not in rendered and seeded_emulator.api_key not in rendered
    # …and nothing reached the terminal behind Textual's back (fd 1/2: what wandb would use)
    out, err = capfd.readouterr()
    assert "wandb" not in (out + err).lower(), out + err
    run = read_run(result.run_dir)
    assert run.run_id == succeeded_job and run.summary["status"] == "succeeded"


async def test_unknown_job_shows_the_error_not_a_traceback(seeded_service) -> None:
    screen = PushScreen(seeded_service, "ftjob-missing", Settings())
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        for _ in range(200):
            await pilot.pause(0.05)
            if not screen.running:
                break
        text = _text(screen)
        assert "ftjob-missing" in text and "Traceback" not in text
        assert screen.result is None
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_empty_project_is_refused_with_a_hint(seeded_service, succeeded_job) -> None:
    screen = PushScreen(seeded_service, succeeded_job, Settings())
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen.query_one("#project", Input).value = "  "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.running and "Project is required" in _text(screen)


async def test_w_on_the_dashboard_opens_the_push_dialog_for_the_selected_job(
    seeded_service, seeded_emulator
) -> None:
    from tests.ui.main_support import loaded, make_app, select_job

    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: j.status == "succeeded")
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PushScreen) and app.screen.job_id == job_id
        assert app.screen.query_one("#project", Input).value == "OpenAI-Fine-Tune"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PushScreen)
