"""Snapshots of the new-job form at 80x24: empty, and filled with field messages and the
pre-flight estimate. Deterministic: fixed emulator (its model list), relative file paths,
animations off, workers finished before the shot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select

from tests.start.start_support import chat_examples

SIZE = (80, 24)


@pytest.fixture
def app(emulator, service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from aoft_tui.services.settings import load_settings
    from aoft_tui.ui.app import AoftApp

    (tmp_path / "train.jsonl").write_text(chat_examples(40))
    monkeypatch.chdir(tmp_path)
    return AoftApp(service, load_settings())


async def _open_form(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.press("n")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_new_job_form_empty(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_open_form)


def test_new_job_form_with_messages_and_estimate(snap_compare, app) -> None:
    async def fill(pilot) -> None:
        await _open_form(pilot)
        screen = pilot.app.screen
        screen.query_one("#model-select", Select).value = "gpt-4.1-nano-2025-04-14"
        screen.query_one("#training", Input).value = "train.jsonl"
        await pilot.pause()
        await pilot.press("ctrl+s")  # pre-flight, then decline the confirm
        for _ in range(200):
            await pilot.pause(0.02)
            if pilot.app.screen is not screen:
                break
        await pilot.press("n")
        screen.query_one("#n_epochs", Input).value = "0"
        screen.query_one("#suffix", Input).value = "my model!"
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=fill)


def test_new_job_form_reinforcement_section(snap_compare, app) -> None:
    """o4-mini with reinforcement: the grader file (checked, summarised), reasoning effort and
    the RFT settings; one of them wrong, so its message shows."""

    async def fill(pilot) -> None:
        await _open_form(pilot)
        Path("grader.json").write_text(
            '{"type": "text_similarity", "name": "close", "input": "{{sample.output_text}}",\n'
            ' "reference": "{{item.answer}}", "pass_threshold": 0.8, "evaluation_metric": "bleu"}\n'
        )
        screen = pilot.app.screen
        screen.query_one("#model-select", Select).value = "o4-mini-2025-04-16"
        screen.query_one("#method", Select).value = "reinforcement"
        await pilot.pause()
        screen.query_one("#grader", Input).value = "grader.json"
        screen.query_one("#reasoning_effort", Select).value = "medium"
        screen.query_one("#eval_interval", Input).value = "0"
        screen.query_one("#metadata", Input).value = "team=nlp"
        await pilot.pause()
        screen.query_one("#grader", Input).focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=fill)
