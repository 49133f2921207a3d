"""`aoft-tui push` against the emulator: --json document on stdout, progress on stderr,
one-line errors with exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aoft_tui.cli import main

from .push_support import read_run


@pytest.fixture
def env(emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", emulator.api_key)
    monkeypatch.chdir(tmp_path)  # wandb writes ./wandb (WANDB_DIR is set by conftest)
    return emulator


def test_push_json_reports_the_offline_run_and_sync_command(env, service) -> None:
    from .push_support import finished_job

    job_id = finished_job(env, service, n_steps=30)
    result = CliRunner().invoke(main, ["push", job_id, "--json", "--project", "demo"])
    assert result.exit_code == 0, result.output + result.stderr
    doc = json.loads(result.stdout)
    assert doc["mode"] == "offline" and doc["project"] == "demo" and doc["complete"] is True
    assert doc["sync_command"] == f"wandb sync --id {job_id} {doc['run_dir']}"
    run = read_run(Path(doc["run_dir"]))
    assert run.run_id == job_id and len(run.history) == doc["steps_logged"] > 0
    assert "Opening W&B run" in result.stderr and "wandb:" not in result.stderr
    assert env.api_key not in result.output + result.stderr


def test_push_plain_prints_the_command_on_stdout(env, service) -> None:
    from .push_support import finished_job

    job_id = finished_job(env, service, n_steps=12)
    result = CliRunner().invoke(main, ["push", job_id, "--no-datasets", "--mode", "offline"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wandb sync --id {job_id} ")
    assert "Upload it with:" in result.stderr


def test_unknown_job_is_one_line_exit_1(env) -> None:
    result = CliRunner().invoke(main, ["push", "ftjob-doesnotexist", "--json"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "ftjob-doesnotexist" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_online_without_a_wandb_key_says_how_to_log_in(env, service) -> None:
    from .push_support import finished_job

    job_id = finished_job(env, service, n_steps=12)
    result = CliRunner().invoke(main, ["push", job_id, "--mode", "online"])
    assert result.exit_code == 1
    assert "wandb login" in result.stderr and "--mode offline" in result.stderr
