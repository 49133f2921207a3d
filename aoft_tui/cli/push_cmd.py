"""`aoft-tui push JOB_ID`: a job's metrics, config, datasets and model metadata to W&B.

Progress goes to stderr; with --json the result is one JSON document on stdout (the run
URL, or the offline run folder and the exact `wandb sync` command).

Exit codes: 0 pushed; 1 Azure or W&B refused (also when Azure refused part of a push,
e.g. the results.csv download: the run is kept and running the push again completes it);
2 bad options or configuration; 130 interrupted (Ctrl-C while following stops the follow
and keeps what was written).
"""

from __future__ import annotations

import sys
import threading

import click

from aoft_tui.cli.common import (
    cli_service,
    fail,
    handle_errors,
    json_option,
    load_cli_settings,
    print_json,
    redact,
)
from aoft_tui.services.wandb_push.options import MODES, PushProgress, PushResult

EXIT_USAGE, EXIT_INTERRUPTED = 2, 130


def _err(message: str = "") -> None:
    click.echo(message, err=True)


@click.command("push")
@click.argument("job_id")
@click.option(
    "--project", default=None, help="W&B project (default: config wandb.project, OpenAI-Fine-Tune)."
)
@click.option("--entity", default=None, help="W&B entity (user or team; default: your default entity).")
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default=None,
    help="auto: online when logged in to W&B (WANDB_API_KEY or netrc), else offline.",
)
@click.option("--no-datasets", is_flag=True, help="Skip the training/validation file artifacts and tables.")
@click.option(
    "--follow", is_flag=True, help="Stream a running job's metrics until it ends, then complete the run."
)
@click.option(
    "--interval", default=10.0, show_default=True, metavar="SECONDS", help="Poll interval for --follow."
)
@json_option("Print the result as one JSON document on stdout.")
@handle_errors
def command(
    job_id: str,
    project: str | None,
    entity: str | None,
    mode: str | None,
    no_datasets: bool,
    follow: bool,
    interval: float,
    as_json: bool,
) -> None:
    """Push a job to Weights & Biases (any state; pushing again continues the same run)."""
    from aoft_tui.services.wandb_push import PushError, PushOptions, push_job

    if interval <= 0:
        fail("Bad option", "--interval must be above 0 seconds.", code=EXIT_USAGE)
    settings = load_cli_settings()
    with cli_service(settings) as service:
        options = PushOptions(
            project=project or settings.wandb.project,
            entity=entity or settings.wandb.entity,
            mode=mode or settings.wandb.mode,
            datasets=not no_datasets,
            follow=follow,
            poll_interval=interval,
        )
        cancel = threading.Event()
        outcome: dict[str, PushResult] = {}
        failure: dict[str, BaseException] = {}

        def work() -> None:
            try:
                outcome["result"] = push_job(
                    service, job_id, options, progress=_print_progress, cancel=cancel
                )
            except BaseException as exc:  # handed to the main thread
                failure["error"] = exc

        # The push runs in a thread so Ctrl-C can stop a follow cleanly (the run is kept).
        worker = threading.Thread(target=work, name="wandb-push", daemon=True)
        worker.start()
        interrupted = False
        try:
            while worker.is_alive():
                worker.join(0.2)
        except KeyboardInterrupt:
            interrupted = True
            _err("Stopping… (the run keeps what was written; push again to continue)")
            cancel.set()
            worker.join()
        error = failure.get("error")
        if isinstance(error, PushError):
            fail(error.title, str(error))
        if error is not None:
            raise error  # ServiceError → handle_errors prints one line, exit 1
        result = outcome["result"]
        if as_json:
            print_json(result.to_json())
        else:
            _print_result(result)
        if interrupted:
            sys.exit(EXIT_INTERRUPTED)
        incomplete = result.incomplete
        if incomplete:  # the run is kept; never exit 0 for part of a job
            fail("Push incomplete", f"{incomplete} To finish, run it again: aoft-tui push {job_id}")
    if result.mode == "offline":
        # The run is finished and its files are written (wb.finish waited for wandb-core).
        # What is left is wandb's atexit teardown of its service process: 0.3-1.1 s of a
        # 3-6 s push (bench/push.py). That process watches our pid and exits after us.
        from aoft_tui.cli import exit_promptly

        exit_promptly(0)


def _print_progress(p: PushProgress) -> None:
    counts = f" [{p.done:,}/{p.total:,}]" if p.done is not None and p.total else ""
    _err(redact(f"{p.message}{counts}"))


def _print_result(result) -> None:
    for note in result.notes:
        _err(f"note: {note}")
    if result.url:
        click.echo(result.url)
    elif result.sync_command:
        _err(f"Offline run: {result.run_dir}")
        _err("Upload it with:")
        click.echo(result.sync_command)
    elif result.run_dir:
        click.echo(str(result.run_dir))
