"""Why a job failed: Azure's error (code, message, param), the dataset line the message names
("Example 12 …", "line 12"), fetched from the file on the resource and pretty-printed, and
the hyper-parameters the job asked for beside the ones it ran with. No Textual."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aoft_tui.domain.models import Job, JobStatus
from aoft_tui.services.errors import ServiceError

if TYPE_CHECKING:
    from aoft_tui.services.finetuning import FineTuningService

# "Example 6174 message contains…" (Azure's words, tests/fixtures/azure-real), "line 12", "row 12"
_LINE_RE = re.compile(r"\b(?:example|line|row)\s+#?(\d+)\b", re.IGNORECASE)
MAX_SHOWN_LINES = 40  # of the pretty-printed example


@dataclass(frozen=True, slots=True)
class FailingLine:
    file_id: str
    role: str  # "training" | "validation"
    number: int  # 1-based line of the JSONL file
    text: str  # pretty-printed JSON (or the raw line, or why it could not be read)


def failing_line_number(job: Job) -> int | None:
    if job.status is not JobStatus.FAILED or job.error is None or not job.error.message:
        return None
    match = _LINE_RE.search(job.error.message)
    return int(match.group(1)) if match else None


def failing_file(job: Job) -> tuple[str, str] | None:
    """(role, file id) of the file the error is about: the validation file when `param` says so."""
    if (job.error and job.error.param or "").startswith("validation") and job.validation_file:
        return "validation", job.validation_file
    return ("training", job.training_file) if job.training_file else None


def pretty_line(raw: str) -> str:
    try:
        text = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except ValueError:
        text = raw
    lines = text.splitlines()
    if len(lines) > MAX_SHOWN_LINES:
        lines = [*lines[:MAX_SHOWN_LINES], f"… {len(lines) - MAX_SHOWN_LINES} more lines"]
    return "\n".join(lines)


def fetch_failing_line(service: FineTuningService, job: Job) -> FailingLine | None:
    """The dataset line the error names, or None when it names none (blocking: a thread)."""
    number, target = failing_line_number(job), failing_file(job)
    if number is None or target is None:
        return None
    role, file_id = target
    try:
        with tempfile.TemporaryDirectory(prefix="aoft-triage-") as tmp:
            path = service.download_file(file_id, Path(tmp) / "data.jsonl")
            with path.open(encoding="utf-8", errors="replace") as fh:
                raw = next((line for i, line in enumerate(fh, 1) if i == number), None)
    except ServiceError as err:
        return FailingLine(file_id, role, number, f"(could not fetch {file_id}: {err.title})")
    if raw is None:
        return FailingLine(file_id, role, number, f"(the file has fewer than {number} lines)")
    return FailingLine(file_id, role, number, pretty_line(raw.rstrip("\n")))


def hyperparameter_comparison(job: Job, requested: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(name, requested, effective): requested as this app sent it when it made the job
    ("auto" for keys it left to the service; "?" when it did not make the job)."""
    effective = job.shown_hyperparameters
    names = sorted(set(effective) | set(requested or {}))
    rows = []
    for name in names:
        asked = "?" if requested is None else _text(requested.get(name, "auto"))
        rows.append((name, asked, _text(effective.get(name, "—"))))
    return rows


def _text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
