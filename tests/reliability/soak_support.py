"""The fault soak's two worlds: one emulator with random faults, one without, same seed.

Each `SoakSide` holds an embedded emulator (frozen clock, moved only by the script's
`advance` calls), its own state and W&B folders, and runs `aoft-tui` sub-commands as real
processes against it. The scenario (`run_round`) is the same script for both sides; what
it leaves behind (`final_results`) must be equal: no point lost, none duplicated, no
extra job.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aoft_tui.emulator.embedded import EmbeddedEmulator
from aoft_tui.services.wandb_push.run_file import read_run

from .process_support import API_VERSION, MODEL, chat_lines

CLI_TIMEOUT = 120.0  # one command; a hang fails the soak instead of stalling CI
ADVANCE_SECONDS = 60.0  # one scripted clock step
MAX_ADVANCES_PER_ROUND = 600
EXIT_CODES_SEEN_UNDER_FAULTS = (0, 1)  # 1: "could not finish, run again" (one line, no traceback)


@dataclass
class CommandLog:
    """Every command run on a side, and how many needed a rerun to finish."""

    runs: int = 0
    reruns: int = 0
    errors: list[str] = field(default_factory=list)  # the one-line errors a rerun answered


SOAK_FAULT_KINDS = ("429", "500", "503", "reset_before", "reset_after", "stall", "truncate")


class SoakSide:
    def __init__(self, base: Path, *, name: str, seed: int, fault_rate: float, start_epoch: float) -> None:
        self.name = name
        self.base = base / name
        self.base.mkdir(parents=True)
        self.emu = EmbeddedEmulator(
            seed_jobs=4, speed=0.0, seed=seed, fault_rate=fault_rate, start_epoch=start_epoch
        )
        # every kind the issue names: 429 with Retry-After, 5xx, resets before and after the
        # work is done, stalls, bodies cut off halfway
        self.emu.faults.kinds = SOAK_FAULT_KINDS
        self.commands = CommandLog()
        self.env = {
            **os.environ,
            "AZURE_OPENAI_ENDPOINT": self.emu.endpoint,
            "AZURE_OPENAI_API_KEY": self.emu.api_key,
            "AOFT_TUI_STATE_DIR": str(self.base / "state"),
            "AOFT_TUI_CONFIG_DIR": str(self.base / "config"),
            "WANDB_DIR": str(self.base / "wandb"),
            "PYTHONUNBUFFERED": "1",
        }
        # a wandb service started by this process must not be shared with the children
        self.env.pop("WANDB_SERVICE", None)
        self.advanced = 0.0

    def close(self) -> None:
        self.emu.stop()

    # --- commands ---------------------------------------------------------------------
    def spawn(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "aoft_tui", *args],
            cwd=self.base,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(self, proc: subprocess.Popen, args: tuple[str, ...]) -> subprocess.CompletedProcess:
        try:
            out, err = proc.communicate(timeout=CLI_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(
                f"[{self.name}] aoft-tui {' '.join(args)} hung; stderr: {err[-2000:]}"
            ) from None
        self.commands.runs += 1
        self._check_output(args, proc.returncode, out, err)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def cli(self, *args: str, attempts: int = 6) -> subprocess.CompletedProcess:
        """Run `aoft-tui ARGS` until it exits 0, as a script would: an exit 1 is a clear
        "could not finish" that a rerun completes (never a wrong or partial success)."""
        for _attempt in range(attempts):
            done = self.finish(self.spawn(*args), args)
            if done.returncode == 0:
                return done
            self.commands.reruns += 1
            self.commands.errors.append(done.stderr.strip().splitlines()[-1])
        raise AssertionError(
            f"[{self.name}] aoft-tui {' '.join(args)} failed {attempts} times: {done.stderr}"
        )

    def _check_output(self, args: tuple[str, ...], code: int, out: str, err: str) -> None:
        where = f"[{self.name}] aoft-tui {' '.join(args)}"
        assert code in EXIT_CODES_SEEN_UNDER_FAULTS, f"{where}: exit {code}; stderr: {err[-3000:]}"
        assert "Traceback" not in out + err, f"{where}: {err[-3000:]}"
        assert self.emu.api_key not in out + err, f"{where}: the API key reached the output"
        if code == 1:
            errors = [line for line in err.splitlines() if line.startswith("Error: ")]
            assert len(errors) == 1, f"{where}: not one clear error line: {err[-3000:]}"

    # --- the scripted clock -----------------------------------------------------------
    def advance(self) -> None:
        self.emu.advance(ADVANCE_SECONDS)
        self.advanced += ADVANCE_SECONDS

    def ended(self, *job_ids: str) -> bool:
        store = self.emu.store
        store.settle()
        with store.lock:
            return all(store.jobs[j].status in ("succeeded", "failed", "cancelled") for j in job_ids)

    def requests(self) -> int:
        return self.emu.faults.requests

    def faults_injected(self) -> int:
        return len(self.emu.faults.injected)


def write_training_file(folder: Path, name: str, rows: int) -> Path:
    path = folder / name
    path.write_bytes(chat_lines(rows))
    return path


def run_round(side: SoakSide, round_no: int) -> dict[str, Any]:
    """One round of the script on `side`; returns what the commands printed that must match."""
    seen: dict[str, Any] = {}
    seen["jobs_before"] = json.loads(side.cli("jobs", "--json").stdout)
    first = write_training_file(side.base, f"train-{round_no}a.jsonl", 20 + round_no)
    second = write_training_file(side.base, f"train-{round_no}b.jsonl", 30 + round_no)
    started = json.loads(
        side.cli("start", str(first), "-m", MODEL, "--suffix", f"r{round_no}a", "-y", "--json").stdout
    )
    job_a = started["id"]
    before = side.emu.job_count()
    # `start --wait` and `watch` follow while the clock moves; the clock moves only after
    # the second create has landed, so both sides create it at the same simulated time.
    wait_args = (
        "start",
        str(second),
        "-m",
        MODEL,
        "--suffix",
        f"r{round_no}b",
        "-y",
        "--wait",
        "--interval",
        "0.2",
        "--json",
    )
    waiter = _Until(side, wait_args)
    deadline = time.monotonic() + CLI_TIMEOUT
    while side.emu.job_count() == before:
        assert time.monotonic() < deadline, f"[{side.name}] the second job was never created"
        waiter.rerun_if_failed()
        time.sleep(0.02)
    watcher = _Until(side, ("watch", job_a, "--interval", "0.2", "--json"))
    job_b = next(iter(side.emu.store.jobs.keys() - {j["id"] for j in seen["jobs_before"]} - {job_a}))
    # Until both jobs have ended, by the emulator's own (unfaulted) record: the same number
    # of steps on both sides, as it depends on simulated time alone.
    for _ in range(MAX_ADVANCES_PER_ROUND):
        side.advance()
        time.sleep(0.05)  # the followers poll in between
        if side.ended(job_a, job_b):
            break
    else:
        raise AssertionError(f"[{side.name}] {job_a}, {job_b} never ended")
    waited = waiter.result()
    watched = watcher.result()
    assert json.loads(waited.stdout)["id"] == job_b
    seen["start_wait_final"] = json.loads(waited.stdout)
    # the end a watcher reports; which states it saw on the way depends on when it polled
    final = json.loads(watched.stdout.strip().splitlines()[-1])
    seen["watch_final"] = {key: final[key] for key in ("job_id", "new_status", "step", "loss")}
    for job_id in (job_a, job_b):
        pushed = json.loads(side.cli("push", job_id, "--mode", "offline", "--json").stdout)
        assert pushed["complete"] is True, pushed
        seen[f"push_{job_id}"] = {key: pushed[key] for key in ("status", "last_step", "artifacts")}
    exported = json.loads(
        side.cli("export", job_a, "--dir", str(side.base / "export"), "--force", "--json").stdout
    )
    folder = Path(exported["folder"])
    seen["export"] = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    seen["jobs_after"] = json.loads(side.cli("jobs", "--json").stdout)
    seen["round_jobs"] = [job_a, job_b]
    return seen


class _Until:
    """A follower process (`start --wait`, `watch`) that is rerun when it exits 1, as a
    script would, until it exits 0."""

    def __init__(self, side: SoakSide, args: tuple[str, ...]) -> None:
        self.side = side
        self.args = args
        self.proc = side.spawn(*args)

        self.failures = 0

    def rerun_if_failed(self) -> None:
        """While the clock stands still a follower cannot end well: an exit now is a failure."""
        if self.proc.poll() is not None:
            done = self.side.finish(self.proc, self.args)
            assert done.returncode == 1, f"[{self.side.name}] {self.args} ended early: {done.stdout}"
            self._count(done)
            self.proc = self.side.spawn(*self.args)

    def result(self) -> subprocess.CompletedProcess:
        while True:
            done = self.side.finish(self.proc, self.args)
            if done.returncode == 0:
                return done
            self._count(done)
            self.proc = self.side.spawn(*self.args)

    def _count(self, done: subprocess.CompletedProcess) -> None:
        self.failures += 1
        assert self.failures < 6, f"[{self.side.name}] {self.args} kept failing: {done.stderr}"
        self.side.commands.reruns += 1
        self.side.commands.errors.append(done.stderr.strip().splitlines()[-1])


def wandb_steps(side: SoakSide) -> dict[str, list[int]]:
    """Every offline run's training steps by run id, across all its folders, in write order."""
    steps: dict[str, list[int]] = {}
    for run_dir in sorted((side.base / "wandb" / "wandb").glob("offline-run-*")):
        run = read_run(run_dir)
        steps.setdefault(run.run_id or "?", []).extend(row["step"] for row in run.history if "step" in row)
    return steps


def emulator_view(side: SoakSide) -> dict[str, Any]:
    """The emulator's own record, read without faults: every job as the API shows it, its
    events and checkpoints, every file."""
    from aoft_tui.services.finetuning import FineTuningService

    rate, side.emu.faults.rate = side.emu.faults.rate, 0.0  # the referee's own reads are not faulted
    service = FineTuningService(side.emu.endpoint, side.emu.api_key, API_VERSION)
    try:
        jobs = service.list_jobs()
        view: dict[str, Any] = {
            "jobs": [job.raw for job in jobs],
            "files": sorted((f.id, f.filename, f.bytes) for f in service.list_files()),
        }
        for job in jobs:
            view[job.id] = {
                "events": service.events_since(job.id, None),
                "checkpoints": service.checkpoints(job.id),
            }
        return view
    finally:
        service.close()
        side.emu.faults.rate = rate
