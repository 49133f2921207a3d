"""Test data for the start-job tests (imported by their conftest and the snapshots), and
the Pilot steps that open the new-job form."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from click.testing import CliRunner, Result
from textual.pilot import Pilot
from textual.widgets import Select

from aoft_tui.cli import main
from aoft_tui.ui.screens.new_job_screen import NewJobScreen

# Two graders as a grader file spells them (the reinforcement tests combine them in a multi).
STRING_CHECK = {
    "type": "string_check",
    "name": "exact",
    "input": "{{sample.output_text}}",
    "reference": "{{item.answer}}",
    "operation": "eq",
}
TEXT_SIMILARITY = {
    "type": "text_similarity",
    "name": "close",
    "input": "{{sample.output_text}}",
    "reference": "{{item.answer}}",
    "pass_threshold": 0.8,
    "evaluation_metric": "fuzzy_match",
}


def chat_examples(n: int, *, tag: str = "") -> str:
    lines = []
    for i in range(n):
        record = {
            "messages": [
                {"role": "system", "content": "You answer questions about the weather."},
                {"role": "user", "content": f"What is the weather like in city {i}{tag}?"},
                {"role": "assistant", "content": f"It is sunny in city {i}{tag}, around {10 + i} degrees."},
            ]
        }
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


def dpo_examples(n: int) -> str:
    lines = []
    for i in range(n):
        record = {
            "input": {"messages": [{"role": "user", "content": f"Describe the weather in city {i}."}]},
            "preferred_output": [
                {"role": "assistant", "content": f"Sunny and {10 + i} degrees in city {i}."}
            ],
            "non_preferred_output": [{"role": "assistant", "content": "Weather happens."}],
        }
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


async def wait_for(pilot: Pilot, condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def confirm_shown(pilot: Pilot) -> bool:
    """The confirm dialog is on top *and mounted*: pushed is not yet composed, and a query or a
    key sent in between finds no message and no buttons."""
    from aoft_tui.ui.screens.confirm import ConfirmScreen

    screen = pilot.app.screen
    return isinstance(screen, ConfirmScreen) and screen.is_mounted


async def open_form(pilot: Pilot, timeout: float = 15.0) -> NewJobScreen:
    """`n` from the dashboard; returns the new-job form once its model list is in."""
    await wait_for(
        pilot, lambda: pilot.app.screen.__class__.__name__ == "MainScreen", "the dashboard", timeout
    )
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, NewJobScreen), "the form", timeout)
    screen = pilot.app.screen
    await wait_for(
        pilot,
        lambda: screen.query_one("#model-select", Select).prompt == "Choose a base model",
        "the model list",
        timeout,
    )
    return screen


def run_start(*args: str) -> Result:
    """`aoft-tui start ARGS…` in process."""
    return CliRunner().invoke(main, ["start", *args], catch_exceptions=False)
