"""The new commands are registered lazily, and the emulator tells clients how to reach its control plane."""

from __future__ import annotations

from click.testing import CliRunner

from aoft_tui.cli import main
from aoft_tui.emulator import control_plane_state as cps


def test_help_lists_the_deploy_commands():
    out = CliRunner().invoke(main, ["--help"]).output
    for name in ("deploy", "deployments", "undeploy", "try"):
        assert f"  {name} " in out
    assert CliRunner().invoke(main, ["try", "--help"]).exit_code == 0


def test_emulator_prints_control_plane_exports(capsys):
    from aoft_tui.cli.emulator_cmd import _print_deploy_exports

    _print_deploy_exports("http://127.0.0.1:9", "k3y")
    line = capsys.readouterr().out.strip()
    assert line == (
        f"export AZURE_MANAGEMENT_ENDPOINT=http://127.0.0.1:9 AOFT_MANAGEMENT_TOKEN=k3y "
        f"AZURE_SUBSCRIPTION_ID={cps.SUBSCRIPTION_ID} AZURE_RESOURCE_GROUP={cps.RESOURCE_GROUP} "
        f"AZURE_OPENAI_ACCOUNT={cps.ACCOUNT_NAME}"
    )
