"""What `aoft-tui start` writes: the job id or JSON on stdout, progress and problems on stderr."""

from __future__ import annotations

import json
import shutil
import sys

import click

from aoft_tui.cli.common import fail
from aoft_tui.domain.formatting import byte_size
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.start_progress import Phase, StartProgress
from aoft_tui.services.transfer_meter import describe_transfer

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def err(message: str = "", **kw) -> None:
    click.echo(message, err=True, **kw)


class ProgressPrinter:
    """On a terminal, one line redrawn in place; in a log, a line per change of step."""

    def __init__(self, tty: bool) -> None:
        self._tty = tty
        self._shown = False
        self._last_key: tuple | None = None

    def __call__(self, p: StartProgress) -> None:
        if self._tty:
            if p.phase in (Phase.UPLOADING, Phase.HASHING) and p.total:
                self.status(f"{p.message}: {describe_transfer(p.done, p.total, p.rate, p.eta)}")
            else:
                self.status(p.message)
            return
        # In a log: one line per step, and an upload's first and last lines only.
        if p.phase is Phase.HASHING:
            return
        if p.phase is Phase.UPLOADING:
            if p.done == 0 or p.done >= p.total:
                verb = "Uploading" if p.done == 0 else "Uploaded"
                self.line(f"{verb} {p.message.removeprefix('Uploading ')} ({byte_size(p.total)})")
            return
        key = (p.phase, p.role, p.file_status)
        if key != self._last_key:
            self.line(p.message)
        self._last_key = key

    def status(self, text: str) -> None:
        if self._tty:
            width = shutil.get_terminal_size().columns - 1  # a wrapped line cannot be redrawn
            click.echo(f"\r\x1b[2K{text[:width]}", err=True, nl=False)
            self._shown = True
        elif text != getattr(self, "_last_status", None):
            self._last_status = text
            err(text)

    def line(self, text: str) -> None:
        self.finish()
        err(text)

    def finish(self) -> None:
        if self._shown:
            click.echo("", err=True)
            self._shown = False


def format_problem(problem) -> str:
    where = problem.file + (f":{problem.line}" if problem.line else "")
    location = f" ({problem.location})" if problem.location else ""
    return f"{where}: {problem.severity}: {problem.message}{location} [{problem.code}]"


def emit_job(job, as_json: bool) -> None:
    if as_json:
        payload = job.raw or {"id": job.id, "status": str(job.status)}
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
    else:
        click.echo(job.id)
    sys.stdout.flush()  # `JOB=$(…)` or a pipe gets it now, not when the command ends


def fail_on(error: ServiceError) -> None:
    fail(error.title, str(error), code=EXIT_FAILED)
