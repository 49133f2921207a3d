"""Failure triage in the detail overview: a job that failed on a dataset line shows Azure's
code, message and param, that line of the training file (fetched from the resource and
pretty-printed), and what this app requested beside what the job ran with."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from aoft_tui.domain.models import JobStatus
from aoft_tui.services.failure_triage import failing_line_number, hyperparameter_comparison
from aoft_tui.services.job_form import JobForm, check_form
from aoft_tui.services.start_job import JobStarter, StartRequest
from aoft_tui.services.upload_cache import UploadCache
from aoft_tui.ui.widgets.job_overview import JobOverview

from .detail_support import DetailApp, settle

BAD_LINE = 12


def _dataset(path: Path) -> Path:
    rows = []
    for i in range(1, 21):
        answer = "Use <|fim_suffix|> here." if i == BAD_LINE else f"Answer {i}."
        rows.append(
            {
                "messages": [
                    {"role": "user", "content": f"Question {i}?"},
                    {"role": "assistant", "content": answer},
                ]
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def failed_job(emulator, service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AOFT_TUI_STATE_DIR", str(tmp_path / "state"))
    options = check_form(JobForm(model="gpt-4o-mini-2024-07-18", n_epochs="2", suffix="triage")).options
    starter = JobStarter(
        service,
        StartRequest(training=_dataset(tmp_path / "train.jsonl"), options=options),
        poll_interval=0.05,
    )
    job = starter.run()
    deadline = time.monotonic() + 20
    while (job := service.get_job(job.id)).status is not JobStatus.FAILED:
        assert time.monotonic() < deadline, job.status
        emulator.advance(60)
    return job


def test_the_error_names_its_line_and_the_request_is_remembered(failed_job, service) -> None:
    assert failing_line_number(failed_job) == BAD_LINE
    requested = UploadCache(service.endpoint).requested(failed_job.id)
    assert requested == {"n_epochs": 2}
    rows = {name: (asked, eff) for name, asked, eff in hyperparameter_comparison(failed_job, requested)}
    assert rows["n_epochs"][0] == "2" and rows["batch_size"][0] == "auto"


async def test_a_failed_job_shows_code_param_the_failing_line_and_requested_settings(
    failed_job, service
) -> None:
    app = DetailApp(service, failed_job.id)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        overview = app.screen.query_one(JobOverview)
        text = overview.error_text
        assert text.startswith(f"{failed_job.error.code}: ")
        assert f"Example {BAD_LINE}" in text and "param: training_file" in text
        assert f"training file {failed_job.training_file}, line {BAD_LINE}:" in text
        assert '"content": "Use <|fim_suffix|> here."' in text  # the line itself, pretty-printed
        assert '  "messages": [' in text
        hp = dict(overview.sections["hyperparameters"])
        assert "requested" not in hp["n_epochs"]  # asked for 2, ran with 2
        assert hp["batch_size"].endswith("(requested auto)") or hp["batch_size"] == "auto"
