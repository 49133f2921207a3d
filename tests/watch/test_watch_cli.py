"""`aoft-tui watch` as a real process against the emulator: lines, hooks and exit codes."""

from __future__ import annotations

import json
import os
import signal
import stat
import time

import pytest

from .watch_support import WatchProcess, make_fail

FAST = ("--interval", "0.2")


def _json_lines(watch: WatchProcess, count: int) -> list[dict]:
    return [json.loads(watch.next_line()) for _ in range(count)]


def test_running_job_that_succeeds_exits_0_with_its_changes(emulator, service) -> None:
    job_id = emulator.add_job(n_steps=40, progress=0.5, seconds_per_step=1.0)
    watch = WatchProcess(emulator, job_id, "--json", *FAST)
    try:
        first = json.loads(watch.next_line())
        assert first["job_id"] == job_id and first["old_status"] is None and first["new_status"] == "running"
        assert first["step"] == 20 and isinstance(first["loss"], float)  # step/loss known while it runs
        emulator.advance(3600)
        last = json.loads(watch.next_line())
        assert (last["old_status"], last["new_status"]) == ("running", "succeeded")
        final_points = service.metrics(job_id)  # the results file: the job's own last step and loss
        assert last["step"] == final_points[-1].step > first["step"]
        assert last["loss"] == final_points[-1].values["train_loss"]
        assert last["time"].endswith("+00:00")
        assert watch.wait() == 0, watch.stderr
    finally:
        watch.kill()


def test_failed_job_exits_1_and_exec_gets_its_id_and_status(emulator, tmp_path) -> None:
    job_id = emulator.add_job(n_steps=40, progress=0.25, seconds_per_step=1.0)
    make_fail(emulator, job_id, 30)
    out = tmp_path / "hook.txt"
    watch = WatchProcess(emulator, job_id, *FAST, "--exec", f'echo "$AOFT_JOB_ID $AOFT_JOB_STATUS" >> {out}')
    try:
        assert f"{job_id}  running" in watch.next_line()
        emulator.advance(3600)
        line = watch.next_line()
        assert f"{job_id}  running → failed" in line
        assert watch.wait() == 1, watch.stderr
    finally:
        watch.kill()
    assert out.read_text() == f"{job_id} failed\n"  # once, on the final state only


def test_cancelled_job_exits_3(emulator, service) -> None:
    job_id = emulator.add_job(n_steps=40, progress=0.5)
    watch = WatchProcess(emulator, job_id, "--json", *FAST)
    try:
        assert json.loads(watch.next_line())["new_status"] == "running"
        service.cancel_job(job_id)
        assert json.loads(watch.next_line())["new_status"] == "cancelled"
        assert watch.wait() == 3
    finally:
        watch.kill()


def test_several_jobs_exit_0_only_if_all_succeeded(emulator) -> None:
    good = emulator.add_job(n_steps=20, progress=0.5)
    bad = emulator.add_job(n_steps=20, progress=0.1)
    make_fail(emulator, bad, 10)
    watch = WatchProcess(emulator, "--all", "--json", *FAST)
    try:
        first = _json_lines(watch, 2)
        assert {d["job_id"] for d in first} == {good, bad}
        emulator.advance(3600)
        ends = {d["job_id"]: d["new_status"] for d in _json_lines(watch, 2)}
        assert ends == {good: "succeeded", bad: "failed"}
        assert watch.wait() == 1
    finally:
        watch.kill()


def test_already_finished_job_reports_once_and_exits_at_once(emulator) -> None:
    job_id = emulator.add_job(n_steps=20, progress=0.5)
    emulator.advance(3600)
    watch = WatchProcess(emulator, job_id, *FAST)
    try:
        assert f"{job_id}  succeeded" in watch.next_line()
        assert watch.wait() == 0
        assert watch.remaining_lines() == []
    finally:
        watch.kill()


def test_notify_rings_the_bell_and_calls_notify_send(emulator, tmp_path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "notified.txt"
    sender = bin_dir / "notify-send"
    sender.write_text(f'#!/bin/sh\necho "$@" >> {record}\n')
    sender.chmod(sender.stat().st_mode | stat.S_IEXEC)
    job_id = emulator.add_job(n_steps=20, progress=0.5)
    watch = WatchProcess(
        emulator, job_id, "--notify", *FAST, env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    )
    try:
        watch.next_line()
        assert "\a" not in watch.stderr  # not while it is still running
        emulator.advance(3600)
        watch.next_line()
        assert watch.wait() == 0
    finally:
        watch.kill()
    assert "\a" in watch.stderr
    assert record.read_text() == f"aoft-tui {job_id} succeeded\n"


def test_sigterm_exits_130_and_says_so(emulator) -> None:
    job_id = emulator.add_job(n_steps=40, progress=0.5)
    watch = WatchProcess(emulator, job_id, *FAST)
    try:
        watch.next_line()
        watch.proc.send_signal(signal.SIGTERM)
        assert watch.wait() == 130
        assert "Interrupted" in watch.stderr and "Traceback" not in watch.stderr
    finally:
        watch.kill()


def test_outage_prints_one_line_and_keeps_waiting(emulator) -> None:
    job_id = emulator.add_job(n_steps=40, progress=0.5)
    watch = WatchProcess(emulator, job_id, "--json", *FAST)
    try:
        watch.next_line()
        # more 503s than the service's own retries: several failed polls in a row
        emulator.faults.schedule(
            "503", method="GET", path_contains="/fine_tuning/jobs", count=12, retry_after=0.05
        )
        deadline = time.monotonic() + 30
        while emulator.faults._scheduled and time.monotonic() < deadline:
            time.sleep(0.1)
        emulator.advance(3600)
        assert json.loads(watch.next_line())["new_status"] == "succeeded"
        assert watch.wait() == 0
    finally:
        watch.kill()
    lost = [line for line in watch.stderr_lines if line.startswith("Lost contact")]
    assert len(lost) == 1, watch.stderr
    assert any(line.startswith("Back in contact") for line in watch.stderr_lines), watch.stderr
    assert emulator.api_key not in watch.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("ftjob-doesnotexist",), "ftjob-doesnotexist"),
        ((), "--all"),
        (("ftjob-x", "--interval", "0"), "--interval"),
    ],
)
def test_bad_usage_is_one_line_exit_2(emulator, args, expected) -> None:
    watch = WatchProcess(emulator, *args)
    try:
        assert watch.wait() == 2
    finally:
        watch.kill()
    assert watch.stderr.startswith("Error: ") and expected in watch.stderr
    assert "Traceback" not in watch.stderr and len(watch.stderr_lines) == 1


def test_all_with_nothing_in_progress_says_so_and_exits_0(emulator) -> None:
    emulator.add_job(n_steps=20, progress=0.5)
    emulator.advance(3600)
    watch = WatchProcess(emulator, "--all", *FAST)
    try:
        assert watch.wait() == 0
    finally:
        watch.kill()
    assert watch.remaining_lines() == [] and "nothing to watch" in watch.stderr
