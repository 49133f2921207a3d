"""`aoft-tui start` killed with SIGKILL at its dangerous moments, then run again: exactly one
file and one job, whatever landed before the kill.

Real processes against a real emulator on loopback. Two kinds of window:
- the request is held *after* the emulator committed it (a test-local ASGI layer keeps the
  answer back until the client is dead): the upload or the job exists, the client never
  learnt its id — the case a rerun used to duplicate;
- the emulator's own `stall` fault holds the request *before* it is handled, and the
  client dies while waiting.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

MODEL = "gpt-4o-mini-2024-07-18"


class HoldAnswer:
    """ASGI layer: the next request matching (method, path part) is handled — committed —
    but its answer is kept back until `release` is set."""

    def __init__(self, app) -> None:
        self.app = app
        self.armed: tuple[str, str] | None = None
        self.landed = threading.Event()
        self.release = threading.Event()

    def arm(self, method: str, path_part: str) -> None:
        self.armed = (method, path_part)

    async def __call__(self, scope, receive, send) -> None:
        armed = self.armed
        if (
            scope["type"] != "http"
            or armed is None
            or scope["method"] != armed[0]
            or armed[1] not in scope["path"]
        ):
            await self.app(scope, receive, send)
            return
        self.armed = None
        answer: list[dict] = []

        async def keep(message: dict) -> None:
            answer.append(message)

        await self.app(scope, receive, keep)
        self.landed.set()
        while not self.release.is_set():
            await asyncio.sleep(0.01)
        for message in answer:  # to a client that is gone by now
            await send(message)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple]:
    """(emulator, hold): an emulator whose app sits behind a HoldAnswer layer."""
    from aoft_tui.emulator import embedded

    holders: list[HoldAnswer] = []
    real_create_app = embedded.create_app

    def create_app(*args, **kwargs):
        holders.append(HoldAnswer(real_create_app(*args, **kwargs)))
        return holders[-1]

    monkeypatch.setattr(embedded, "create_app", create_app)
    with embedded.EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=3) as emu:
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", emu.endpoint)
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", emu.api_key)
        try:
            yield emu, holders[0]
        finally:
            holders[0].release.set()


@pytest.fixture
def train(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Weather in city {i}?"},
                {"role": "assistant", "content": f"Sunny in city {i}, {10 + i} degrees."},
            ]
        }
        for i in range(20)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _command(train: Path) -> list[str]:
    return [sys.executable, "-m", "aoft_tui", "start", str(train), "-m", MODEL]


def _spawn(train: Path) -> subprocess.Popen:
    return subprocess.Popen(
        _command(train), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy()
    )


def _kill(proc: subprocess.Popen) -> None:
    proc.kill()  # SIGKILL: no handler runs, nothing is cleaned up
    proc.communicate(timeout=30)
    assert proc.returncode == -9


def _rerun(train: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        _command(train), capture_output=True, text=True, env=os.environ.copy(), timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _live_files(emu) -> list:
    with emu.store.lock:
        return [f for f in emu.store.files.values() if f.purpose == "fine-tune"]


def _intents() -> list[Path]:
    folder = Path(os.environ["AOFT_TUI_STATE_DIR"]) / "start-intents"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_killed_after_the_create_landed_the_rerun_finds_the_job(held, train: Path) -> None:
    emu, hold = held
    hold.arm("POST", "/fine_tuning/jobs")
    proc = _spawn(train)
    assert hold.landed.wait(90), proc.stderr.read() if proc.poll() is not None else "no create request"
    _kill(proc)
    hold.release.set()
    assert emu.job_count() == 1  # it did land

    result = _rerun(train)
    with emu.store.lock:
        job_ids = list(emu.store.jobs)
    assert len(job_ids) == 1, f"a second job was created: {job_ids}\n{result.stderr}"
    assert result.stdout.strip() == job_ids[0]
    assert "Resuming" in result.stderr and "Uploading" not in result.stderr
    assert len(_live_files(emu)) == 1
    assert _intents() == []  # done: nothing left to resume


def test_killed_after_the_upload_landed_the_rerun_adopts_the_file(held, train: Path) -> None:
    emu, hold = held
    hold.arm("POST", "/files")
    proc = _spawn(train)
    assert hold.landed.wait(90), "no upload request"
    _kill(proc)
    hold.release.set()
    assert len(_live_files(emu)) == 1 and emu.job_count() == 0

    result = _rerun(train)
    files = _live_files(emu)
    assert len(files) == 1, f"uploaded again, orphaning the first copy:\n{result.stderr}"
    assert "Uploading" not in result.stderr and f"Found {files[0].id}" in result.stderr
    assert emu.job_count() == 1
    assert _intents() == []


@pytest.mark.parametrize("path_part", ["/fine_tuning/jobs", "/files"])
def test_killed_during_a_stalled_request_the_rerun_makes_exactly_one(
    held, train: Path, path_part: str
) -> None:
    emu, _hold = held
    emu.faults.schedule("stall", method="POST", path_contains=path_part, count=1, seconds=1.5)
    proc = _spawn(train)
    _wait_for(
        lambda: any(kind == "stall" for kind, *_ in emu.faults.injected), f"the stalled POST {path_part}"
    )
    _kill(proc)
    time.sleep(1.7)  # the stall ends; whatever the emulator does with the orphaned request is done

    result = _rerun(train)
    assert emu.job_count() == 1, result.stderr
    assert len(_live_files(emu)) == 1, result.stderr
    assert _intents() == []


def test_the_intent_is_private_and_on_disk_before_the_create_is_sent(held, train: Path) -> None:
    emu, hold = held
    hold.arm("POST", "/fine_tuning/jobs")
    proc = _spawn(train)
    assert hold.landed.wait(90)
    try:
        [intent] = _intents()
        assert intent.stat().st_mode & 0o777 == 0o600
        data = json.loads(intent.read_text())
        assert data["create"]["sent"] is True and data["idempotency_key"].startswith("aoft-tui-")
        assert data["files"]["training"]["file_id"].startswith("file-")
        assert emu.api_key not in intent.read_text()
    finally:
        _kill(proc)
        hold.release.set()


def test_a_second_process_with_the_same_request_waits_its_turn(held, train: Path) -> None:
    """Two `start`s of the same files and options at once: the second refuses (exit 1, the
    holder's pid named) instead of racing the first to a second job."""
    emu, hold = held
    hold.arm("POST", "/fine_tuning/jobs")
    first = _spawn(train)
    try:
        assert hold.landed.wait(90)
        second = subprocess.run(
            _command(train), capture_output=True, text=True, env=os.environ.copy(), timeout=120
        )
        assert second.returncode == 1 and second.stdout == ""
        assert f"pid {first.pid}" in second.stderr and "Already starting" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        hold.release.set()
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert emu.job_count() == 1 and out.strip() in emu.store.jobs
