"""The start-job logic is usable headless: no Textual or W&B pulled in (clean interpreter)."""

import pytest


@pytest.mark.parametrize("module", ["aoft_tui.services.start_job", "aoft_tui.cli.start_cmd"])
def test_start_job_layers_stay_headless(module: str, modules_loaded_by) -> None:
    assert modules_loaded_by(f"import {module}", "textual", "wandb") == []
