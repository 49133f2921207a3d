"""`aoft-tui export JOB [--dir D] [--force] [--json]`: a job's metrics, events and results to a folder.

Prints the folder's path on stdout (one line, easy to copy or `cd` into); with --json, one
JSON document (folder, files, counts, notes). Notes (e.g. "no results file yet") go to
stderr. Exit codes: 0 written; 1 the service refused or a file could not be written;
2 bad options, configuration or an unknown job; 130 interrupted (nothing half-written is
left under the job's name).
"""

from __future__ import annotations

from pathlib import Path

import click

from aoft_tui.cli.common import EXIT_CONFIG, cli_service, fail, handle_errors, json_option, print_json
from aoft_tui.services.errors import NotFoundError


@click.command("export")
@click.argument("job_id")
@click.option(
    "--dir",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Parent folder (default ./aoft-export); the job's files go to DIR/<job id>/.",
)
@click.option(
    "--force", is_flag=True, help="Replace an earlier export of the job instead of writing <job id>-2."
)
@json_option("Print the result as one JSON document on stdout.")
@handle_errors
def command(job_id: str, parent: Path | None, force: bool, as_json: bool) -> None:
    """Write a job's metrics (CSV), events (JSONL), results file and job JSON to a folder."""
    from aoft_tui.services.export import export_job

    with cli_service() as service:
        try:
            result = export_job(service, job_id, parent=parent, force=force)
        except NotFoundError as exc:
            fail(exc.title, f"{exc} Check the id with `aoft-tui jobs`.", code=EXIT_CONFIG)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if as_json:
        print_json(result.to_json())
    else:
        click.echo(str(result.folder))
        click.echo(f"{result.steps} step(s), {result.events} event(s): {', '.join(result.files)}", err=True)
