"""Shared fixtures: a real emulator on loopback and a real service over the openai SDK."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

# Deterministic screens: no animations, no cursor blink, a fixed locale.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
if "textual.constants" in sys.modules:
    # The textual-snapshot plugin imports Textual before this file, so Textual read the variable
    # already (as "full"): every scroll was animated and each Pilot key press waited ~0.4 s for it.
    _textual_constants = sys.modules["textual.constants"]
    _textual_constants.TEXTUAL_ANIMATIONS = _textual_constants._get_textual_animations()
os.environ.setdefault("LC_ALL", "C.UTF-8")
# Never talk to a real W&B account from the tests.
os.environ["WANDB_MODE"] = "offline"
os.environ.pop("WANDB_API_KEY", None)
os.environ.setdefault("WANDB_SILENT", "true")
# No Azure resource either.
for _var in ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY"):
    os.environ.pop(_var, None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak-minutes",
        type=float,
        default=None,
        metavar="N",
        help="Run the fault soak (tests/reliability/test_fault_soak.py) for about N minutes "
        "instead of its short CI slice.",
    )


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config, state and W&B files go to a fresh temp dir, never the developer's home."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("AOFT_TUI_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("AOFT_TUI_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("WANDB_DIR", str(base / "wandb"))
    monkeypatch.setenv("WANDB_CACHE_DIR", str(base / "wandb-cache"))
    monkeypatch.setenv("WANDB_CONFIG_DIR", str(base / "wandb-config"))
    monkeypatch.setenv("WANDB_DATA_DIR", str(base / "wandb-data"))


@pytest.fixture
def emulator() -> Iterator[EmbeddedEmulator]:  # noqa: F821
    """A fresh emulator with no jobs and a frozen simulated clock (moves by `advance`)."""
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=1) as emu:
        yield emu


@pytest.fixture
def seeded_emulator() -> Iterator[EmbeddedEmulator]:  # noqa: F821
    """An emulator with the demo mix of jobs, clock frozen (deterministic for snapshots)."""
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator(seed_jobs=8, speed=0.0, seed=7) as emu:
        yield emu


def _service_for(emu):
    from aoft_tui.services.finetuning import FineTuningService

    return FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=2, timeout=10)


@pytest.fixture
def service(emulator):
    svc = _service_for(emulator)
    yield svc
    svc.close()


@pytest.fixture
def seeded_service(seeded_emulator):
    svc = _service_for(seeded_emulator)
    yield svc
    svc.close()


@pytest.fixture
def write_config():
    """Write `config.toml` into the test's own config directory; returns its path."""
    from pathlib import Path

    def write(text: str) -> Path:
        path = Path(os.environ["AOFT_TUI_CONFIG_DIR"]) / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return write


@pytest.fixture
def modules_loaded_by():
    """`modules_loaded_by(code, *packages)`: run code in a clean interpreter, get the modules
    of those packages it loaded (for "this import must not pull in Textual / wandb / openai")."""
    from tests.support.clean_interpreter import modules_loaded_by

    return modules_loaded_by
