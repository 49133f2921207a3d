"""Every field of one job: identity, status, timing, hyper-parameters, files, latest metrics, error."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import FileInfo, Job, JobStatus, MetricPoint
from aoft_tui.services.failure_triage import FailingLine, hyperparameter_comparison

Rows = list[tuple[str, str]]


def when(moment: datetime | None, now: datetime) -> str:
    """`2026-11-25 17:03 UTC (12m ago)`."""
    if moment is None:
        return fmt.DASH
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({fmt.relative_time(moment, now)})"


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return fmt.DASH if value is None else str(value)


def job_rows(job: Job, now: datetime, latest: MetricPoint | None) -> Rows:
    rows: Rows = [
        ("id", job.id),
        ("status", fmt.status_label(job.status)),
        ("base model", job.model),
        ("fine-tuned model", job.fine_tuned_model or fmt.DASH),
        ("suffix", job.suffix or fmt.DASH),
        ("method", job.method),
        ("seed", _value(job.seed)),
        *([("metadata", ", ".join(f"{k}={v}" for k, v in job.metadata.items()))] if job.metadata else []),
        ("created", when(job.created_at, now)),
    ]
    if job.finished_at is not None:
        rows.append(("finished", when(job.finished_at, now)))
    elif not job.status.is_terminal:
        rows.append(("estimated finish", when(job.estimated_finish, now)))
    rows.append(("duration", fmt.duration(fmt.job_duration(job, now))))
    rows.append(("trained tokens", _trained_tokens(job.trained_tokens)))
    rows.append(("last step", fmt.DASH if latest is None else str(latest.step)))
    return rows


def _trained_tokens(n: int | None) -> str:
    if n is None:
        return fmt.DASH
    return f"{fmt.token_count(n)} ({n:,})" if n >= 1000 else str(n)


def hyperparameter_rows(job: Job, requested: dict | None = None) -> Rows:
    """The effective settings; beside what was asked for when this app made the job."""
    if requested is not None:
        return [
            (name, f"{effective}  (requested {asked})" if asked != effective else effective)
            for name, asked, effective in hyperparameter_comparison(job, requested)
        ]
    if not job.hyperparameters:
        return [("(none reported)", "")]
    return [(key, _value(value)) for key, value in sorted(job.shown_hyperparameters.items())]


def error_text(job: Job, failing_line: FailingLine | None) -> str:
    """Azure's message, the field it is about, and the dataset line it names."""
    assert job.error is not None
    parts = [job.error.message or "(no message)"]
    if job.error.param:
        parts.append(f"param: {job.error.param}")
    if failing_line is not None:
        parts.append(f"{failing_line.role} file {failing_line.file_id}, line {failing_line.number}:")
        parts.append(failing_line.text)
    return "\n".join(parts)


def file_rows(job: Job, files: dict[str, FileInfo | str]) -> Rows:
    rows: Rows = []
    named = [("training", job.training_file), ("validation", job.validation_file)]
    named += [("result", file_id) for file_id in job.result_files]
    for role, file_id in named:
        if not file_id:
            rows.append((role, fmt.DASH))
            continue
        info = files.get(file_id)
        if isinstance(info, FileInfo):
            detail = f"{info.filename} · {fmt.byte_size(info.bytes)} · {info.status.value}"
        elif isinstance(info, str):
            detail = info
        else:
            detail = ""
        rows.append((role, f"{file_id}  {detail}".rstrip()))
    return rows


def metric_rows(latest: MetricPoint | None, status: JobStatus | None = None) -> Rows:
    if latest is None:  # a failed job will never have metrics: say so, not "yet"
        return [(f"({fmt.no_metrics_text(status) if status else 'no metrics yet'})", "")]
    return [(name, f"{value:.4f}") for name, value in latest.values.items()]


class JobOverview(VerticalScroll):
    """Sections of key/value rows; the error (if any) in its own highlighted box."""

    COMPONENT_CLASSES = {"job-overview--key", "job-overview--value"}

    DEFAULT_CSS = """
    JobOverview > .job-overview--key { color: $text-muted; }
    JobOverview > .job-overview--value { color: $text; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        # section → rows as shown, and the error text: the screen's content as plain text
        self.sections: dict[str, Rows] = {}
        self.error_text = ""

    def plain_text(self) -> str:
        lines = [self.error_text] if self.error_text else []
        for rows in self.sections.values():
            lines += [f"{key}  {value}".rstrip() for key, value in rows]
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        yield Static(id="overview-error", classes="overview-error", markup=False)
        for section in ("job", "hyperparameters", "files", "metrics"):
            yield Static(id=f"overview-{section}", classes="overview-section", markup=False)

    def on_mount(self) -> None:
        self.query_one("#overview-error").display = False
        for section, title in (
            ("job", "Job"),
            ("hyperparameters", "Hyper-parameters"),
            ("files", "Files"),
            ("metrics", "Latest metrics"),
        ):
            self.query_one(f"#overview-{section}").border_title = title

    def show(
        self,
        job: Job,
        files: dict[str, FileInfo | str],
        latest: MetricPoint | None,
        now: datetime | None = None,
        *,
        failing_line: FailingLine | None = None,
        requested: dict | None = None,
    ) -> None:
        now = now or datetime.now(UTC)
        self._section("job", job_rows(job, now, latest))
        self._section("hyperparameters", hyperparameter_rows(job, requested))
        self._section("files", file_rows(job, files))
        self._section("metrics", metric_rows(latest, job.status))
        error_box = self.query_one("#overview-error", Static)
        if job.error is not None and (job.error.code or job.error.message):
            text = error_text(job, failing_line)
            if error_box.display and self.error_text.endswith(text):
                return
            error_box.border_title = f"✖ Error {job.error.code or ''}".rstrip()
            self.error_text = f"{job.error.code or ''}: {text}"
            error_box.update(Text(text))
            error_box.display = True
        else:
            self.error_text = ""
            error_box.display = False

    def _section(self, section: str, rows: Rows) -> None:
        if self.sections.get(section) == rows:
            return  # unchanged: skip the re-layout
        self.sections[section] = rows
        key_style = self.get_component_rich_style("job-overview--key")
        value_style = self.get_component_rich_style("job-overview--value")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style=key_style, no_wrap=True)
        grid.add_column(style=value_style, overflow="fold")
        for key, value in rows:
            grid.add_row(key, value)
        self.query_one(f"#overview-{section}", Static).update(grid)
