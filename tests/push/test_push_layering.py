"""wandb is imported only when a push runs: not by the push service module, the CLI
command module, or the dashboard's push screen."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "module",
    ["aoft_tui.services.wandb_push", "aoft_tui.cli.push_cmd", "aoft_tui.ui.screens.push_screen"],
)
def test_importing_does_not_load_wandb(module: str, modules_loaded_by) -> None:
    assert modules_loaded_by(f"import {module}", "wandb") == []


def test_push_service_does_not_load_textual(modules_loaded_by) -> None:
    assert modules_loaded_by("import aoft_tui.services.wandb_push", "textual") == []
