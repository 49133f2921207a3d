"""`aoft-tui jobs [--status S] [--json]`: every fine-tuning job of the configured resource.

For people, an aligned table, newest first; for scripts, `--json` prints a JSON array
of job objects exactly as the API returned them (the API's own field names).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence

import click

from aoft_tui.cli.common import cli_service, handle_errors, json_option, print_json
from aoft_tui.domain.models import Job, JobStatus

_STATUSES = sorted(s.value for s in JobStatus if s is not JobStatus.UNKNOWN)
_HEADERS = ("ID", "STATUS", "MODEL", "FINE-TUNED MODEL / SUFFIX", "CREATED (UTC)", "TRAINED TOKENS")
_FINE_TUNED_COLUMN = 3
_MIN_FINE_TUNED_WIDTH = len("FINE-TUNED MODEL")


def _row(job: Job) -> tuple[str, ...]:
    result = job.fine_tuned_model or (f"(suffix {job.suffix})" if job.suffix else "-")
    tokens = f"{job.trained_tokens:,}" if job.trained_tokens is not None else "-"
    return (
        job.id,
        job.status.value,
        job.model,
        result,
        job.created_at.strftime("%Y-%m-%d %H:%M"),
        tokens,
    )


def _elide(text: str, width: int) -> str:
    """Keep both ends, more of the tail (the suffix people chose), drop the middle (the
    job id, already shown in ID)."""
    if len(text) <= width:
        return text
    head = (width - 1) // 3
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def format_table(jobs: Sequence[Job], *, max_width: int | None = None) -> str:
    """The aligned table; with `max_width`, the fine-tuned model column is elided to fit."""
    rows = [_HEADERS, *(_row(j) for j in jobs)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADERS))]
    shrink = _FINE_TUNED_COLUMN
    total = sum(widths) + 2 * (len(widths) - 1)
    if max_width is not None and total > max_width:
        widths[shrink] = max(_MIN_FINE_TUNED_WIDTH, widths[shrink] - (total - max_width))
        rows = [_HEADERS] + [
            tuple(_elide(c, widths[shrink]) if i == shrink else c for i, c in enumerate(r)) for r in rows[1:]
        ]
    right = {len(_HEADERS) - 1}  # numbers align right

    def line(row: tuple[str, ...]) -> str:
        cells = [
            (c.rjust(w) if i in right else c.ljust(w))[: max(w, len(c)) if i != shrink else w]
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return "\n".join(line(r) for r in rows)


@click.command("jobs")
@click.option(
    "--status",
    type=click.Choice(_STATUSES, case_sensitive=False),
    help="Only jobs in this status (e.g. running, succeeded, failed).",
)
@json_option("Print a JSON array of jobs with the API's field names.")
@click.option("--wide", is_flag=True, help="Never shorten fine-tuned model names to fit the terminal.")
@handle_errors
def command(status: str | None, as_json: bool, wide: bool) -> None:
    """List every fine-tuning job of the resource, newest first."""
    with cli_service() as service:
        jobs = service.list_jobs(status=status.lower() if status else None)
    if as_json:
        print_json([job.raw for job in jobs])
        return
    if not jobs:
        where = f" with status {status}" if status else ""
        click.echo(f"No fine-tuning jobs{where} on {service.endpoint}.", err=True)
        return
    # Shorten only for a person at a terminal; pipes and files get full names.
    fit = None if wide or not sys.stdout.isatty() else shutil.get_terminal_size().columns
    click.echo(format_table(jobs, max_width=fit))
    click.echo(f"{len(jobs)} job(s) on {service.endpoint}", err=True)
