"""`aoft-tui` command line: the TUI by default, headless sub-commands for scripts and CI.

Sub-commands live one per module (cli/<name>_cmd.py, each exposing `command`) and are
imported only when invoked, so `aoft-tui --help` and the TUI start fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import NoReturn

import click

_SUBCOMMANDS = {
    "jobs": ("aoft_tui.cli.jobs_cmd", "List every fine-tuning job of the resource."),
    "validate": ("aoft_tui.cli.validate_cmd", "Check a training file before you upload it."),
    "start": ("aoft_tui.cli.start_cmd", "Upload files and start a fine-tuning job."),
    "push": ("aoft_tui.cli.push_cmd", "Push a job's metrics, files and model to W&B."),
    "watch": ("aoft_tui.cli.watch_cmd", "Wait for jobs to end, one line per state change (for scripts, CI)."),
    "export": (
        "aoft_tui.cli.export_cmd",
        "Write a job's metrics (CSV), events (JSONL) and results file to a folder.",
    ),
    "emulator": ("aoft_tui.cli.emulator_cmd", "Run the local Azure OpenAI fine-tuning emulator."),
    # module:attribute when one module holds several commands
    "deploy": ("aoft_tui.cli.deploy_cmd", "Deploy a fine-tuned model (job, checkpoint or model name)."),
    "deployments": (
        "aoft_tui.cli.deploy_cmd:deployments_command",
        "List model deployments, hosting cost, time left.",
    ),
    "undeploy": ("aoft_tui.cli.deploy_cmd:undeploy_command", "Delete a model deployment."),
    "try": (
        "aoft_tui.cli.deploy_cmd:try_command",
        "Chat with a deployment beside its base, or quick-eval it.",
    ),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _SUBCOMMANDS:
            return None
        module_name, _, attribute = _SUBCOMMANDS[name][0].partition(":")
        module = importlib.import_module(module_name)
        command = getattr(module, attribute or "command")
        if name != "emulator" and not any(p.name == "profile" for p in command.params):
            from aoft_tui.cli.common import profile_option

            command.params.append(profile_option())  # `aoft-tui jobs --profile prod` as well
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help text without importing every sub-command module.
        rows = [(name, help_) for name, (_, help_) in sorted(_SUBCOMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, invoke_without_command=True)
@click.version_option(package_name="aoft-tui", prog_name="aoft-tui")  # read only for --version
@click.option("--demo", is_flag=True, help="Use the embedded local emulator even if an endpoint is set.")
@click.option(
    "--profile",
    metavar="NAME",
    default=None,
    help="Use [profiles.NAME] of config.toml (default: $AOFT_TUI_PROFILE, then default_profile).",
)
@click.pass_context
def main(ctx: click.Context, demo: bool, profile: str | None) -> None:
    """Terminal dashboard for Azure OpenAI fine-tuning jobs.

    With no sub-command, opens the dashboard. Without AZURE_OPENAI_ENDPOINT it runs
    on an embedded local emulator (demo mode).
    """
    from aoft_tui.cli import common

    common.selected_profile = profile  # each run starts from the option (tests run many in one process)
    if ctx.invoked_subcommand is None:
        from aoft_tui.cli.tui_cmd import run_tui

        run_tui(demo=demo, profile=profile)


# Set by the console script: a finished command may then leave without the teardown.
_from_console = False


def run() -> None:
    """The `aoft-tui` console script (and `python -m aoft_tui`)."""
    global _from_console
    _from_console = True
    main()


def exit_promptly(code: int) -> NoReturn:
    """Leave with `code`, for a command whose work is done and written out.

    From the console script, skip the interpreter's teardown: after a large validation it
    frees the tokenizer's tables (a C++ destructor, ~36 ms) and the report's objects,
    ~60 ms of a ~1 s run, for memory the OS takes back anyway. No atexit handler matters
    there (the workers have been joined). Under click's test runner: a plain SystemExit."""
    if _from_console:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: nothing more can be said
            pass
        os._exit(code)
    sys.exit(code)
