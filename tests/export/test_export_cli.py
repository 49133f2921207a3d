"""`aoft-tui export` against the emulator: the files' content, no silent overwrite, no half exports."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from aoft_tui.cli import main
from aoft_tui.domain.models import MetricPoint
from aoft_tui.services.export import metrics_csv


def _env(emu) -> dict[str, str]:
    return {"AZURE_OPENAI_ENDPOINT": emu.endpoint, "AZURE_OPENAI_API_KEY": emu.api_key}


def _done_job(emu) -> str:
    job_id = emu.add_job(n_steps=30, progress=0.5)
    emu.advance(3600)
    return job_id


def test_export_of_a_done_job_writes_metrics_events_results_and_job(emulator, service, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job_id = _done_job(emulator)
    result = CliRunner().invoke(main, ["export", job_id], env=_env(emulator))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "aoft-export" / job_id
    assert result.stdout.strip() == str(folder.relative_to(tmp_path))
    assert sorted(p.name for p in folder.iterdir()) == [
        "events.jsonl",
        "job.json",
        "metrics.csv",
        "results.csv",
    ]

    # metrics.csv: the results file's rows, step by step, empty where it has no value
    with (folder / "results.csv").open() as handle:
        results = list(csv.DictReader(handle))
    with (folder / "metrics.csv").open() as handle:
        metrics = list(csv.DictReader(handle))
    assert [int(r["step"]) for r in metrics] == [int(r["step"]) for r in results] and len(metrics) > 1
    for mine, theirs in zip(metrics, results, strict=True):
        for column in ("train_loss", "valid_loss", "full_valid_loss"):
            # Azure's results file says "no value" with -1 (or leaves the cell empty): empty here
            assert (mine[column] == "") == (theirs[column] in ("", "-1"))
            if mine[column]:
                assert float(mine[column]) == float(theirs[column])
    assert any(r["full_valid_loss"] == "" for r in metrics) and any(r["full_valid_loss"] for r in metrics)

    events = [json.loads(line) for line in (folder / "events.jsonl").read_text().splitlines()]
    assert [e["id"] for e in events] == [e.id for e in service.events_since(job_id)]
    assert all(e["object"] == "fine_tuning.job.event" and isinstance(e["created_at"], int) for e in events)
    assert json.loads((folder / "job.json").read_text())["id"] == job_id


def test_a_second_export_never_overwrites_and_force_replaces(emulator, tmp_path) -> None:
    job_id = _done_job(emulator)
    args = ["export", job_id, "--dir", str(tmp_path)]
    first = CliRunner().invoke(main, args, env=_env(emulator))
    (tmp_path / job_id / "mine.txt").write_text("my notes")
    second = CliRunner().invoke(main, args, env=_env(emulator))
    assert second.exit_code == 0 and second.stdout.strip() == str(tmp_path / f"{job_id}-2")
    assert (tmp_path / job_id / "mine.txt").read_text() == "my notes"  # the first one untouched
    forced = CliRunner().invoke(main, [*args, "--force", "--json"], env=_env(emulator))
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["folder"] == str(tmp_path / job_id)
    assert not (tmp_path / job_id / "mine.txt").exists() and (tmp_path / job_id / "metrics.csv").exists()
    assert not (tmp_path / f"{job_id}-3").exists() and first.exit_code == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_a_running_job_exports_its_event_metrics_and_says_there_is_no_results_file(
    emulator, tmp_path
) -> None:
    job_id = emulator.add_job(n_steps=40, progress=0.5)
    result = CliRunner().invoke(
        main, ["export", job_id, "--dir", str(tmp_path), "--json"], env=_env(emulator)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["files"] == ["metrics.csv", "events.jsonl", "job.json"]
    assert "no results file yet" in result.stderr
    rows = list(csv.DictReader((tmp_path / job_id / "metrics.csv").open()))
    assert len(rows) == data["steps"] > 0 and all(r["train_loss"] for r in rows)


def test_a_download_that_fails_leaves_no_folder_under_the_job_name(emulator, tmp_path) -> None:
    job_id = _done_job(emulator)
    # results.csv download fails beyond the SDK's retries; metrics come from events then
    emulator.faults.schedule("500", method="GET", path_contains="/content", count=20)
    result = CliRunner().invoke(main, ["export", job_id, "--dir", str(tmp_path)], env=_env(emulator))
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_unknown_job_is_exit_2_and_writes_nothing(emulator, tmp_path) -> None:
    result = CliRunner().invoke(main, ["export", "ftjob-nope", "--dir", str(tmp_path)], env=_env(emulator))
    assert result.exit_code == 2 and "ftjob-nope" in result.stderr and "aoft-tui jobs" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_results_placeholder_minus_one_is_an_empty_cell_not_a_value() -> None:
    text = metrics_csv(
        [
            MetricPoint(1, {"train_loss": 0.5, "valid_loss": -1.0}),
            MetricPoint(2, {"train_loss": 0.4, "valid_loss": 0.45}),
        ]
    )
    assert text.splitlines() == ["step,train_loss,valid_loss", "1,0.5,", "2,0.4,0.45"]
