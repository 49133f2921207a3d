"""`aoft-tui` command line: the TUI by default, headless sub-commands for scripts and CI.

Sub-commands live one per module (cli/<name>_cmd.py, each exposing `command`) and are
imported only when invoked, so `aoft-tui --help` and the TUI start fast.
"""

from __future__ import annotations

import importlib

import click

_SUBCOMMANDS = {
    "jobs": ("aoft_tui.cli.jobs_cmd", "List every fine-tuning job of the resource."),
    "validate": ("aoft_tui.cli.validate_cmd", "Check a training file before you upload it."),
    "start": ("aoft_tui.cli.start_cmd", "Upload files and start a fine-tuning job."),
    "push": ("aoft_tui.cli.push_cmd", "Push a job's metrics, files and model to W&B."),
    "emulator": ("aoft_tui.cli.emulator_cmd", "Run the local Azure OpenAI fine-tuning emulator."),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _SUBCOMMANDS:
            return None
        module = importlib.import_module(_SUBCOMMANDS[name][0])
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help text without importing every sub-command module.
        rows = [(name, help_) for name, (_, help_) in sorted(_SUBCOMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """click.version_option's output, with the version looked up only when asked for."""
    if not value or ctx.resilient_parsing:
        return
    from aoft_tui import __version__

    click.echo(f"aoft-tui, version {__version__}")
    ctx.exit()


@click.group(cls=_LazyGroup, invoke_without_command=True)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
@click.option("--demo", is_flag=True, help="Use the embedded local emulator even if an endpoint is set.")
@click.pass_context
def main(ctx: click.Context, demo: bool) -> None:
    """Terminal dashboard for Azure OpenAI fine-tuning jobs.

    With no sub-command, opens the dashboard. Without AZURE_OPENAI_ENDPOINT it runs
    on an embedded local emulator (demo mode).
    """
    if ctx.invoked_subcommand is None:
        from aoft_tui.cli.tui_cmd import run_tui

        run_tui(demo=demo)
