"""`aoft-tui watch [JOB…|--all]`: wait on jobs from a script or CI, one line per state change.

Lines go to stdout (`--json`: one JSON object per change); notices (an outage, an --exec
hook that failed) go to stderr. On a job's final state: `--notify` rings the terminal bell
(BEL on stderr, and `notify-send` when it is on PATH); `--exec CMD` runs CMD through the
shell with AOFT_JOB_ID and AOFT_JOB_STATUS in its environment.

Exit codes: 0 every watched job succeeded; 1 one failed; 3 one was cancelled (none
failed); 2 bad usage, configuration or an unknown job; 130 interrupted (Ctrl-C, SIGTERM).
Rate limits and transient errors are waited out: the service retries each request, and a
longer outage prints one line, keeps polling, and prints one more when it is over.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

import click

from aoft_tui.cli.common import EXIT_CONFIG, cli_service, fail, handle_errors, json_option, redact
from aoft_tui.services.errors import AuthError, NotFoundError

EXIT_INTERRUPTED = 130


def _err(message: str) -> None:
    click.echo(redact(message), err=True)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # same path as Ctrl-C: say so, exit 130


@click.command("watch")
@click.argument("job_ids", nargs=-1, metavar="[JOB]...")
@click.option(
    "--all", "all_jobs", is_flag=True, help="Every job not yet finished (and jobs created meanwhile)."
)
@click.option(
    "--notify", is_flag=True, help="Ring the bell (and notify-send when available) when a job ends."
)
@click.option(
    "--exec",
    "exec_cmd",
    metavar="CMD",
    default=None,
    help="Run CMD (shell) when a job ends; env AOFT_JOB_ID and AOFT_JOB_STATUS name it.",
)
@json_option("One JSON object per state change on stdout.")
@click.option("--interval", default=10.0, show_default=True, metavar="SECONDS", help="Seconds between polls.")
@handle_errors
def command(
    job_ids: tuple[str, ...],
    all_jobs: bool,
    notify: bool,
    exec_cmd: str | None,
    as_json: bool,
    interval: float,
) -> None:
    """Print jobs' state changes until they end; the exit code says how they ended."""
    from aoft_tui.services.watch import TRANSIENT_ERRORS, JobWatch, Outage, service_metrics

    if interval <= 0:
        fail("Bad option", "--interval must be above 0 seconds (e.g. --interval 5).", code=EXIT_CONFIG)
    if bool(job_ids) == all_jobs:
        fail(
            "Bad usage",
            "name the jobs to watch (aoft-tui watch ftjob-…) or pass --all, not both.",
            code=EXIT_CONFIG,
        )
    previous_handler = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with cli_service() as service:
            watch = JobWatch(service, job_ids, all_jobs=all_jobs, metrics=service_metrics(service))
            outage = Outage()
            while True:
                try:
                    changes = watch.poll()
                except NotFoundError as exc:
                    fail(exc.title, f"{exc} Check the id with `aoft-tui jobs`.", code=EXIT_CONFIG)
                except AuthError as exc:
                    fail(exc.title, str(exc), code=EXIT_CONFIG)
                except TRANSIENT_ERRORS as exc:
                    if outage.failed():
                        _err(f"Lost contact ({exc.title}: {exc}); still trying every {interval:g} s.")
                    # back off while it lasts (at most a minute between tries)
                    time.sleep(min(60.0, interval * 2 ** min(outage.failures - 1, 4)))
                    continue
                length = outage.recovered()
                if length is not None:
                    _err(f"Back in contact after {length:.0f} s.")
                for change in changes:
                    click.echo(
                        json.dumps(change.to_json(), ensure_ascii=False) if as_json else change.to_line()
                    )
                    if change.is_final:
                        _job_ended(change.job_id, change.new.value, notify=notify, exec_cmd=exec_cmd)
                sys.stdout.flush()
                if watch.done:
                    break
                time.sleep(interval)
    except KeyboardInterrupt:
        _err("Interrupted; the jobs keep running on the service.")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    if not watch.watched:
        _err("No job is in progress; nothing to watch.")
    sys.exit(watch.exit_code())


def _job_ended(job_id: str, status: str, *, notify: bool, exec_cmd: str | None) -> None:
    if notify:
        click.echo("\a", nl=False, err=True)
        sender = shutil.which("notify-send")
        if sender:
            # a desktop notification is a courtesy; the bell already rang
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                subprocess.run(
                    [sender, "aoft-tui", f"{job_id} {status}"],
                    timeout=10,
                    check=False,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
    if exec_cmd:
        env = {**os.environ, "AOFT_JOB_ID": job_id, "AOFT_JOB_STATUS": status}
        try:
            done = subprocess.run(exec_cmd, shell=True, env=env, check=False)
        except OSError as exc:
            _err(f"--exec could not run: {exc}")
            return
        if done.returncode != 0:
            _err(f"--exec exited with {done.returncode} for {job_id} ({status}).")
