"""Follow a running job to its end; push twice; a push killed half-way, then repeated.

Every case reads the offline run folders back and checks each training step is in the
run exactly once — no duplicates, none missing — across all the folders of the run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aoft_tui.services.wandb_push import PushOptions, PushProgress, push_job

from .push_support import finished_job, read_run, read_run_file, read_runs, training_steps


def _options(tmp_path: Path, **kw: object) -> PushOptions:
    return PushOptions(mode="offline", wandb_dir=tmp_path / "wandb", **kw)  # type: ignore[arg-type]


def test_follow_streams_a_running_job_and_completes_the_same_run(emulator, service, tmp_path: Path) -> None:
    job_id = emulator.add_job(n_steps=300, status="running", progress=0.3, seconds_per_step=1.0, examples=30)
    seen: list[PushProgress] = []

    def on_progress(p: PushProgress) -> None:
        seen.append(p)
        if p.stage == "follow":
            emulator.advance(30)  # the job moves between polls

    result = push_job(
        service, job_id, _options(tmp_path, follow=True, poll_interval=0.01), progress=on_progress
    )
    run = read_run(result.run_dir)
    steps = training_steps([run])
    expected = [m.step for m in service.metrics(job_id)]
    assert len(expected) >= 300 and sorted(steps) == expected
    assert result.complete and run.summary["status"] == "succeeded" and result.steps_logged == len(expected)
    assert sum(p.stage == "follow" for p in seen) >= 5
    # streamed while running: the first rows came from metrics events (every 10th step)…
    assert steps[0] % 10 == 0 and steps[:5] == sorted(steps[:5])
    # …and the last written row of a step that results.csv completed has its final values
    final = service.metrics(job_id)
    by_step = {row["step"]: row for row in run.history}
    assert by_step[final[-1].step]["train_loss"] == pytest.approx(final[-1].values["train_loss"])
    assert len(result.sync_dirs) == 1


def test_push_twice_continues_the_run_without_duplicates(emulator, service, tmp_path: Path) -> None:
    job_id = emulator.add_job(n_steps=200, status="running", progress=0.5, seconds_per_step=1.0, examples=20)
    first = push_job(service, job_id, _options(tmp_path))
    assert not first.complete and first.status == "running" and first.steps_logged > 0
    emulator.advance(2_000)
    second = push_job(service, job_id, _options(tmp_path))
    assert second.complete and second.status == "succeeded"
    assert second.sync_dirs == [first.run_dir, second.run_dir]
    assert second.sync_command == f"wandb sync --id {job_id} {first.run_dir} {second.run_dir}"
    runs = read_runs(second.sync_dirs)
    steps = training_steps(runs)
    expected = [m.step for m in service.metrics(job_id)]
    assert len(expected) >= 200 and sorted(steps) == expected
    assert {r.run_id for r in runs} == {job_id}
    # W&B history indexes keep growing across the folders (sync appends in order)
    indexes = [row["_step"] for r in runs for row in r.history]
    assert indexes == sorted(indexes) and len(set(indexes)) == len(indexes)
    # datasets were written by the first push only
    names = [a.name for r in runs for a in r.artifacts if a.type == "training_files"]
    assert len(names) == 1
    third = push_job(service, job_id, _options(tmp_path))
    assert third.steps_logged == 0 and third.notes == ["Already pushed completely; nothing new to write."]


class Killed(Exception):
    pass


def test_a_push_killed_half_way_completes_on_the_next_push(emulator, service, tmp_path: Path) -> None:
    job_id = finished_job(emulator, service, n_steps=1_000)

    def die_mid_metrics(p: PushProgress) -> None:
        if p.stage == "metrics" and (p.done or 0) >= 400:
            raise Killed

    with pytest.raises(Killed):
        push_job(service, job_id, _options(tmp_path), progress=die_mid_metrics)
    [killed_dir] = (tmp_path / "wandb" / "wandb").glob("offline-run-*")
    partial = training_steps([read_run_file(killed_dir)])
    expected = [m.step for m in service.metrics(job_id)]
    assert 0 < len(partial) < len(expected)
    result = push_job(service, job_id, _options(tmp_path))
    assert result.complete and result.steps_logged == len(expected) - len(partial)
    steps = training_steps(read_runs(result.sync_dirs))
    assert sorted(steps) == expected and len(expected) >= 1_000


def test_the_run_files_are_the_truth_over_a_stale_record(emulator, service, tmp_path: Path) -> None:
    """A record that lags the run files (a push killed before it saved) is corrected by
    reading the earlier offline runs back: nothing is written twice."""
    job_id = finished_job(emulator, service, n_steps=50)
    first = push_job(service, job_id, _options(tmp_path))
    record = next((Path(__import__("os").environ["AOFT_TUI_STATE_DIR"]) / "wandb-push").glob("*.json"))
    data = json.loads(record.read_text())
    data.update(steps=[], last_step=None, artifacts=[], complete=False)  # a record saved too early
    record.write_text(json.dumps(data))
    second = push_job(service, job_id, _options(tmp_path))
    expected = [m.step for m in service.metrics(job_id)]
    assert second.steps_logged == 0 and first.steps_logged == len(expected)
    assert training_steps(read_runs(second.sync_dirs)) == expected


def test_stop_keeps_what_was_written_and_the_next_push_completes(emulator, service, tmp_path: Path) -> None:
    import threading

    job_id = finished_job(emulator, service, n_steps=600)
    stop = threading.Event()

    def stop_mid_metrics(p: PushProgress) -> None:
        if p.stage == "metrics" and (p.done or 0) >= 200:
            stop.set()  # esc in the dialog, Ctrl-C on the command line

    first = push_job(service, job_id, _options(tmp_path), progress=stop_mid_metrics, cancel=stop)
    assert not first.complete and "Stopped before the end; push again to continue." in first.notes
    assert read_run(first.run_dir).exit_code == 0  # a clean finish, not a failure
    second = push_job(service, job_id, _options(tmp_path))
    expected = [m.step for m in service.metrics(job_id)]
    steps = training_steps(read_runs(second.sync_dirs))
    assert (
        second.complete
        and sorted(steps) == expected
        and first.steps_logged + second.steps_logged == len(expected)
    )


def test_a_push_process_killed_mid_write_completes_on_the_next_push(
    emulator, service, tmp_path: Path, monkeypatch
) -> None:
    """SIGKILL of `aoft-tui push` mid-metrics: the run file may end in a torn record; the
    reader stops there and the next push writes exactly the steps the file lacks."""
    import os
    import signal
    import subprocess
    import sys
    import time

    job_id = finished_job(emulator, service, n_steps=3_000)
    env = {**os.environ, "AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.api_key}
    # wandb exports its service address once it has started in this process; the child
    # must start its own, or the killed run would stay open in ours
    env.pop("WANDB_SERVICE", None)
    cmd = [sys.executable, "-m", "aoft_tui", "push", job_id, "--mode", "offline", "--no-datasets"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        for line in proc.stderr:
            if "Logged step" in line and "[600/" in line:
                proc.send_signal(signal.SIGKILL)
                break
            assert time.monotonic() < deadline
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    time.sleep(0.5)  # let wandb's own process notice its parent is gone and close the file
    wandb_dir = Path(os.environ["WANDB_DIR"])
    [killed_dir] = wandb_dir.glob("wandb/offline-run-*")
    partial = training_steps([read_run_file(killed_dir)])
    expected = [m.step for m in service.metrics(job_id)]
    assert len(partial) < len(expected), "the kill came too late to test anything"
    print(f"killed run file held {len(partial)} of {len(expected)} steps")
    monkeypatch.chdir(tmp_path)
    result = push_job(service, job_id, PushOptions(mode="offline", datasets=False))
    steps = training_steps(read_runs(result.sync_dirs))
    assert result.sync_dirs[0] == killed_dir
    assert sorted(steps) == expected and len(steps) == len(expected)


def test_a_running_job_pushed_without_follow_has_its_events_so_far(emulator, service, tmp_path: Path) -> None:
    from .push_support import summary_table

    job_id = emulator.add_job(n_steps=100, status="running", progress=0.5, seconds_per_step=1.0, examples=20)
    result = push_job(service, job_id, _options(tmp_path))
    run = read_run(result.run_dir)
    assert run.summary["status"] == "running" and not result.complete
    events, n = summary_table(run, result.run_dir, "events")
    assert n == len(service.events_since(job_id, None)) > 0
    assert all(a.name != "model-metadata" for a in run.artifacts)  # only once the job has ended


def test_in_run_table_limit_is_said_and_the_artifact_keeps_every_row(
    emulator, service, tmp_path: Path, monkeypatch
) -> None:
    """W&B limits Tables logged to a run (10,000 rows); a smaller limit here shows the
    behaviour: the run's table is cut *and says so*, the artifact table is whole."""
    from .push_support import artifact_table, summary_table

    monkeypatch.setattr("aoft_tui.services.wandb_push.wandb_run.RUN_TABLE_MAX_ROWS", 5)
    job_id = finished_job(emulator, service, n_steps=12)
    result = push_job(service, job_id, _options(tmp_path))
    run = read_run(result.run_dir)
    fid = service.get_job(job_id).training_file
    full = artifact_table(run, f"train-{fid}", f"{fid}.table.json")
    shown, nrows = summary_table(run, result.run_dir, "train_data")
    assert nrows == 5 and len(full.data) == 20
    note = run.summary["train_data_note"]
    assert "first 5 of 20 examples" in note and f"train-{fid}" in note
    assert any("first 5 of 20" in n for n in result.notes)


def test_a_deleted_training_file_is_noted_and_the_rest_is_pushed(emulator, service, tmp_path: Path) -> None:
    job_id = finished_job(emulator, service, n_steps=12)
    job = service.get_job(job_id)
    service.delete_file(job.training_file)
    result = push_job(service, job_id, _options(tmp_path))
    assert result.complete and result.steps_logged > 0
    assert any(job.training_file in n and "could not be downloaded" in n for n in result.notes)
    names = {a.name for a in read_run(result.run_dir).artifacts}
    assert f"train-{job.training_file}" not in names and "model-metadata" in names
    assert f"valid-{job.validation_file}" in names
