"""The domain and service layers never import Textual (checked in a clean interpreter)."""

import json
import subprocess
import sys

import pytest

LAYERS = [
    "aoft_tui.domain.models",
    "aoft_tui.services.settings",
    "aoft_tui.services.errors",
    "aoft_tui.services.finetuning",
    "aoft_tui.emulator",
]


@pytest.mark.parametrize("module", LAYERS)
def test_layer_does_not_load_textual(module: str) -> None:
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'textual_plotext', 'wandb'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [], f"{module} pulled in UI or wandb modules"


def test_cli_help_does_not_load_heavy_modules() -> None:
    code = (
        "import sys, json\n"
        "from click.testing import CliRunner\n"
        "from aoft_tui.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'validate' in r.output and 'emulator' in r.output\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'wandb', 'openai'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_import_linter_contracts_hold() -> None:
    """pyproject's import-linter contracts: domain/services/emulator never import the UI."""
    import shutil
    from pathlib import Path

    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    out = subprocess.run([exe], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert out.returncode == 0, out.stdout + out.stderr


def test_service_and_app_do_not_load_the_sdk_at_import() -> None:
    """`import openai` costs ~0.4 s: it must happen at the first request (a worker thread,
    after the dashboard's first paint), not when the app's modules load."""
    code = (
        "import json, sys\n"
        "import aoft_tui.services.finetuning, aoft_tui.ui.app, aoft_tui.ui.screens.main_screen\n"
        "from aoft_tui.services.finetuning import FineTuningService\n"
        "service = FineTuningService('http://127.0.0.1:9', 'k' * 32, '2025-04-01-preview')\n"
        "service.close()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'openai')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_sdk_loads_on_first_use() -> None:
    code = (
        "import sys\n"
        "from aoft_tui.services.errors import ConnectionFailed\n"
        "from aoft_tui.services.finetuning import FineTuningService\n"
        "service = FineTuningService('http://127.0.0.1:9', 'k' * 32, '2025-04-01-preview', max_retries=0)\n"
        "try:\n"
        "    service.list_jobs()\n"
        "except ConnectionFailed:\n"
        "    pass\n"
        "print('openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
