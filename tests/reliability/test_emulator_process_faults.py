"""`aoft-tui emulator --state-dir D` as a real process, stopped by SIGTERM or kill -9 and
restarted: nothing it answered is lost, and simulated time never goes backwards."""

from __future__ import annotations

import signal
import time

import pytest

from .process_support import EmulatorProcess, chat_lines, saved_jobs

SPEED = 600  # a ~7-minute simulated job (validation, training, post-processing) in under a second


def _event_ids(events: list[dict]) -> list[str]:
    return [e["id"] for e in events]


@pytest.mark.parametrize("how", ["kill", "term"])
def test_a_succeeded_job_stays_succeeded_after_a_stop(tmp_path, how):
    state = tmp_path / "state"
    first = EmulatorProcess(state, speed=SPEED)
    training = first.upload(chat_lines(20))
    job_id = first.create_job(training)["id"]
    done = first.wait_for(job_id, "succeeded")
    events = first.events(job_id)
    first.stop(how)
    assert "Traceback" not in first.stderr

    again = EmulatorProcess(state, speed=SPEED)
    try:
        after = again.job(job_id)
        assert after["status"] == "succeeded"
        assert (after["fine_tuned_model"], after["result_files"], after["finished_at"]) == (
            done["fine_tuned_model"],
            done["result_files"],
            done["finished_at"],
        )
        later = again.events(job_id)
        ids = _event_ids(later)
        assert len(ids) == len(set(ids))  # no event twice
        assert set(_event_ids(events)) <= set(ids)  # every event a client saw is still there
        assert [e["message"] for e in later].count("Job succeeded.") == 1
        assert len(again.http.get("/fine_tuning/jobs").json()["data"]) == 1
    finally:
        again.stop()


def test_sigterm_saves_what_the_clients_saw(tmp_path):
    state = tmp_path / "state"
    proc = EmulatorProcess(state, speed=SPEED)
    job_id = proc.create_job(proc.upload(chat_lines(20)))["id"]
    proc.wait_for(job_id, "succeeded")
    code = proc.stop("term")
    assert code in (0, -signal.SIGTERM), proc.stderr
    assert saved_jobs(state)[job_id]["status"] == "succeeded"  # on disk, not just recomputed


def test_a_running_job_never_loses_progress_across_kill_9(tmp_path):
    state = tmp_path / "state"
    first = EmulatorProcess(state, speed=60)
    job_id = first.create_job(first.upload(chat_lines(20)))["id"]
    first.wait_for(job_id, "running")
    deadline = time.monotonic() + 20
    while not (metrics := [e for e in first.events(job_id) if e["type"] == "metrics"]):
        assert time.monotonic() < deadline, "no metrics event"
        time.sleep(0.05)
    seen_step = metrics[0]["data"]["step"]  # newest first
    first.stop("kill")

    again = EmulatorProcess(state, speed=60)
    try:
        assert again.job(job_id)["status"] in ("running", "succeeded")
        steps = [e["data"]["step"] for e in again.events(job_id) if e["type"] == "metrics"]
        assert steps and steps[0] >= seen_step
    finally:
        again.stop()


def test_an_upload_answered_before_kill_9_is_kept(tmp_path):
    state = tmp_path / "state"
    first = EmulatorProcess(state)
    data = chat_lines(12)
    file_id = first.http.post(
        "/files", files={"file": ("t.jsonl", data)}, data={"purpose": "fine-tune"}
    ).json()["id"]
    first.stop("kill")  # right after the answer: the save must have come before it

    again = EmulatorProcess(state)
    try:
        assert again.http.get(f"/files/{file_id}/content").content == data
    finally:
        again.stop()


def test_a_state_file_that_is_not_json_is_refused_in_one_line(tmp_path):
    from click.testing import CliRunner

    from aoft_tui.cli.emulator_cmd import command

    state = tmp_path / "state"
    state.mkdir()
    (state / "emulator-state.json").write_text('{"version": 2, "jobs": [')  # cut short by a full disk
    result = CliRunner().invoke(command, ["--port", "0", "--state-dir", str(state)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert "emulator-state.json: not an emulator state file" in lines[0] and "move it away" in lines[0]


def test_a_poisoned_record_is_dropped_with_a_warning_at_start(tmp_path):
    import json

    state = tmp_path / "state"
    first = EmulatorProcess(state)
    job_id = first.create_job(first.upload(chat_lines(20)))["id"]
    first.stop("term")
    path = state / "emulator-state.json"
    saved = json.loads(path.read_text())
    saved["jobs"][0]["plan"]["learning_rate_multiplier"] = float("inf")
    path.write_text(json.dumps(saved))

    again = EmulatorProcess(state)
    try:
        listed = again.http.get("/fine_tuning/jobs")
        assert listed.status_code == 200 and listed.json()["data"] == []
    finally:
        again.stop("term")
    assert f"Warning: emulator state: dropped job {job_id}" in again.stderr
    assert "Traceback" not in again.stderr


def test_a_state_dir_it_cannot_write_is_a_one_line_error(tmp_path):
    import os

    from click.testing import CliRunner

    from aoft_tui.cli.emulator_cmd import command

    if os.geteuid() == 0:
        blocked = tmp_path / "a-file"
        blocked.write_text("not a folder")
        state = blocked / "state"  # a folder under a file: not even root can create it
    else:
        state = tmp_path / "locked" / "state"
        state.parent.mkdir(mode=0o500)
    result = CliRunner().invoke(command, ["--port", "0", "--seed-jobs", "2", "--state-dir", str(state)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cannot use the state dir {state}" in result.output, result.output


def test_an_upload_in_progress_continues_after_kill_9(tmp_path):
    state = tmp_path / "state"
    data = chat_lines(30)
    half = len(data) // 2
    first = EmulatorProcess(state)
    upload_id = first.http.post(
        "/uploads",
        json={"purpose": "fine-tune", "filename": "big.jsonl", "bytes": len(data), "mime_type": "text/jsonl"},
    ).json()["id"]
    part_one = first.http.post(f"/uploads/{upload_id}/parts", files={"data": ("p1", data[:half])}).json()[
        "id"
    ]
    first.stop("kill")

    again = EmulatorProcess(state)
    try:
        part_two = again.http.post(f"/uploads/{upload_id}/parts", files={"data": ("p2", data[half:])})
        assert part_two.status_code == 200, part_two.text
        done = again.http.post(
            f"/uploads/{upload_id}/complete", json={"part_ids": [part_one, part_two.json()["id"]]}
        )
        assert done.status_code == 200 and done.json()["status"] == "completed", done.text
        assert again.http.get(f"/files/{done.json()['file']['id']}/content").content == data
    finally:
        again.stop()
    assert not [
        p for p in (state / "files").iterdir() if p.name.startswith("uplprt-")
    ]  # parts are gone once used
