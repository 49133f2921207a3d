"""The start-job logic is usable headless: no Textual or W&B pulled in (clean interpreter)."""

import json
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["aoft_tui.services.start_job", "aoft_tui.cli.start_cmd"])
def test_start_job_layers_stay_headless(module: str) -> None:
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'wandb'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
