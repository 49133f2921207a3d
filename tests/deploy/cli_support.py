"""`aoft-tui deploy … --wait` in process while the emulator's demo clock moves."""

from __future__ import annotations

import threading

from click.testing import CliRunner, Result

from aoft_tui.cli import main
from aoft_tui.emulator import control_plane_state as cps


def deploy_and_wait(emu, target: str, name: str) -> Result:
    """`aoft-tui deploy TARGET --name NAME --sku Developer --wait --json`, the demo clock
    moving while the command waits (however long its start takes)."""
    done = threading.Event()

    def tick() -> None:
        while not done.wait(0.1):
            emu.advance(cps.PROVISION_SECONDS / 4)

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        return CliRunner().invoke(
            main,
            [
                "deploy",
                target,
                "--name",
                name,
                "--sku",
                "Developer",
                "--wait",
                "--json",
                "--poll-interval",
                "0.05",
            ],
        )
    finally:
        done.set()
        ticker.join()
