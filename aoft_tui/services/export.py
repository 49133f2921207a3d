"""Write one job's data to a folder a person (or a notebook) can open (no Textual here).

    export_job(service, "ftjob-…", parent=Path("aoft-export")) -> ExportResult

The folder `<parent>/<job id>/` gets:
- `metrics.csv`: one row per step, `step` then every metric the job reported; a cell the
  step has no value for is left empty (results.csv's `-1` placeholder included), never 0;
- `events.jsonl`: every event, oldest first, one API-shaped object per line;
- `results.csv`: the job's results file as the service holds it (base64 decoded), when
  the job has one (done jobs);
- `job.json`: the job as the API returned it.

Nothing is overwritten silently: an existing folder makes the export go to
`<job id>-2`, `-3`…; `force=True` replaces it instead. The files are written into a hidden
`.partial` folder first and renamed into place at the end, so a folder with the job's
name is always a complete export (an interrupted one leaves only the hidden folder).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aoft_tui.domain.models import ACCURACY_SERIES, LOSS_SERIES, Job, JobEvent, MetricPoint
from aoft_tui.services.errors import LocalFileError

DEFAULT_PARENT = Path("aoft-export")
# results.csv's "no value" placeholder (losses and accuracies are never negative)
NO_VALUE = -1.0
_KNOWN_ORDER = (*LOSS_SERIES, *ACCURACY_SERIES)


@dataclass(slots=True)
class ExportResult:
    job_id: str
    folder: Path
    files: list[str] = field(default_factory=list)
    steps: int = 0
    events: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "folder": str(self.folder),
            "files": self.files,
            "steps": self.steps,
            "events": self.events,
            "notes": self.notes,
        }


def metrics_csv(points: Sequence[MetricPoint]) -> str:
    """`step,<metric>,…` rows by step; missing values (or results.csv's -1) are empty cells."""
    names = {name for p in points for name in p.values}
    columns = [n for n in _KNOWN_ORDER if n in names] + sorted(names.difference(_KNOWN_ORDER))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["step", *columns])
    for point in points:
        cells = []
        for name in columns:
            value = point.values.get(name)
            cells.append("" if value is None or value == NO_VALUE else repr(value))
        writer.writerow([point.step, *cells])
    return out.getvalue()


def event_json(event: JobEvent) -> dict[str, Any]:
    """An event with the API's field names (created_at in Unix seconds)."""
    raw: dict[str, Any] = {
        "object": "fine_tuning.job.event",
        "id": event.id,
        "created_at": int(event.created_at.timestamp()),
        "level": event.level.value,
        "message": event.message,
        "type": event.type,
    }
    if event.data is not None:
        raw["data"] = event.data
    return raw


def events_jsonl(events: Iterable[JobEvent]) -> str:
    return "".join(json.dumps(event_json(e), ensure_ascii=False) + "\n" for e in events)


def export_job(
    service: Any, job_id: str, *, parent: Path | None = None, force: bool = False, job: Job | None = None
) -> ExportResult:
    """Fetch and write the job's data; see the module docstring. Raises ServiceError when
    the service cannot give it (nothing is left under the job's name then)."""
    parent = Path(parent) if parent is not None else DEFAULT_PARENT
    job = job if job is not None else service.get_job(job_id)
    points = service.metrics(job.id, job=job)
    events = service.events_since(job.id)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{job.id}.", suffix=".partial"))
    except OSError as exc:
        raise LocalFileError(
            f"Cannot create the export folder under {parent}: {exc.strerror or exc}. Pick another with --dir."
        ) from None
    result = ExportResult(job.id, staging, steps=len(points), events=len(events))
    try:
        _write(staging / "metrics.csv", metrics_csv(points))
        _write(staging / "events.jsonl", events_jsonl(events))
        _write(staging / "job.json", json.dumps(job.raw, indent=2, ensure_ascii=False, default=str) + "\n")
        result.files = ["metrics.csv", "events.jsonl", "job.json"]
        if job.result_files:
            service.download_file(job.result_files[0], staging / "results.csv")
            result.files.insert(2, "results.csv")
        else:
            result.notes.append(
                f"{job.id} has no results file yet ({job.status.value}); "
                "metrics.csv holds the steps reported in its events so far."
            )
        try:
            result.folder = _move_into_place(staging, parent / job.id, force=force)
        except OSError as exc:
            raise LocalFileError(
                f"Cannot move the export into {parent / job.id}: {exc.strerror or exc}."
            ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LocalFileError(f"Cannot write {path}: {exc.strerror or exc}.") from None


def _move_into_place(staging: Path, target: Path, *, force: bool) -> Path:
    if force and target.exists():
        old = target.with_name(f".{target.name}.replaced")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
        return target
    for number in range(1, 1000):
        candidate = target if number == 1 else target.with_name(f"{target.name}-{number}")
        if candidate.exists():
            continue
        try:
            candidate.mkdir()  # claims the name (another export may race for it)
        except FileExistsError:
            continue
        os.replace(staging, candidate)  # onto the empty folder just made
        return candidate
    raise LocalFileError(f"{target} and 998 numbered folders beside it exist; use --force or another --dir.")
