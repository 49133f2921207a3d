"""A finished job whose results.csv cannot be downloaded is never pushed as complete.

The emulator refuses the results file's content (after the SDK's retries); the push must
say it is incomplete (CLI: non-zero exit, "run it again"; dialog: not "complete"), and
the next push, with the file back, writes every step of results.csv exactly once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from aoft_tui.services.wandb_push import PushOptions, push_job

from .push_support import finished_job, read_run, read_runs, training_steps


def _options(tmp_path: Path) -> PushOptions:
    return PushOptions(mode="offline", wandb_dir=tmp_path / "wandb", datasets=False)


def _refuse_results(emulator, service, job_id: str) -> str:
    """Every download of the job's results file answers 500 until `faults.clear()`."""
    [results_id] = service.get_job(job_id).result_files
    emulator.faults.schedule("500", method="GET", path_contains=f"/files/{results_id}/content", count=1_000)
    return results_id


def test_a_failed_results_download_is_not_complete_and_the_next_push_fills_the_gap(
    emulator, service, tmp_path: Path
) -> None:
    job_id = finished_job(emulator, service, n_steps=162)
    results_id = _refuse_results(emulator, service, job_id)

    first = push_job(service, job_id, _options(tmp_path))
    assert not first.complete
    assert first.incomplete is not None and results_id in first.incomplete and "again" in first.incomplete
    assert first.to_json()["complete"] is False and first.to_json()["incomplete"] == first.incomplete
    assert any(kind == "500" for kind, _m, _p in emulator.faults.injected)

    emulator.faults.clear()
    second = push_job(service, job_id, _options(tmp_path))
    assert second.complete and second.incomplete is None
    steps = training_steps(read_runs(second.sync_dirs))
    expected = [m.step for m in service.metrics(job_id)]
    assert len(expected) == 162
    assert sorted(steps) == expected and len(steps) == len(set(steps))  # every step, once
    third = push_job(service, job_id, _options(tmp_path))
    assert third.complete and third.steps_logged == 0


def test_the_command_exits_non_zero_and_says_to_run_it_again(
    emulator, service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aoft_tui.cli import main

    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", emulator.api_key)
    monkeypatch.chdir(tmp_path)
    job_id = finished_job(emulator, service, n_steps=40)
    results_id = _refuse_results(emulator, service, job_id)
    result = CliRunner().invoke(main, ["push", job_id, "--mode", "offline", "--no-datasets", "--json"])
    assert result.exit_code == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["complete"] is False and results_id in doc["incomplete"]
    assert "run it again" in result.stderr.lower() and results_id in result.stderr
    assert "Traceback" not in result.stderr and emulator.api_key not in result.output + result.stderr
    run = read_run(Path(doc["run_dir"]))
    assert run.run_id == job_id


async def test_the_push_dialog_says_incomplete_not_done(
    emulator, service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.app import App
    from textual.widgets import Static, Switch

    from aoft_tui.services.settings import Settings
    from aoft_tui.ui.screens.push_screen import PushScreen

    monkeypatch.chdir(tmp_path)
    job_id = finished_job(emulator, service, n_steps=40)
    results_id = _refuse_results(emulator, service, job_id)
    screen = PushScreen(service, job_id, Settings())

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async with Host().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen.query_one("#datasets", Switch).value = False
        await pilot.press("ctrl+s")
        for _ in range(400):
            await pilot.pause(0.05)
            if not screen.running and screen.result is not None:
                break
        assert screen.result is not None and not screen.result.complete
        status = str(screen.query_one("#push-status", Static).render())
        assert "incomplete" in status.lower() and "complete)" not in status
        assert results_id in status and "again" in status
        assert screen.query_one("#push-status", Static).has_class("-error")


def test_a_run_an_older_push_called_complete_with_steps_missing_is_completed(
    emulator, service, tmp_path: Path
) -> None:
    """A record from before this rule may say "complete" for a run that holds only the
    metrics events' steps: the next push checks it against results.csv and fills the gap."""
    job_id = emulator.add_job(n_steps=162, status="running", progress=0.5, seconds_per_step=1.0, examples=20)
    first = push_job(service, job_id, _options(tmp_path))  # running: the events' steps only
    assert not first.complete and 0 < first.steps_logged < 81
    while not service.get_job(job_id).status.is_terminal:
        emulator.advance(600)
    [record] = (Path(os.environ["AOFT_TUI_STATE_DIR"]) / "wandb-push").glob("*.json")
    old = json.loads(record.read_text())
    old.update(complete=True, status="succeeded")  # what the old push saved after its fallback
    old.pop("results_file", None)
    record.write_text(json.dumps(old))

    second = push_job(service, job_id, _options(tmp_path))
    assert second.complete and second.steps_logged == 162 - first.steps_logged
    steps = training_steps(read_runs(second.sync_dirs))
    assert sorted(steps) == list(range(1, 163)) and len(steps) == len(set(steps))
    third = push_job(service, job_id, _options(tmp_path))
    assert third.steps_logged == 0 and third.notes == ["Already pushed completely; nothing new to write."]


def _finished_job_whose_results_arrive_cut(emulator, service, n_steps: int) -> tuple[str, str]:
    """A finished job whose results.csv download loses its second half, until faults.clear()."""
    job_id = finished_job(emulator, service, n_steps=n_steps)
    [results_id] = service.get_job(job_id).result_files
    emulator.faults.schedule(
        "truncate", method="GET", path_contains=f"/files/{results_id}/content", count=1_000
    )
    return job_id, results_id


def test_a_results_download_cut_half_way_is_not_taken_for_the_whole_file(
    emulator, service, tmp_path: Path
) -> None:
    """The link drops mid-body (half of results.csv arrives): never written as the whole job."""
    job_id, results_id = _finished_job_whose_results_arrive_cut(emulator, service, n_steps=162)
    first = push_job(service, job_id, _options(tmp_path))
    assert not first.complete and first.incomplete is not None and results_id in first.incomplete
    emulator.faults.clear()
    second = push_job(service, job_id, _options(tmp_path))
    steps = training_steps(read_runs(second.sync_dirs))
    assert second.complete and sorted(steps) == list(range(1, 163)) and len(steps) == len(set(steps))


def test_a_download_cut_half_way_is_one_connection_error_not_a_traceback(
    emulator, service, tmp_path: Path
) -> None:
    from aoft_tui.services.errors import ConnectionFailed

    _, results_id = _finished_job_whose_results_arrive_cut(emulator, service, n_steps=40)
    with pytest.raises(ConnectionFailed) as caught:
        service.download_file(results_id, tmp_path / "results.csv")
    assert emulator.endpoint in str(caught.value) and "complete message body" in str(caught.value)
    assert emulator.api_key not in str(caught.value) and not (tmp_path / "results.csv").exists()
