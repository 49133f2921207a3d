"""Snapshots of the W&B push modal: the form, and the end of an offline push.

Deterministic: fixed job id and terminal size, no W&B key anywhere (NETRC points at a
missing file, WANDB_API_KEY unset), animations off, and the finished view is drawn from a
fixed PushResult rather than a run folder whose name carries the time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from aoft_tui.services.settings import Settings
from aoft_tui.services.wandb_push.options import PushOptions, PushResult

JOB_ID = "ftjob-5d2c8e0a9b7f4c61a3e2d1f0c9b8a7e6"


class Host(App):
    def __init__(self, service) -> None:
        super().__init__()
        self.service = service

    def on_mount(self) -> None:
        from aoft_tui.ui.screens.push_screen import PushScreen

        self.push_screen(PushScreen(self.service, JOB_ID, Settings()))


@pytest.fixture
def host(service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Host:
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    return Host(service)


def test_push_form(snap_compare, host: Host) -> None:
    assert snap_compare(host, terminal_size=(80, 24))


def test_push_finished_offline(snap_compare, host: Host) -> None:
    run_dir = Path(f"/home/me/wandb/offline-run-20260302_093000-{JOB_ID}")
    result = PushResult(
        job_id=JOB_ID,
        status="succeeded",
        mode="offline",
        project="OpenAI-Fine-Tune",
        entity=None,
        run_id=JOB_ID,
        steps_logged=2_000,
        last_step=2_000,
        complete=True,
        run_dir=run_dir,
        sync_dirs=[run_dir],
    )

    async def run_before(pilot) -> None:
        screen = pilot.app.screen
        screen.query_one("#push-form").display = False
        summary = screen.query_one("#push-summary")
        summary.update("(default entity)/OpenAI-Fine-Tune · mode auto · datasets yes · follow no")
        summary.display = True
        screen.query_one("#push-progress").display = True
        screen.show_result(result)
        await pilot.pause()

    assert snap_compare(host, terminal_size=(80, 24), run_before=run_before)


def test_options_default_to_settings() -> None:
    assert PushOptions().project == Settings().wandb.project == "OpenAI-Fine-Tune"
