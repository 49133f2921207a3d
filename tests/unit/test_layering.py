"""The domain and service layers never import Textual (checked in a clean interpreter)."""

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
def test_layer_does_not_load_textual(module: str, modules_loaded_by) -> None:
    loaded = modules_loaded_by(f"import {module}", "textual", "textual_plotext", "wandb")
    assert loaded == [], f"{module} pulled in UI or wandb modules"


def test_cli_help_does_not_load_heavy_modules(modules_loaded_by) -> None:
    code = (
        "from click.testing import CliRunner\n"
        "from aoft_tui.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'validate' in r.output and 'emulator' in r.output\n"
    )
    assert modules_loaded_by(code, "textual", "wandb", "openai") == []


def test_import_linter_contracts_hold() -> None:
    """pyproject's import-linter contracts: domain/services/emulator never import the UI."""
    import shutil
    from pathlib import Path

    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    out = subprocess.run([exe], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert out.returncode == 0, out.stdout + out.stderr


def test_service_and_app_do_not_load_the_sdk_at_import(modules_loaded_by) -> None:
    """`import openai` costs ~0.4 s: it must happen at the first request (a worker thread,
    after the dashboard's first paint), not when the app's modules load."""
    code = (
        "import aoft_tui.services.finetuning, aoft_tui.ui.app, aoft_tui.ui.screens.main_screen\n"
        "from aoft_tui.services.finetuning import FineTuningService\n"
        "service = FineTuningService('http://127.0.0.1:9', 'k' * 32, '2025-04-01-preview')\n"
        "service.close()\n"
    )
    assert modules_loaded_by(code, "openai") == []


def test_the_sdk_loads_on_first_use(modules_loaded_by) -> None:
    code = (
        "from aoft_tui.services.errors import ConnectionFailed\n"
        "from aoft_tui.services.finetuning import FineTuningService\n"
        "service = FineTuningService('http://127.0.0.1:9', 'k' * 32, '2025-04-01-preview', max_retries=0)\n"
        "try:\n"
        "    service.list_jobs()\n"
        "except ConnectionFailed:\n"
        "    pass\n"
    )
    assert "openai" in modules_loaded_by(code, "openai")
