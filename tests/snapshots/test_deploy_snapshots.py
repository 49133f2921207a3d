"""Snapshots of the deploy screens: the Deployments view, the deploy dialog, the try screen.

Deterministic like the dashboard's: frozen wall clock, frozen emulator clock, fixed seed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.deploy.screen_support import select_fine_tuned_deployment
from tests.ui.main_support import loaded, make_app, select_job, settle

FROZEN_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def frozen_demo():
    from aoft_tui.emulator.embedded import EmbeddedEmulator
    from aoft_tui.services.finetuning import FineTuningService

    with time_machine.travel(FROZEN_AT, tick=False), EmbeddedEmulator(seed_jobs=8, speed=0.0, seed=7) as emu:
        emu.advance(5 * 3600)  # the demo deployment has been hosted for five hours
        svc = FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview", max_retries=0, timeout=10)
        try:
            yield make_app(svc, emu)
        finally:
            svc.close()


async def _wait(pilot, predicate) -> None:
    for _ in range(300):
        if predicate():
            await settle(pilot)
            return
        await pilot.pause(0.02)
    raise AssertionError("the screen never got there")


async def _deployments(pilot) -> None:
    await loaded(pilot)
    await pilot.press("H")
    await _wait(
        pilot, lambda: getattr(pilot.app.screen, "loaded", False) and hasattr(pilot.app.screen, "items")
    )


def test_deployments_view(snap_compare, frozen_demo):
    assert snap_compare(frozen_demo, terminal_size=(150, 30), run_before=_deployments)


def test_deploy_dialog(snap_compare, frozen_demo):
    async def open_dialog(pilot) -> None:
        await loaded(pilot)
        await select_job(pilot, lambda job: bool(job.fine_tuned_model))
        await pilot.press("D")
        await settle(pilot)

    assert snap_compare(frozen_demo, terminal_size=(120, 32), run_before=open_dialog)


def test_try_side_by_side(snap_compare, frozen_demo):
    async def ask(pilot) -> None:
        await _deployments(pilot)
        screen = pilot.app.screen
        select_fine_tuned_deployment(screen)
        await pilot.press("enter")
        await settle(pilot)
        try_screen = pilot.app.screen
        try_screen.query_one("#try-prompt").value = "I need help with my refund"
        await pilot.press("enter")
        await _wait(pilot, lambda: try_screen.streams_done == 2)

    assert snap_compare(frozen_demo, terminal_size=(150, 30), run_before=ask)


def test_evaluate_beside_the_base(snap_compare, frozen_demo):
    """`V` on the demo's fine-tuned deployment, run on a fixed chat file (its own validation
    file would be a downloaded, temporary path)."""

    async def evaluate(pilot) -> None:
        await _deployments(pilot)
        screen = pilot.app.screen
        select_fine_tuned_deployment(screen)
        await pilot.press("S")
        await settle(pilot)
        eval_screen = pilot.app.screen
        await _wait(pilot, lambda: "validation file" in str(eval_screen.query_one("#eval-progress").render()))
        eval_screen.query_one("#eval-file").value = "tests/fixtures/eval/support-valid.jsonl"
        eval_screen.query_one("#eval-n").value = "5"
        await pilot.click("#eval-go")
        await _wait(pilot, lambda: eval_screen.finished)

    assert snap_compare(frozen_demo, terminal_size=(150, 30), run_before=evaluate)
