"""`aoft-tui push` killed with SIGKILL twice, at different points (while writing the
dataset artifacts, then mid-metrics), then run again: one complete run, every training
step exactly once across the run's offline folders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from aoft_tui.services.wandb_push.run_file import read_run
from tests.push.push_support import finished_job, read_runs, training_steps


def _push(env: dict, cwd: Path, job_id: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aoft_tui", "push", job_id, "--mode", "offline", "--json"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when(proc: subprocess.Popen, says: str) -> None:
    assert proc.stderr is not None
    deadline = time.monotonic() + 90
    try:
        for line in proc.stderr:
            if says in line:
                proc.send_signal(signal.SIGKILL)
                break
            assert time.monotonic() < deadline, f"never said {says!r}"
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"the push ended before {says!r}"
    time.sleep(0.5)  # wandb's own process notices its parent is gone and closes the file


def test_two_kills_then_a_rerun_leave_one_complete_run_with_every_step_once(emulator, service, tmp_path):
    job_id = finished_job(emulator, service, n_steps=3_000)
    expected = [m.step for m in service.metrics(job_id)]
    env = {**os.environ, "AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.api_key}
    env.pop("WANDB_SERVICE", None)  # each push starts its own wandb service
    _kill_when(_push(env, tmp_path, job_id), "Downloading file-")  # 1: before any metrics
    _kill_when(_push(env, tmp_path, job_id), "[1,200/")  # 2: mid-metrics
    runs_dir = Path(os.environ["WANDB_DIR"]) / "wandb"
    killed = sorted(runs_dir.glob("offline-run-*"))
    partial = training_steps([read_run(d) for d in killed])
    assert len(killed) == 2 and 0 < len(partial) < len(expected), (killed, len(partial))

    done = subprocess.run(
        [sys.executable, "-m", "aoft_tui", "push", job_id, "--mode", "offline", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    result = json.loads(done.stdout)
    assert result["complete"] is True and result["run_id"] == job_id
    dirs = sorted(runs_dir.glob("offline-run-*"))
    assert dirs[:2] == killed and dirs[2] == Path(result["run_dir"]) and len(dirs) == 3
    steps = training_steps(read_runs(dirs))
    assert sorted(steps) == expected and len(steps) == len(set(steps)) == len(expected)
    runs = read_runs(dirs)
    # a folder killed before its first record was flushed names no run; any that names one names this one
    assert {r.run_id for r in runs} - {None} == {job_id}
    assert runs[-1].artifact("model-metadata") is not None
