"""`aoft-tui start TRAIN.jsonl --model MODEL …`: pre-flight, upload, create — headless.

The job id goes to stdout the moment the job exists (flushed, before --wait follows it),
or the job as JSON at the end with --json; everything else — the pre-flight summary,
upload progress, the --wait progress line — goes to stderr, so `JOB=$(aoft-tui start …)`
works in scripts. While following, rate limits and network trouble are waited out (stderr
says when the next try is); the job keeps running whatever happens to this command.

A run that was killed part-way (kill -9, a lost laptop lid) is resumed by running the same
command again: it finds the upload or the job that already reached Azure (see
services.start_intent) instead of sending it twice.

Option parsing, pre-flight and the submit are here; the output in cli.start_output, the
--wait loop in cli.start_follow.

Exit codes: 0 done (with --wait: the job succeeded); 1 the job failed or was cancelled, or
Azure refused a request; 2 bad options or pre-flight errors; 130 interrupted (Ctrl-C
cancels a running upload and deletes it).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click

from aoft_tui.cli.common import cli_service, fail, json_option, load_cli_settings
from aoft_tui.cli.start_follow import follow
from aoft_tui.cli.start_output import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ProgressPrinter,
    emit_job,
    err,
    fail_on,
    format_problem,
)
from aoft_tui.domain.catalog import METHODS
from aoft_tui.domain.models import JobStatus
from aoft_tui.services.errors import OUTCOME_UNKNOWN, Cancelled, ServiceError
from aoft_tui.services.job_form import REASONING_EFFORTS, TRAINING_TYPES, JobForm, check_form
from aoft_tui.services.start_job import (
    JobStarter,
    StartRequest,
    estimate_line,
    preflight,
    problem_counts,
    throttled,
)

# Form field → the option that sets it, so messages name what the user typed.
_OPTION_OF = {
    "model": "--model",
    "method": "--method",
    "suffix": "--suffix",
    "n_epochs": "--epochs",
    "batch_size": "--batch-size",
    "learning_rate_multiplier": "--learning-rate-multiplier",
    "beta": "--beta",
    "seed": "--seed",
    "training_type": "--training-type",
    "grader": "--grader",
    "reasoning_effort": "--reasoning-effort",
    "compute_multiplier": "--compute-multiplier",
    "eval_interval": "--eval-interval",
    "eval_samples": "--eval-samples",
    "metadata": "--metadata",
}
MAX_PROBLEMS_SHOWN = 20
FILE_POLL_INTERVAL = 2.0  # seconds between "is the upload processed yet?" checks


@click.command("start")
@click.argument("train", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--model",
    "-m",
    required=True,
    help="Base model (e.g. gpt-4.1-mini-2025-04-14) or a fine-tune to continue.",
)
@click.option("--validation", type=click.Path(path_type=Path, dir_okay=False), help="Validation JSONL file.")
@click.option(
    "--suffix", default="", help="Up to 40 of a-z A-Z 0-9 - _ added to the fine-tuned model's name."
)
@click.option("--method", type=click.Choice(METHODS), default="supervised", show_default=True)
@click.option("--epochs", "n_epochs", default="", metavar="N|auto", help="1–50; auto when left out.")
@click.option("--batch-size", default="", metavar="N|auto", help="1–256; auto when left out.")
@click.option("--learning-rate-multiplier", default="", metavar="X|auto", help="Above 0, at most 10.")
@click.option("--beta", default="", metavar="X|auto", help="DPO only: above 0, at most 2.")
@click.option("--seed", default="", metavar="N", help="0–2147483647, for reproducible runs.")
@click.option(
    "--training-type",
    type=click.Choice(TRAINING_TYPES),
    default=None,
    help="Training tier; default: the model's (globalstandard where it has one). Always sent.",
)
@click.option(
    "--grader",
    "grader_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Reinforcement: a JSON file with the grader (string_check, text_similarity, score_model, "
    "python or multi). Checked before anything is uploaded.",
)
@click.option(
    "--reasoning-effort",
    type=click.Choice(REASONING_EFFORTS),
    default=None,
    help="Reinforcement: the reasoning effort while training; the service's default when left out.",
)
@click.option(
    "--compute-multiplier", default="", metavar="X|auto", help="Reinforcement: above 0, at most 10."
)
@click.option(
    "--eval-interval", default="", metavar="N|auto", help="Reinforcement: training steps between evals."
)
@click.option("--eval-samples", default="", metavar="N|auto", help="Reinforcement: samples per eval.")
@click.option(
    "--metadata",
    "metadata",
    multiple=True,
    metavar="KEY=VALUE",
    help="A tag on the job (repeat for more; up to 16). Shown in the dashboard, filterable with /.",
)
@click.option("--yes", "-y", is_flag=True, help="Accept pre-flight warnings without asking.")
@click.option("--wait", is_flag=True, help="Follow the job until it succeeds, fails or is cancelled.")
@click.option(
    "--interval", default=10.0, show_default=True, metavar="SECONDS", help="Poll interval for --wait."
)
@json_option("Print the job as JSON (the API's fields) on stdout.")
def command(
    train: Path,
    model: str,
    validation: Path | None,
    suffix: str,
    method: str,
    n_epochs: str,
    batch_size: str,
    learning_rate_multiplier: str,
    beta: str,
    seed: str,
    training_type: str | None,
    grader_file: Path | None,
    reasoning_effort: str | None,
    compute_multiplier: str,
    eval_interval: str,
    eval_samples: str,
    metadata: tuple[str, ...],
    yes: bool,
    wait: bool,
    interval: float,
    as_json: bool,
) -> None:
    """Upload TRAIN.jsonl (and --validation) and start a fine-tuning job.

    The files are checked first (the same checks as `aoft-tui validate`): errors stop here,
    warnings need --yes or a confirm. A file already uploaded to this resource (same
    name, size and content) is reused. Exactly one job is created, even if the network
    fails while creating it.
    """
    form = JobForm(
        model=model,
        method=method,
        suffix=suffix,
        n_epochs=n_epochs,
        batch_size=batch_size,
        learning_rate_multiplier=learning_rate_multiplier,
        beta=beta,
        seed=seed,
        training_type=training_type or "",
        reasoning_effort=reasoning_effort or "",
        compute_multiplier=compute_multiplier,
        eval_interval=eval_interval,
        eval_samples=eval_samples,
        metadata="\n".join(metadata),
        **_grader_fields(grader_file),
    )
    check = check_form(form)
    if not check.ok:
        for name, message in check.errors.items():
            for line in message.splitlines():  # a grader file may have several problems
                err(f"Error: {_OPTION_OF[name]}: {line}")
        sys.exit(EXIT_USAGE)
    assert check.options is not None
    settings = load_cli_settings()
    request = StartRequest(training=train, validation=validation, options=check.options)
    with cli_service(settings) as service:  # exits 2 first when no resource is configured
        _preflight(request, yes=yes, prices=settings.prices or None)
        starter, interrupted = _start(service, request)
        job = starter.job
        if not as_json or not wait or interrupted:
            emit_job(job, as_json)  # now, not after --wait: a script has its id whatever follows
        starter.finish()  # reported: a rerun of the same command is a new job
        if interrupted:  # Ctrl-C came while the create was under way: stop once it is reported
            err(f"Interrupted: {job.id} was created and keeps running (aoft-tui jobs shows it).")
            sys.exit(EXIT_INTERRUPTED)
        if wait:
            job = follow(
                service, job, interval, on_give_up=(lambda last: emit_job(last, True)) if as_json else None
            )
            if as_json:
                emit_job(job, True)
        if wait and job.status is not JobStatus.SUCCEEDED:
            sys.exit(EXIT_FAILED)


def _grader_fields(grader_file: Path | None) -> dict[str, str]:
    """The grader file's text for the form (which checks it), or exit 2 when it cannot be read."""
    if grader_file is None:
        return {}
    try:
        text = grader_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        err(
            f"Error: --grader: cannot read {grader_file}: {reason}. Fix: give the path of a JSON grader file."
        )
        sys.exit(EXIT_USAGE)
    return {"grader": text, "grader_source": str(grader_file)}


# --- steps ----------------------------------------------------------------------------------
def _preflight(request: StartRequest, *, yes: bool, prices: dict[str, float] | None) -> None:
    from aoft_tui.domain.validation import DatasetIOError

    err(
        f"Checking {request.training.name}"
        + (f" and {request.validation.name}" if request.validation else "")
        + f" for {request.options.model} ({request.options.method})…"
    )
    try:
        report = preflight(request, prices=prices)
    except DatasetIOError as exc:
        fail("Cannot read the dataset", str(exc), code=EXIT_USAGE)
    if request.options.grader is not None:
        from aoft_tui.domain.graders import describe_grader

        err(f"Grader: {describe_grader(request.options.grader)}")
    problems = list(report.errors) + list(report.warnings)
    n_errors, n_warnings = problem_counts(report)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        err(format_problem(problem))
    if n_errors + n_warnings > MAX_PROBLEMS_SHOWN:
        err(f"… {n_errors + n_warnings} problems in all: `aoft-tui validate {request.training}` lists them.")
    if report.has_errors:
        err(f"Pre-flight found {n_errors} error(s): nothing was uploaded. Fix the file and run again.")
        sys.exit(EXIT_USAGE)
    err(estimate_line(report))
    if n_warnings and not yes:
        if not sys.stdin.isatty():
            err(f"Pre-flight found {n_warnings} warning(s). Pass --yes to start anyway.")
            sys.exit(EXIT_USAGE)
        if not click.confirm(f"{n_warnings} warning(s). Start anyway?", default=False, err=True):
            err("Not started.")
            sys.exit(EXIT_USAGE)


def _start(service, request: StartRequest):
    """Run the submit in a worker thread so Ctrl-C here can cancel it cleanly."""
    printer = ProgressPrinter(sys.stderr.isatty())
    starter = JobStarter(
        service, request, on_progress=throttled(printer), poll_interval=FILE_POLL_INTERVAL, keep_intent=True
    )
    outcome: dict = {}
    interrupted: list[bool] = []

    def work(done: threading.Event) -> None:
        try:
            outcome["job"] = starter.run()
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc
        finally:
            done.set()

    def attempt() -> None:
        # An Event, not Thread.join: a Ctrl-C that interrupts join() can leave the thread
        # looking finished while it still works.
        done = threading.Event()
        threading.Thread(target=work, args=(done,), name="aoft-start", daemon=True).start()
        while not done.is_set():
            try:
                done.wait(0.2)
            except KeyboardInterrupt:
                # The worker must finish: it deletes this submit's uploads, or creates the job.
                if starter.cancel():
                    printer.line("Cancelling (deleting this submit's uploads)…")
                else:
                    interrupted.append(True)
                    printer.line("The job is being created and can no longer be cancelled here; waiting…")

    attempt()
    error = outcome.get("error")
    if isinstance(error, OUTCOME_UNKNOWN) and "job" not in outcome and not interrupted:
        # One more try of the same submit: it looks for the job first and reuses the key.
        printer.line(f"{error.title}: retrying once (same files, same request key)…")
        outcome.clear()
        attempt()
        error = outcome.get("error")
    printer.finish()
    if isinstance(error, Cancelled):
        err(str(error))
        sys.exit(EXIT_INTERRUPTED)
    if isinstance(error, ServiceError):
        fail_on(error)
    if isinstance(error, OSError):  # the file changed or vanished after the pre-flight
        fail(
            "Cannot read the dataset",
            f"{error.filename or request.training}: {error.strerror or error}",
            code=EXIT_USAGE,
        )
    if error is not None:
        raise error
    return starter, bool(interrupted)
