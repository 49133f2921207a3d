"""The `aoft-tui` click group: sub-commands (imported when invoked), --help, --version, and
the dashboard when it is reached through click (tests, a mistyped option's message).

The console script (cli.run) opens the dashboard without importing this module.
"""

from __future__ import annotations

import importlib

import click

from aoft_tui.cli import _SUBCOMMANDS


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
