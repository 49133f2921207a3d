"""The emulator's state: files, jobs, uploads, under one lock, with lazy simulation.

Every read first calls `settle(now)`, which materialises the transitions that happened
since the last look (queue starts, pauses, finishes) in simulated-time order. Per-step data
(metrics, checkpoints, results.csv) is never stored; `views.py` computes it from the plan.

Queueing: one job trains per resource. A pending job starts when it is the oldest pending
job, its files have been validated (`ready_at`), and no started job still holds the slot
(running, pausing and resuming jobs hold it; a paused job gives it back, and resuming
does not queue: it may then train beside the job that took the slot).
"""

from __future__ import annotations

import json
import os
import random
import threading
from pathlib import Path
from typing import Any

from aoft_tui.emulator import timeline
from aoft_tui.emulator.clock import SimClock
from aoft_tui.emulator.file_checks import check_training_file, count_examples
from aoft_tui.emulator.records import FileRec, JobRec, UploadRec
from aoft_tui.emulator.simulator import results_csv

STATE_FILE = "emulator-state.json"
CONTENT_DIR = "files"  # uploaded file contents, one file per id, beside the JSON


class Store:
    def __init__(self, clock: SimClock, *, seed: int = 0, metrics_every: int = 10,
                 state_dir: Path | None = None) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.rng = random.Random(seed)
        self.metrics_every = max(1, int(metrics_every))
        self.files: dict[str, FileRec] = {}
        self.jobs: dict[str, JobRec] = {}
        self.uploads: dict[str, UploadRec] = {}
        self.idempotency: dict[str, str] = {}
        self._seq = 0
        self._slot_free_at = float("-inf")
        self._results_cache: dict[str, bytes] = {}
        self.state_dir = state_dir

    # --- ids -----------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{self.rng.getrandbits(128):032x}"

    def event_id(self) -> str:
        return self.new_id("ftevent")

    # --- files ---------------------------------------------------------------------------
    def add_file(self, filename: str, purpose: str, content: bytes, *, created_at: float | None = None,
                 processed: bool = False, check: bool = True) -> FileRec:
        """Store an upload. `check=False` skips the server-side checks for content known to be
        valid (seeded files): start-up must not pay for the full validator 1,000 times."""
        with self.lock:
            rec = FileRec(
                id=self.new_id("file"), filename=filename, purpose=purpose,
                created_at=self.clock.now() if created_at is None else created_at,
                content=content, size=len(content),
            )
            if purpose == "fine-tune":
                if check:
                    verdict = check_training_file(content, filename)
                    rec.status_details, rec.job_failure = verdict.status_details, verdict.job_failure
                rec.n_examples = count_examples(content)
                rec.approx_tokens = max(1, len(content) // 4)  # ~4 bytes per token for English
            if processed:
                rec.created_mono = None
            self.files[rec.id] = rec
            return rec

    def add_results_file(self, job: JobRec, t: float) -> str:
        rec = FileRec(id=self.new_id("file"), filename="results.csv", purpose="fine-tune-results",
                      created_at=t, content=None, size=None, result_of_job=job.id, created_mono=None)
        self.files[rec.id] = rec
        return rec.id

    def file_content(self, rec: FileRec) -> bytes:
        if rec.content is not None:
            return rec.content
        cached = self._results_cache.get(rec.id)
        if cached is None:
            job = self.jobs.get(rec.result_of_job or "")
            cached = b"" if job is None else results_csv(job.plan, job.seed, job.plan.total_steps)
            self._results_cache[rec.id] = cached
        return cached

    def file_size(self, rec: FileRec) -> int:
        if rec.size is None:
            rec.size = len(self.file_content(rec))
        return rec.size

    # --- jobs ----------------------------------------------------------------------------
    def insert_job(self, job: JobRec) -> JobRec:
        with self.lock:
            self._seq += 1
            job.seq = self._seq
            self.jobs[job.id] = job
            timeline.add_event(job, self.event_id, job.created_at, timeline.ENQUEUED)
            return job

    def jobs_newest_first(self) -> list[JobRec]:
        return sorted(self.jobs.values(), key=lambda j: (j.created_at, j.seq), reverse=True)

    def settle(self, now: float | None = None) -> float:
        """Materialise every transition up to `now` (simulated); returns `now`."""
        with self.lock:
            now = self.clock.now() if now is None else now
            pending = sorted((j for j in self.jobs.values() if j.status == "pending"),
                             key=lambda j: (j.created_at, j.seq))
            # Data the service rejects fails at validation time, without taking the slot.
            for job in pending:
                if job.fail_reason is not None and job.ready_at <= now:
                    timeline.fail_job(job, job.ready_at, job.fail_reason, self.event_id)
            pending = [j for j in pending if j.status == "pending"]
            while True:
                holders = [j for j in self.jobs.values() if j.holds_slot]
                for job in holders:
                    timeline.advance_job(job, now, self.event_id, self.add_results_file)
                    if not job.holds_slot:
                        released = job.released_at
                        self._slot_free_at = max(self._slot_free_at, now if released is None else released)
                if any(j.holds_slot for j in holders):
                    break
                if not pending:
                    break
                nxt = pending[0]
                start = max(nxt.ready_at, self._slot_free_at)
                if start > now:
                    break
                pending.pop(0)
                timeline.start_job(nxt, start, self.event_id)
            return now

    # --- persistence ---------------------------------------------------------------------
    def save(self) -> None:
        if self.state_dir is None:
            return
        with self.lock:
            state = {
                "version": 1,
                "clock": {"start_epoch": self.clock.start_epoch, "offset": self.clock.offset,
                          "saved_at": self.clock.now()},
                "rng": _rng_to_json(self.rng),
                "seq": self._seq,
                "slot_free_at": None if self._slot_free_at == float("-inf") else self._slot_free_at,
                "idempotency": self.idempotency,
                "files": [f.to_json() for f in self.files.values()],
                "jobs": [j.to_json() for j in self.jobs.values()],
            }
        contents = self.state_dir / CONTENT_DIR
        contents.mkdir(parents=True, exist_ok=True)
        with self.lock:
            for rec in self.files.values():  # uploads never change: write each once
                target = contents / rec.id
                if rec.content is not None and not target.exists():
                    _atomic_write(target, rec.content)
        path = self.state_dir / STATE_FILE
        _atomic_write(path, json.dumps(state).encode())

    def load(self) -> bool:
        """Reload a saved state; returns False when the state dir holds none."""
        if self.state_dir is None or not (self.state_dir / STATE_FILE).exists():
            return False
        state = json.loads((self.state_dir / STATE_FILE).read_text())
        with self.lock:
            self.rng.setstate(_rng_from_json(state["rng"]))
            self._seq = state["seq"]
            free = state.get("slot_free_at")
            self._slot_free_at = float("-inf") if free is None else free
            self.idempotency = dict(state["idempotency"])
            self.files = {d["id"]: FileRec.from_json(dict(d), self._saved_content(d)) for d in state["files"]}
            self.jobs = {d["id"]: JobRec.from_json(d) for d in state["jobs"]}
            # Simulated time continues from where the last run stopped, never backwards.
            saved_at = state["clock"]["saved_at"]
            now = self.clock.now()
            if saved_at > now:
                self.clock.advance(saved_at - now)
        return True

    def _saved_content(self, d: dict[str, Any]) -> bytes | None:
        if d.get("result_of_job"):
            return None  # results.csv is regenerated from its job
        path = self.state_dir / CONTENT_DIR / d["id"] if self.state_dir else None
        return path.read_bytes() if path is not None and path.exists() else b""


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _rng_to_json(rng: random.Random) -> Any:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _rng_from_json(data: Any) -> tuple:
    version, internal, gauss = data
    return (version, tuple(internal), gauss)
