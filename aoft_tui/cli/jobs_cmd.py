"""`aoft-tui jobs [--status S] [--json]`: every fine-tuning job of the configured resource.

For people, an aligned table, newest first; for scripts, `--json` prints a JSON array
of job objects exactly as the API returned them (the API's own field names).
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from aoft_tui.cli.common import cli_service, handle_errors, print_json
from aoft_tui.domain.models import Job, JobStatus

_STATUSES = sorted(s.value for s in JobStatus if s is not JobStatus.UNKNOWN)
_HEADERS = ("ID", "STATUS", "MODEL", "FINE-TUNED MODEL / SUFFIX", "CREATED (UTC)", "TRAINED TOKENS")


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


def format_table(jobs: Sequence[Job]) -> str:
    rows = [_HEADERS, *(_row(j) for j in jobs)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADERS))]
    right = {len(_HEADERS) - 1}  # numbers align right

    def line(row: tuple[str, ...]) -> str:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        return "  ".join(cells).rstrip()

    return "\n".join(line(r) for r in rows)


@click.command("jobs")
@click.option(
    "--status",
    type=click.Choice(_STATUSES, case_sensitive=False),
    help="Only jobs in this status (e.g. running, succeeded, failed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of jobs with the API's field names.")
@handle_errors
def command(status: str | None, as_json: bool) -> None:
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
    click.echo(format_table(jobs))
    click.echo(f"{len(jobs)} job(s) on {service.endpoint}", err=True)
