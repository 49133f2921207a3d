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

import random
import threading
import time
from pathlib import Path
from typing import Any

from aoft_tui.emulator import timeline
from aoft_tui.emulator.clock import SimClock
from aoft_tui.emulator.file_checks import check_training_file, count_examples
from aoft_tui.emulator.persistence import atomic_write, dumps_strict, load_records, private_dir, read_state
from aoft_tui.emulator.records import FileRec, JobRec, UploadRec
from aoft_tui.emulator.simulator import results_csv

STATE_FILE = "emulator-state.json"
CONTENT_DIR = "files"  # uploaded file contents, one file per id, beside the JSON


class Store:
    def __init__(
        self, clock: SimClock, *, seed: int = 0, metrics_every: int = 10, state_dir: Path | None = None
    ) -> None:
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
        # Every new object or event takes an id, so counting ids counts changes: a request
        # that materialised a transition (revision moved) is saved before it is answered.
        self.revision = 0
        self._saved_revision = 0
        self.load_warnings: list[str] = []

    # --- ids -----------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        self.revision += 1
        return f"{prefix}-{self.rng.getrandbits(128):032x}"

    def event_id(self) -> str:
        return self.new_id("ftevent")

    # --- files ---------------------------------------------------------------------------
    def add_file(
        self,
        filename: str,
        purpose: str,
        content: bytes,
        *,
        created_at: float | None = None,
        processed: bool = False,
        check: bool = True,
    ) -> FileRec:
        """Store an upload. `check=False` skips the server-side checks for content known to be
        valid (seeded files): start-up must not pay for the full validator 1,000 times."""
        with self.lock:
            rec = FileRec(
                id=self.new_id("file"),
                filename=filename,
                purpose=purpose,
                created_at=self.clock.now() if created_at is None else created_at,
                content=content,
                size=len(content),
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
        rec = FileRec(
            id=self.new_id("file"),
            filename="results.csv",
            purpose="fine-tune-results",
            created_at=t,
            content=None,
            size=None,
            result_of_job=job.id,
            created_mono=None,
        )
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
        job.check()  # a job that cannot be rendered or saved is never stored
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
            pending = sorted(
                (j for j in self.jobs.values() if j.status == "pending"), key=lambda j: (j.created_at, j.seq)
            )
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
    @property
    def unsaved(self) -> bool:
        return self.state_dir is not None and self.revision != self._saved_revision

    def save(self) -> None:
        """Write the state (crash-safe, 0600): called before any answer that changed it."""
        if self.state_dir is None:
            return
        with self.lock:
            revision = self.revision
            state = {
                "version": 2,
                # sim time at a wall time: a restart continues from here at `speed`, so time
                # a client saw before a kill -9 is never taken back (see load)
                "clock": {"saved_at": self.clock.now(), "saved_wall": time.time(), "speed": self.clock.speed},
                "rng": _rng_to_json(self.rng),
                "seq": self._seq,
                "slot_free_at": None if self._slot_free_at == float("-inf") else self._slot_free_at,
                "idempotency": self.idempotency,
                "files": [f.to_json() for f in self.files.values()],
                "jobs": [j.to_json() for j in self.jobs.values()],
                "uploads": [u.to_json() for u in self.uploads.values()],
            }
            contents = private_dir(self.state_dir / CONTENT_DIR)
            kept = dict(self._contents())
            for name, content in kept.items():  # contents never change: write each once
                target = contents / name
                if not target.exists():
                    atomic_write(target, content)
            data = dumps_strict(state)
            atomic_write(private_dir(self.state_dir) / STATE_FILE, data)
            self._saved_revision = revision
            for stale in contents.iterdir():  # deleted files and used-up parts leave the disk too
                if stale.name not in kept and not stale.name.endswith(".tmp"):
                    stale.unlink(missing_ok=True)

    def _contents(self):
        """(name, bytes) of everything kept beside the JSON: uploaded files and upload parts."""
        for rec in self.files.values():
            if rec.content is not None:
                yield rec.id, rec.content
        for up in self.uploads.values():
            for part in up.parts:
                yield part.id, part.data

    def load(self) -> bool:
        """Reload a saved state; returns False when the state dir holds none.

        Raises persistence.StateFileError when the file is not a usable state; records that
        are unusable on their own are quarantined, with a line each in `load_warnings`."""
        if self.state_dir is None or not (self.state_dir / STATE_FILE).exists():
            return False
        state = read_state(self.state_dir / STATE_FILE)
        warnings: list[str] = []
        files = load_records(
            self.state_dir,
            state["files"],
            "file",
            lambda d: FileRec.from_json(dict(d), self._saved_content(d)),
            warnings,
        )
        jobs = load_records(self.state_dir, state["jobs"], "job", JobRec.from_json, warnings)
        uploads = load_records(
            self.state_dir,
            state.get("uploads") or [],
            "upload",
            lambda d: UploadRec.from_json(d, self._saved_part),
            warnings,
        )
        with self.lock:
            try:
                self.rng.setstate(_rng_from_json(state["rng"]))
            except (TypeError, ValueError):
                warnings.append("emulator state: its random state was unreadable; new ids start afresh.")
            self._seq = state["seq"]
            free = state.get("slot_free_at")
            self._slot_free_at = free if isinstance(free, int | float) and free == free else float("-inf")
            self.files = {f.id: f for f in files}
            self.jobs = {j.id: j for j in jobs}
            self.uploads = {u.id: u for u in uploads}
            self.idempotency = {
                k: v
                for k, v in state["idempotency"].items()
                if isinstance(k, str) and isinstance(v, str) and v in self.jobs
            }
            self.clock.resume_at(self._resume_time(state["clock"]))
            self.load_warnings = warnings
            self._saved_revision = self.revision = 0
            if warnings:
                self.revision = 1  # the repaired state is written at the first save
        return True

    def _resume_time(self, clock: dict[str, Any]) -> float:
        """Simulated time kept running while the emulator was stopped (at its old speed), and
        never earlier than anything recorded: a kill -9 cannot rewind a job."""
        saved_at = clock["saved_at"]
        wall, speed = clock.get("saved_wall"), clock.get("speed")
        if isinstance(wall, int | float) and isinstance(speed, int | float) and speed >= 0:
            resume = saved_at + speed * max(0.0, time.time() - wall)
        else:  # a version-1 state: it did not record the wall time
            resume = max(saved_at, self.clock.now())
        recorded = [saved_at]
        for job in self.jobs.values():
            recorded.append(job.created_at)
            recorded.extend(e.t for e in job.events)
        recorded.extend(f.created_at for f in self.files.values())
        return max(resume, *recorded)

    def _saved_part(self, part_id: Any) -> bytes:
        if not isinstance(part_id, str) or "/" in part_id or part_id.startswith("."):
            raise ValueError("a part id is not an id")
        path = self.state_dir / CONTENT_DIR / part_id if self.state_dir else None
        if path is None or not path.exists():
            raise ValueError(f"the data of its part {part_id} is missing")
        return path.read_bytes()

    def _saved_content(self, d: dict[str, Any]) -> bytes | None:
        if d.get("result_of_job"):
            return None  # results.csv is regenerated from its job
        if not isinstance(d["id"], str) or "/" in d["id"] or d["id"].startswith("."):
            raise ValueError("its id is not a file id")  # never read outside the contents folder
        path = self.state_dir / CONTENT_DIR / d["id"] if self.state_dir else None
        return path.read_bytes() if path is not None and path.exists() else b""


def _rng_to_json(rng: random.Random) -> Any:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _rng_from_json(data: Any) -> tuple:
    version, internal, gauss = data
    return (version, tuple(internal), gauss)
