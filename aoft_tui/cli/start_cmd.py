"""`aoft-tui start TRAIN.jsonl --model MODEL …`: pre-flight, upload, create — headless.

The job id goes to stdout the moment the job exists (flushed, before --wait follows it),
or the job as JSON at the end with --json; everything else — the pre-flight summary,
upload progress, the --wait progress line — goes to stderr, so `JOB=$(aoft-tui start …)`
works in scripts. While following, rate limits and network trouble are waited out (stderr
says when the next try is); the job keeps running whatever happens to this command.

A run that was killed part-way (kill -9, a lost laptop lid) is resumed by running the same
command again: it finds the upload or the job that already reached Azure (see
services.start_intent) instead of sending it twice.

Exit codes: 0 done (with --wait: the job succeeded); 1 the job failed or was cancelled, or
Azure refused a request; 2 bad options or pre-flight errors; 130 interrupted (Ctrl-C
cancels a running upload and deletes it).
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import click

from aoft_tui.cli.common import cli_service, fail, json_option, load_cli_settings
from aoft_tui.domain.catalog import METHODS
from aoft_tui.domain.formatting import byte_size
from aoft_tui.domain.models import JobStatus
from aoft_tui.services.errors import (
    OUTCOME_UNKNOWN,
    Cancelled,
    RateLimitError,
    ServiceError,
)
from aoft_tui.services.job_form import REASONING_EFFORTS, TRAINING_TYPES, JobForm, check_form
from aoft_tui.services.start_job import (
    JobStarter,
    StartRequest,
    estimate_line,
    preflight,
    problem_counts,
    throttled,
)
from aoft_tui.services.start_progress import Phase, StartProgress
from aoft_tui.services.transfer_meter import describe_transfer

# Errors a --wait waits out: the job runs on regardless, so giving up would only lose it.
_TRANSIENT = (*OUTCOME_UNKNOWN, RateLimitError)
MAX_FOLLOW_BACKOFF = 60.0  # seconds between tries while the service keeps failing

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
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
MAX_PROBLEMS_SHOWN = 20
FILE_POLL_INTERVAL = 2.0  # seconds between "is the upload processed yet?" checks


def _err(message: str = "", **kw) -> None:
    click.echo(message, err=True, **kw)


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
                _err(f"Error: {_OPTION_OF[name]}: {line}")
        sys.exit(EXIT_USAGE)
    assert check.options is not None
    settings = load_cli_settings()
    request = StartRequest(training=train, validation=validation, options=check.options)
    with cli_service(settings) as service:  # exits 2 first when no resource is configured
        _preflight(request, yes=yes, prices=settings.prices or None)
        starter, interrupted = _start(service, request)
        job = starter.job
        if not as_json or not wait or interrupted:
            _emit_job(job, as_json)  # now, not after --wait: a script has its id whatever follows
        starter.finish()  # reported: a rerun of the same command is a new job
        if interrupted:  # Ctrl-C came while the create was under way: stop once it is reported
            _err(f"Interrupted: {job.id} was created and keeps running (aoft-tui jobs shows it).")
            sys.exit(EXIT_INTERRUPTED)
        if wait:
            job = _follow(
                service, job, interval, on_give_up=(lambda last: _emit_job(last, True)) if as_json else None
            )
            if as_json:
                _emit_job(job, True)
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
        _err(
            f"Error: --grader: cannot read {grader_file}: {reason}. Fix: give the path of a JSON grader file."
        )
        sys.exit(EXIT_USAGE)
    return {"grader": text, "grader_source": str(grader_file)}


# --- steps ----------------------------------------------------------------------------------
def _preflight(request: StartRequest, *, yes: bool, prices: dict[str, float] | None) -> None:
    from aoft_tui.domain.validation import DatasetIOError

    _err(
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

        _err(f"Grader: {describe_grader(request.options.grader)}")
    problems = list(report.errors) + list(report.warnings)
    n_errors, n_warnings = problem_counts(report)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        _err(_format_problem(problem))
    if n_errors + n_warnings > MAX_PROBLEMS_SHOWN:
        _err(f"… {n_errors + n_warnings} problems in all: `aoft-tui validate {request.training}` lists them.")
    if report.has_errors:
        _err(f"Pre-flight found {n_errors} error(s): nothing was uploaded. Fix the file and run again.")
        sys.exit(EXIT_USAGE)
    _err(estimate_line(report))
    if n_warnings and not yes:
        if not sys.stdin.isatty():
            _err(f"Pre-flight found {n_warnings} warning(s). Pass --yes to start anyway.")
            sys.exit(EXIT_USAGE)
        if not click.confirm(f"{n_warnings} warning(s). Start anyway?", default=False, err=True):
            _err("Not started.")
            sys.exit(EXIT_USAGE)


def _start(service, request: StartRequest):
    """Run the submit in a worker thread so Ctrl-C here can cancel it cleanly."""
    printer = _ProgressPrinter(sys.stderr.isatty())
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
        _err(str(error))
        sys.exit(EXIT_INTERRUPTED)
    if isinstance(error, ServiceError):
        _fail(error)
    if isinstance(error, OSError):  # the file changed or vanished after the pre-flight
        fail(
            "Cannot read the dataset",
            f"{error.filename or request.training}: {error.strerror or error}",
            code=EXIT_USAGE,
        )
    if error is not None:
        raise error
    return starter, bool(interrupted)


def _follow(service, job, interval: float, *, on_give_up=None):
    """Poll the job until it ends, with one progress line (events printed above it).

    Transient errors (rate limits included) are waited out — the job runs on either way —
    with a line saying when the next try is. `on_give_up(job)` runs before a permanent
    error ends the command (the JSON output still gets the last known job)."""
    printer = _ProgressPrinter(sys.stderr.isatty())
    last_event: str | None = None
    latest: dict = {}
    failures = 0
    try:
        while True:
            try:
                # Events first, then the job: the status line drawn below the events is
                # never older than they are ("Job succeeded" then "pending" was a lie).
                events = service.events_since(job.id, last_event)
                job = service.get_job(job.id)
            except ServiceError as exc:
                if not isinstance(exc, _TRANSIENT):
                    printer.finish()
                    if on_give_up is not None:
                        on_give_up(job)
                    _fail(exc)
                failures += 1
                delay = _retry_delay(exc, interval, failures)
                printer.line(_waiting_line(exc, job.id, delay))
                time.sleep(delay)
                continue
            failures = 0
            for event in events:
                last_event = event.id
                if event.type == "metrics" and event.data:
                    latest = event.data
                else:
                    printer.line(f"  {event.created_at:%H:%M:%S} {event.message}")
            printer.status(_job_line(job, latest))
            if job.status.is_terminal:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        printer.finish()
        if on_give_up is not None:
            on_give_up(job)
        _err(f"Stopped following {job.id}; the job keeps running (aoft-tui jobs shows it).")
        sys.exit(EXIT_INTERRUPTED)
    printer.finish()
    if job.status is JobStatus.SUCCEEDED:
        _err(f"Succeeded: {job.fine_tuned_model or job.id}")
    else:
        reason = job.error.message if job.error and job.error.message else "no reason given"
        _err(f"Job {job.id} {job.status}: {reason}")
    return job


def _retry_delay(exc: ServiceError, interval: float, failures: int) -> float:
    delay = min(MAX_FOLLOW_BACKOFF, max(interval, interval * 2 ** (failures - 1)))
    retry_after = getattr(exc, "retry_after", None)
    return max(delay, retry_after) if retry_after else delay


def _waiting_line(exc: ServiceError, job_id: str, delay: float) -> str:
    next_try = datetime.fromtimestamp(time.time() + delay).strftime("%H:%M:%S")
    # A rate limit's own text says the SDK gave up; this command has not, so only its title.
    why = exc.title if isinstance(exc, RateLimitError) else f"{exc.title}: {str(exc).rstrip('.')}"
    wait = f"{delay:.0f} s" if delay >= 1 else f"{delay:.1f} s"
    return f"{why} — still following {job_id}: next try at {next_try} (in {wait})."


def _job_line(job, metrics: dict) -> str:
    parts = [f"{job.id} {job.status}"]
    if "step" in metrics:
        parts.append(f"step {metrics['step']}")
    for key in (
        "train_loss",
        "valid_loss",
        "train_mean_token_accuracy",
        "train_reward_mean",
        "valid_reward_mean",
    ):
        value = metrics.get(key)
        if isinstance(value, int | float):
            parts.append(f"{key} {value:.4f}")
    if job.estimated_finish and not job.status.is_terminal:
        parts.append(f"ETA {job.estimated_finish:%H:%M} UTC")
    return " · ".join(parts)


# --- output -------------------------------------------------------------------------------
class _ProgressPrinter:
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
            _err(text)

    def line(self, text: str) -> None:
        self.finish()
        _err(text)

    def finish(self) -> None:
        if self._shown:
            click.echo("", err=True)
            self._shown = False


def _format_problem(problem) -> str:
    where = problem.file + (f":{problem.line}" if problem.line else "")
    location = f" ({problem.location})" if problem.location else ""
    return f"{where}: {problem.severity}: {problem.message}{location} [{problem.code}]"


def _emit_job(job, as_json: bool) -> None:
    if as_json:
        payload = job.raw or {"id": job.id, "status": str(job.status)}
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
    else:
        click.echo(job.id)
    sys.stdout.flush()  # `JOB=$(…)` or a pipe gets it now, not when the command ends


def _fail(error: ServiceError) -> None:
    fail(error.title, str(error), code=EXIT_FAILED)
