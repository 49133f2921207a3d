"""wandb is imported only when a push runs: not by the push service module, the CLI
command module, or the dashboard's push screen."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    ["aoft_tui.services.wandb_push", "aoft_tui.cli.push_cmd", "aoft_tui.ui.screens.push_screen"],
)
def test_importing_does_not_load_wandb(module: str) -> None:
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'wandb')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_push_service_does_not_load_textual() -> None:
    code = (
        "import json, sys; import aoft_tui.services.wandb_push; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
