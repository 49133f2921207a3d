"""Parts of the new-job form: model choices, problem lines, and the submit progress panel."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar, Static

from aoft_tui.domain import catalog
from aoft_tui.domain.models import ModelInfo
from aoft_tui.services.start_job import Phase, StartProgress, StartRequest, problem_counts
from aoft_tui.services.transfer_meter import describe_transfer


def model_label(model_id: str, lifecycle_status: str | None = None) -> str:
    """`gpt-4o-mini-2024-07-18 · 64k ctx · supervised, dpo` (catalog facts when known)."""
    base = catalog.lookup(model_id)
    label = model_id
    if base is not None:
        label += f" · {base.training_context // 1024}k ctx · {', '.join(base.methods)}"
    if (lifecycle_status or (base.lifecycle_status if base else None)) == "deprecated":
        label += " · deprecated"
    return label


def model_choices(models: list[ModelInfo]) -> list[tuple[str, str]]:
    """(label, id) for the resource's fine-tunable models, with the catalog's facts about
    each; deprecated ones last (the order is otherwise the service's)."""
    usable = [m for m in models if m.fine_tune]

    def deprecated(m: ModelInfo) -> bool:
        base = catalog.lookup(m.id)
        return (m.lifecycle_status or (base.lifecycle_status if base else None)) == "deprecated"

    return [(model_label(m.id, m.lifecycle_status), m.id) for m in sorted(usable, key=deprecated)]


def problem_line(problem) -> str:
    where = problem.file + (f":{problem.line}" if problem.line else "")
    location = f" {problem.location}" if problem.location else ""
    return f"{problem.severity.upper()} {where}{location}: {problem.message}"


def resolve_dataset(
    raw: str, start_dir: Path, *, required: bool, role: str
) -> tuple[Path | None, str | None]:
    """A typed path (relative to where aoft-tui started) → (path, message when unusable)."""
    raw = raw.strip()
    if not raw:
        return None, (f"Choose the {role} file (type a path or press ctrl+o)." if required else None)
    path = Path(raw).expanduser()
    path = path if path.is_absolute() else start_dir / path
    return path, None if path.is_file() else f"No such file: {path}"


def confirm_text(request: StartRequest, report, estimate: str) -> tuple[str, str]:
    """Title and text of the last question before a submit: what, how much, which warnings."""
    opts = request.options
    files = request.training.name + (f" + {request.validation.name}" if request.validation else "")
    lines = [f"{opts.model} · {opts.method}", files, estimate]
    _, n_warnings = problem_counts(report)
    if n_warnings:
        lines.append(f"\n{n_warnings} warning(s):")
        lines += [f"• {problem_line(p)}" for p in list(report.warnings)[:3]]
        if n_warnings > 3:
            lines.append("(ctrl+r on the form shows all)")
    return ("Start with warnings?" if n_warnings else "Start this job?"), "\n".join(lines)


class SubmitProgress(Vertical):
    """Where a submit is: the step, a bar (bytes while uploading, busy while Azure works)
    and the transfer rate and ETA."""

    def compose(self) -> ComposeResult:
        yield Label("", id="phase")
        yield ProgressBar(id="bar", show_eta=False)
        yield Static("", id="transfer")

    def say(self, message: str) -> None:
        self.query_one("#phase", Label).update(message)

    def show(self, p: StartProgress) -> None:
        self.say(p.message)
        bar = self.query_one("#bar", ProgressBar)
        transfer = self.query_one("#transfer", Static)
        if p.phase in (Phase.UPLOADING, Phase.HASHING) and p.total:
            bar.update(total=p.total, progress=p.done)
            transfer.update(describe_transfer(p.done, p.total, p.rate, p.eta))
        elif p.phase is Phase.REUSED:
            bar.update(total=1, progress=1)
            transfer.update("already uploaded: not sent again")
        elif p.phase in (Phase.PROCESSING, Phase.CREATING):
            bar.update(total=None)
            transfer.update(f"file status: {p.file_status}" if p.file_status else "")
