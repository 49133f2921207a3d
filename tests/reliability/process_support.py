"""Run `aoft-tui emulator` as a real process and talk to it over plain HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx2

API_VERSION = "2025-04-01-preview"
MODEL = "gpt-4o-mini-2024-07-18"
# the live-mode emulator, like Azure, refuses a model without the tier it trains in
TRAINING_TYPE = "GlobalStandard"
EXPORT_RE = re.compile(
    r"export AZURE_OPENAI_ENDPOINT=(\S+) AZURE_OPENAI_API_KEY=(\w+) OPENAI_API_VERSION=\S+\n"
)


def start_emulator(state_dir: Path, *extra: str, speed: float = 0.0) -> subprocess.Popen[str]:
    """`python -m aoft_tui emulator` on a free port (seed 3), its output piped and unbuffered."""
    return subprocess.Popen(
        [sys.executable, "-m", "aoft_tui", "emulator", "--port", "0", "--seed", "3", "--speed", f"{speed:g}"]
        + ["--state-dir", str(state_dir), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


class EmulatorProcess:
    """`python -m aoft_tui emulator --state-dir DIR ...` with an httpx2 client on its API."""

    def __init__(self, state_dir: Path, *extra: str, speed: float = 0.0) -> None:
        self.proc = start_emulator(state_dir, *extra, speed=speed)
        line = self.proc.stdout.readline()
        match = EXPORT_RE.fullmatch(line)
        if match is None:
            self.proc.kill()
            raise AssertionError(f"no export line: {line!r}; stderr: {self.proc.stderr.read()}")
        self.endpoint, self.key = match.groups()
        self.http = httpx2.Client(
            base_url=f"{self.endpoint}/openai",
            params={"api-version": API_VERSION},
            headers={"api-key": self.key},
            timeout=10,
        )

    def upload(self, data: bytes) -> str:
        file_id = self.http.post(
            "/files", files={"file": ("train.jsonl", data)}, data={"purpose": "fine-tune"}
        ).json()["id"]
        deadline = time.monotonic() + 10
        while self.http.get(f"/files/{file_id}").json()["status"] not in ("processed", "error"):
            assert time.monotonic() < deadline, "file never processed"
            time.sleep(0.05)
        return file_id

    def create_job(self, training_file: str) -> dict:
        reply = self.http.post(
            "/fine_tuning/jobs",
            json={"model": MODEL, "training_file": training_file, "trainingType": TRAINING_TYPE},
        )
        assert reply.status_code == 201, reply.text
        return reply.json()

    def job(self, job_id: str) -> dict:
        return self.http.get(f"/fine_tuning/jobs/{job_id}").json()

    def events(self, job_id: str) -> list[dict]:
        return self.http.get(f"/fine_tuning/jobs/{job_id}/events", params={"limit": 10_000}).json()["data"]

    def wait_for(self, job_id: str, status: str, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while (job := self.job(job_id))["status"] != status:
            assert time.monotonic() < deadline, f"job stayed {job['status']}, never {status}"
            time.sleep(0.02)
        return job

    def stop(self, how: str = "kill") -> int:
        """'kill' = kill -9, 'term' = SIGTERM; returns the exit code."""
        self.http.close()
        if self.proc.poll() is None:
            (self.proc.kill if how == "kill" else self.proc.terminate)()
        code = self.proc.wait(timeout=15)
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code


def chat_lines(n: int) -> bytes:
    rows = [
        {"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]}
        for i in range(n)
    ]
    return "\n".join(json.dumps(r) for r in rows).encode() + b"\n"


def saved_jobs(state_dir: Path) -> dict[str, dict]:
    state = json.loads((state_dir / "emulator-state.json").read_text())
    return {job["id"]: job for job in state["jobs"]}
