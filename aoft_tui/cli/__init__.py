"""`aoft-tui` command line: the TUI by default, headless sub-commands for scripts and CI.

Sub-commands live one per module (cli/<name>_cmd.py, each exposing `command`) and are
imported only when invoked, so `aoft-tui --help` and the TUI start fast. The click group
(`main`) is in cli.group; the console script opens the dashboard without importing click
when its arguments are only the dashboard's own (`--demo`, `--profile NAME`).
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

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


def __getattr__(name: str) -> Any:
    # `main`, the click group, from its own module: the dashboard starts without click
    if name == "main":
        from aoft_tui.cli.group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Set by the console script: a finished command may then leave without the teardown.
_from_console = False


def run() -> None:
    """The `aoft-tui` console script (and `python -m aoft_tui`)."""
    global _from_console
    _from_console = True
    dashboard = dashboard_options(sys.argv[1:])
    if dashboard is None:
        from aoft_tui.cli.group import main

        main()
        return
    from aoft_tui.cli.tui_cmd import run_tui

    try:
        run_tui(**dashboard)
    except KeyboardInterrupt:  # as click says it (before the terminal is the app's)
        sys.stderr.write("\nAborted!\n")
        sys.exit(1)


def dashboard_options(args: list[str]) -> dict[str, Any] | None:
    """`aoft-tui [--demo] [--profile NAME]`: the dashboard's options, read without click
    (~7 ms of every start); None for anything else (a sub-command, --help, --version, a
    mistake), which the click group handles and explains."""
    options: dict[str, Any] = {"demo": False, "profile": None}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--demo" and not options["demo"]:
            options["demo"] = True
        elif arg.startswith("--profile=") and options["profile"] is None:
            options["profile"] = arg.removeprefix("--profile=")
        elif arg == "--profile" and options["profile"] is None and rest and not rest[0].startswith("-"):
            options["profile"] = rest.pop(0)
        else:
            return None
    if options["profile"] == "":
        return None
    return options


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
