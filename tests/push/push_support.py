"""Helpers for the push tests: push offline, then read what was written with wandb's own
record type (no mocks): history, config, summary, artifacts and their tables."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from aoft_tui.services.wandb_push.run_file import OfflineRun
from aoft_tui.services.wandb_push.run_file import read_run as read_run_file


def read_run(run_dir: Path, *, timeout: float = 10.0) -> OfflineRun:
    """A finished run's file, read once wandb's service has written its exit record
    (`finish()` can return a moment before the service's last write reaches the disk)."""
    deadline = time.monotonic() + timeout
    while True:
        run = read_run_file(run_dir)
        if run.exit_code is not None or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def read_runs(dirs: list[Path]) -> list[OfflineRun]:
    """Every folder of a run; only the last (the push just made) must have finished —
    earlier ones may be from killed pushes."""
    return [read_run(d) if i == len(dirs) - 1 else read_run_file(d) for i, d in enumerate(dirs)]


def training_steps(runs: list[OfflineRun]) -> list[int]:
    """Every training step written across a run's offline folders, in write order."""
    return [row["step"] for run in runs for row in run.history if "step" in row]


def artifact_table(run: OfflineRun, artifact: str, entry: str) -> Any:
    """A Table stored in an artifact (from the staged file the manifest points to),
    decoded by `wandb.Table.from_json`."""
    import wandb

    record = run.artifact(artifact)
    for content in record.manifest.contents:
        if content.path == entry:
            doc = json.loads(Path(content.local_path).read_text(encoding="utf-8"))
            return wandb.Table.from_json(doc, source_artifact=None)
    raise KeyError(f"{artifact} has no {entry}; has {[c.path for c in record.manifest.contents]}")


def artifact_file(run: OfflineRun, artifact: str, entry: str) -> bytes:
    record = run.artifact(artifact)
    for content in record.manifest.contents:
        if content.path == entry:
            return Path(content.local_path).read_bytes()
    raise KeyError(entry)


def summary_table(run: OfflineRun, run_dir: Path, key: str) -> Any:
    """A Table put in the run summary (a `table-file` pointing into the run's files)."""
    import wandb

    ref = run.summary[key]
    assert ref["_type"] == "table-file", ref
    doc = json.loads((run_dir / "files" / ref["path"]).read_text(encoding="utf-8"))
    return wandb.Table(columns=doc["columns"], data=doc["data"]), ref["nrows"]


def finished_job(emulator, service, **kw: Any) -> str:
    """A succeeded job with an explicit step count (add_job, then run the clock to its end)."""
    job_id = emulator.add_job(status="running", progress=0.0, seconds_per_step=1.0, examples=20, **kw)
    for _ in range(1_000):
        if service.get_job(job_id).status.is_terminal:
            return job_id
        emulator.advance(600)
    raise AssertionError(f"{job_id} did not finish")
