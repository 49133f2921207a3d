"""Snapshots of the dataset validation screen: the empty form, and a report with problems
(histogram, problem list, detail line) at 120×36 and at 80×24 (no histogram there).

Deterministic: a committed data folder under tests/validation/screen_data, opened by a
relative path from the repository root; token counts are exact; animations off."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from aoft_tui.ui.screens.validate_screen import ValidateScreen

REPO = Path(__file__).resolve().parents[2]
DATA = Path("tests/validation/screen_data")


class Host(App):
    def on_mount(self) -> None:
        self.push_screen(ValidateScreen(start_dir=DATA, model="gpt-4o-mini"))


async def validate(pilot, name: str = "support-train.jsonl") -> None:
    path_input = pilot.app.screen.query_one("#validate-path")
    # The report comes from a child process (~0.5 s): the cursor must not blink meanwhile,
    # or the snapshot catches it on or off by chance.
    path_input.cursor_blink = False
    path_input.value = str(DATA / name)
    await pilot.press("enter")
    for _ in range(400):  # the report arrives from a thread worker
        await pilot.pause(0.02)
        if not any(w.group == "validate" for w in pilot.app.workers):
            break
    await pilot.pause()


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_validate_form(snap_compare) -> None:
    assert snap_compare(Host(), terminal_size=(100, 30))


def test_validate_report(snap_compare) -> None:
    assert snap_compare(Host(), terminal_size=(120, 36), run_before=validate)


def test_validate_report_small_terminal(snap_compare) -> None:
    assert snap_compare(Host(), terminal_size=(80, 24), run_before=validate)
