"""`aoft-tui start --wait`: the id is on stdout as soon as the job exists, rate limits are
waited out, and the status line never goes back in time after the final event."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import Result

from tests.start.start_support import run_start

MODEL = "gpt-4o-mini-2024-07-18"
ACTIVE = ("pending", "validating_files", "queued", "running")


def _start_waiting_process(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    """`aoft-tui start … --wait` as a real process (polling every 0.2 s), its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "aoft_tui", "start", str(data_dir / "train.jsonl"), "-m", MODEL, "--wait"]
        + ["--interval", "0.2", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def _wait_finishing_after_fault(data_dir: Path, emulator, fault_path: str) -> Result:
    """`start … --wait` in process; once a scheduled fault on `fault_path` has fired, the
    simulated clock jumps far enough for the job to finish."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.01):
            if any(fault_path in path for _kind, _method, path in emulator.faults.injected):
                emulator.advance(10**6)
                return

    threading.Thread(target=watch, daemon=True).start()
    try:
        return run_start(str(data_dir / "train.jsonl"), "-m", MODEL, "--wait", "--interval", "0.05")
    finally:
        stop.set()


def test_rate_limits_while_following_are_waited_out(env, service, data_dir: Path) -> None:
    """Before: exit 1 and an empty stdout once the SDK's own retries of a 429 ran out."""
    # Three 429s for each of two polls (the SDK tries 3 times): the command must wait them out.
    env.faults.schedule(
        "429", method="GET", path_contains="/fine_tuning/jobs/ftjob-", count=6, retry_after=0.05
    )
    result = _wait_finishing_after_fault(data_dir, env, "/fine_tuning/jobs/ftjob-")
    assert result.exit_code == 0, result.stderr
    job_id = result.stdout.strip()
    assert job_id.startswith("ftjob-") and service.get_job(job_id).status == "succeeded"
    waiting = [line for line in result.stderr.splitlines() if line.startswith("Rate limited")]
    assert len(waiting) == 2, result.stderr
    assert all(f"still following {job_id}: next try at " in line for line in waiting)
    assert "gave up" not in result.stderr


def test_the_job_id_is_on_stdout_while_the_job_still_runs(env, service, data_dir: Path) -> None:
    """A real process: the id must arrive (flushed) before --wait ends, not at exit."""
    proc = _start_waiting_process(data_dir)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        first = lines.get(timeout=60)
        assert proc.poll() is None, "the command ended; the clock is frozen so the job cannot have"
        assert first.strip().startswith("ftjob-")
        assert service.get_job(first.strip()).status in ACTIVE
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "keeps running" in err


def test_no_stale_status_line_after_the_final_event(env, data_dir: Path) -> None:
    """The job finishes between reading its status and reading its events: the line drawn
    under "Job succeeded" must not say "pending"."""
    env.faults.schedule("stall", method="GET", path_contains="/events", count=1, seconds=0.5)
    result = _wait_finishing_after_fault(data_dir, env, "/events")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    final = next(i for i, line in enumerate(lines) if line.endswith("Job succeeded."))
    after = lines[final + 1 :]
    assert after, result.stderr
    for line in after:
        assert not any(f" {status}" in line for status in ACTIVE), f"stale line {line!r} in:\n{result.stderr}"


def test_json_wait_interrupted_still_prints_the_job(env, data_dir: Path) -> None:
    """With --json the document comes at the end — also when following is interrupted."""
    import json

    proc = _start_waiting_process(data_dir, "--json")
    assert proc.stderr is not None
    created = None
    for line in proc.stderr:
        if line.startswith("Created ftjob-"):
            created = line.split()[1]
        elif created and line.startswith(f"{created} "):  # the status line: it is following now
            break
    else:
        raise AssertionError(f"never followed; exit {proc.wait()}")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    payload = json.loads(out)
    assert payload["id"] == created and payload["status"] in ACTIVE


def test_ctrl_c_during_the_create_reports_the_job_and_stops(env, service, data_dir: Path) -> None:
    """The create cannot be taken back: the command waits for it, prints the id, and does
    not go on to follow the job the user asked to stop watching."""
    env.faults.schedule("stall", method="POST", path_contains="/fine_tuning/jobs", count=1, seconds=1.0)
    proc = _start_waiting_process(data_dir)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("Creating the"):
            break
    while not any(kind == "stall" for kind, *_ in env.faults.injected):
        assert proc.poll() is None
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    [job] = service.list_jobs()
    assert out.strip() == job.id
    assert "can no longer be cancelled" in err and f"Interrupted: {job.id} was created" in err
