"""The selected job at a glance: status, models, times, tokens, progress, error."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import Job
from aoft_tui.ui.widgets.jobs_table import TONE_STYLE


class JobSummary(Static):
    """Key/value lines for one job; `show(None)` for the empty state."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("No job selected", id=id)
        self.plain = "No job selected"  # what is shown, as text (tests, screen readers)

    def show(
        self, job: Job | None, now: datetime, *, step: int | None = None, total_steps: int | None = None
    ) -> None:
        if job is None:
            self.plain = "No job selected"
            self.update(self.plain)
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        status = Text(fmt.status_label(job.status), style=TONE_STYLE[fmt.status_tone(job.status)])
        grid.add_row("Job", job.id)
        grid.add_row("Status", status)
        grid.add_row("Base model", job.model)
        grid.add_row("Method", job.method)
        if job.fine_tuned_model:
            grid.add_row("Fine-tuned", job.fine_tuned_model)
        elif job.suffix:
            grid.add_row("Suffix", job.suffix)
        grid.add_row("Created", f"{fmt.relative_time(job.created_at, now)} ({job.created_at:%Y-%m-%d %H:%M} UTC)")
        grid.add_row("Duration", fmt.duration(fmt.job_duration(job, now)))
        if job.estimated_finish and not job.status.is_terminal:
            grid.add_row("Est. finish", fmt.relative_time(job.estimated_finish, now))
        grid.add_row("Trained tokens", fmt.token_count(job.trained_tokens))
        grid.add_row("Progress", fmt.progress_text(job, now, step=step, total_steps=total_steps))
        if job.error and (job.error.code or job.error.message):
            grid.add_row("Error", Text(f"{job.error.code or ''} {job.error.message or ''}".strip(), style="red"))
        self.plain = "\n".join(
            f"{label}: {value.plain if isinstance(value, Text) else value}"
            for label, value in zip(grid.columns[0].cells, grid.columns[1].cells, strict=True)
        )
        self.update(grid)
