"""`aoft-tui deploy | deployments | undeploy | try`: after training, host the model and try it.

    aoft-tui deploy JOB_OR_CHECKPOINT_OR_MODEL --name NAME --sku SKU [--capacity N] [--wait] [--json]
    aoft-tui deployments [--json]
    aoft-tui undeploy NAME [--yes]
    aoft-tui try NAME [--base DEPLOYMENT] [--prompt TEXT | --eval FILE --n 20] [--json]

deploy/deployments/undeploy go through Azure Resource Manager (services.deployments);
try talks to the resource's data plane with its key. Errors: one line, exit 1 (refused or
failed) or 2 (configuration, usage), never a traceback.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from aoft_tui.cli.common import (
    _SECRETS,
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    cli_service,
    fail,
    handle_errors,
    json_option,
    load_cli_settings,
    print_json,
)
from aoft_tui.domain.deployments import Deployment

SKUS = ("Standard", "GlobalStandard", "Developer")


def _deployment_service(poll_interval: float) -> Any:
    from aoft_tui.services.control_plane import control_plane_config
    from aoft_tui.services.deployments import DeploymentService

    settings = load_cli_settings()
    config = control_plane_config(settings=settings)
    if config.token is not None:
        _SECRETS.add(config.token.get_secret_value())
    service = DeploymentService(
        config, api_key_configured=settings.api_key is not None, poll_interval=poll_interval
    )
    if service.found is not None:  # say which resource it chose, on stderr (stdout may be JSON)
        click.echo(service.found.note(), err=True)
    return service


def deployment_json(d: Deployment, now: datetime, prices: dict[str, float] | None = None) -> dict[str, Any]:
    left = d.time_left(now)
    cost = d.hosting_cost(now, prices)
    hours = d.hours_hosted(now)
    return {
        "name": d.name,
        "model": d.model,
        "version": d.version,
        "sku": d.sku,
        "capacity": d.capacity,
        "state": d.state,
        "fine_tuned": d.fine_tuned,
        "created_at": d.created_at.isoformat() if d.created_at else None,
        "hours_hosted": round(hours, 3) if hours is not None else None,
        "hosting_cost_usd": round(cost, 2) if cost is not None else None,
        "hours_left_if_idle": round(left.total_seconds() / 3600, 2) if left is not None else None,
    }


def _hours(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 24:.1f}d" if value >= 48 else f"{value:.1f}h"


def resolve_model(target: str) -> str:
    """A job id → its fine-tuned model; a checkpoint id → its model; anything else is a model."""
    if target.startswith("ftjob-"):
        with cli_service() as service:
            job = service.get_job(target)
        if not job.fine_tuned_model:
            fail(
                "Nothing to deploy",
                f"{target} has no fine-tuned model (status: {job.status.value}); only a "
                "succeeded job can be deployed.",
                code=EXIT_FAILED,
            )
        return job.fine_tuned_model
    if target.startswith(("ftckpt-", "ftchkpt-")):
        with cli_service() as service:
            for job in service.list_jobs():
                if not job.fine_tuned_model:
                    continue
                for checkpoint in service.checkpoints(job.id):
                    if checkpoint.id == target:
                        return checkpoint.fine_tuned_model_checkpoint
        fail(
            "Not found",
            f"no checkpoint {target} among this resource's succeeded jobs. List them with "
            "`aoft-tui jobs` and the job's checkpoints in the dashboard.",
            code=EXIT_FAILED,
        )
    return target


@click.command(name="deploy")
@click.argument("target", metavar="JOB_OR_CHECKPOINT_OR_MODEL")
@click.option("--name", required=True, help="The deployment's name (what chat calls use as model).")
@click.option(
    "--sku",
    type=click.Choice(SKUS),
    required=True,
    help="Standard / GlobalStandard: hourly hosting fee; Developer: no hosting fee, 24 h lifetime.",
)
@click.option(
    "--capacity",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Capacity units (thousands of tokens per minute).",
)
@click.option("--wait", is_flag=True, help="Return only when provisioning has finished.")
@json_option("Print the deployment as JSON.")
@click.option("--poll-interval", type=click.FloatRange(0.01), default=10.0, hidden=True)
@handle_errors
def command(
    target: str, name: str, sku: str, capacity: int, wait: bool, as_json: bool, poll_interval: float
) -> None:
    """Deploy a fine-tuned model (a job id, a checkpoint id or a model name) as NAME."""
    model = resolve_model(target)
    service = _deployment_service(poll_interval)
    try:

        def progress(d: Deployment) -> None:
            if not as_json:
                click.echo(f"{d.name}: {d.state}", err=True)

        try:
            outcome = service.deploy(name, model, sku=sku, capacity=capacity, wait=wait, progress=progress)
        except KeyboardInterrupt:  # Ctrl-C: the deployment may exist and go on provisioning in Azure
            fail(
                "Interrupted",
                f"deployment {name} may still be provisioning in Azure (`aoft-tui deployments` "
                f"shows it Creating). Run the same deploy again to finish it (nothing is created twice), or "
                f"`aoft-tui undeploy {name}` to remove it.",
                code=EXIT_INTERRUPTED,
            )
    finally:
        service.close()
    d = outcome.deployment
    if as_json:
        print_json({**deployment_json(d, datetime.now(UTC)), "created": outcome.created})
        return
    if not outcome.created:
        click.echo(f"Deployment {d.name} of {d.model} already exists ({d.state}); nothing new was created.")
    elif d.in_progress:
        click.echo(
            f"Deployment {d.name} of {d.model} is {d.state}. It finishes in Azure; follow it with "
            f"`aoft-tui deployments`, or wait with `aoft-tui deploy {target} --name {name} --sku {sku} --wait`."
        )
    else:
        click.echo(f"Deployed {d.model} as {d.name} ({d.sku}, capacity {d.capacity}): {d.state}.")


@click.command(name="deployments")
@json_option("Print a JSON array.")
@handle_errors
def deployments_command(as_json: bool) -> None:
    """List the resource's model deployments, with hosting hours, cost so far and time left."""
    settings = load_cli_settings()
    service = _deployment_service(10.0)
    try:
        items = service.list()
    finally:
        service.close()
    now = datetime.now(UTC)
    rows = [deployment_json(d, now, settings.prices) for d in items]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(
            "No deployments on this resource. Deploy a succeeded job with `aoft-tui deploy JOB --name N --sku S`."
        )
        return
    table = [("NAME", "MODEL", "SKU", "STATE", "AGE", "COST SO FAR", "LEFT IF IDLE")]
    for r in rows:
        cost = "-" if r["hosting_cost_usd"] is None else f"${r['hosting_cost_usd']:,.2f}"
        table.append(
            (
                r["name"],
                r["model"],
                f"{r['sku']}×{r['capacity']}",
                r["state"],
                _hours(r["hours_hosted"]),
                cost,
                _hours(r["hours_left_if_idle"]),
            )
        )
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    for row in table:
        click.echo("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@click.command(name="undeploy")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@handle_errors
def undeploy_command(name: str, yes: bool) -> None:
    """Delete deployment NAME (the fine-tuned model itself stays)."""
    if not yes:
        if not sys.stdin.isatty():
            fail(
                "Confirmation needed",
                f"pass --yes to delete {name} without a terminal to ask in.",
                code=EXIT_CONFIG,
            )
        click.confirm(f"Delete deployment {name}? Chat calls to it stop working.", abort=True)
    service = _deployment_service(2.0)
    try:
        deleted = service.delete(name)
    finally:
        service.close()
    click.echo(
        f"Deleted deployment {name}." if deleted else f"No deployment named {name}; nothing to delete."
    )


@click.command(name="try")
@click.argument("name")
@click.option("--base", default=None, help="A base-model deployment to answer beside it.")
@click.option("--prompt", "-p", default=None, help="One question (else read from standard input).")
@click.option(
    "--eval",
    "eval_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A chat JSONL file: send its prompts and score the answers against its own.",
)
@click.option("--n", "n", type=click.IntRange(1), default=20, show_default=True, help="Examples for --eval.")
@json_option("Print JSON.")
@handle_errors
def try_command(
    name: str, base: str | None, prompt: str | None, eval_file: Path | None, n: int, as_json: bool
) -> None:
    """Ask deployment NAME (and --base beside it), or score it on --eval FILE."""
    from aoft_tui.services.deployment_chat import (
        DeploymentChat,
        eval_examples,
        quick_eval,
    )

    with cli_service() as service:  # the resource and its sign-in (key or Entra ID), as for jobs
        credentials = service.chat_credentials()
    chat = DeploymentChat.from_credentials(credentials)
    try:
        if eval_file is not None:
            report = quick_eval(chat, name, base, eval_examples(eval_file, n))
            if as_json:
                print_json(report)
                return
            click.echo(f"{report['examples']} examples from {eval_file}")
            for side in report["results"]:
                click.echo(
                    f"{side['deployment']}: exact match {side['exact_match']}/{side['examples']}, "
                    f"similarity {side['mean_similarity']:.2f}, tokens {side['prompt_tokens']:,} in / "
                    f"{side['completion_tokens']:,} out"
                )
            return
        question = prompt if prompt is not None else sys.stdin.readline().strip()
        if not question:
            fail(
                "Nothing to ask",
                "give a question with --prompt TEXT (or on standard input), or --eval FILE.",
                code=EXIT_CONFIG,
            )
        messages = [{"role": "user", "content": question}]
        answers = {d: chat.ask(d, messages) for d in [name] + ([base] if base else [])}
    finally:
        chat.close()
    if as_json:
        print_json(
            {
                "prompt": question,
                "answers": [
                    {
                        "deployment": d,
                        "answer": r.text,
                        "prompt_tokens": r.prompt_tokens,
                        "completion_tokens": r.completion_tokens,
                    }
                    for d, r in answers.items()
                ],
            }
        )
        return
    for d, r in answers.items():
        click.echo(f"[{d}] {r.text}")
