"""Snapshots of the deploy screens: the Deployments view, the deploy dialog, the try screen.

Deterministic like the dashboard's: frozen wall clock, frozen emulator clock, fixed seed.
"""

from __future__ import annotations

import pytest

from tests.deploy.screen_support import select_fine_tuned_deployment
from tests.support import demo
from tests.ui.main_support import make_app

from .screen_steps import deploy_dialog, deployments, evaluate_beside_the_base, try_side_by_side


@pytest.fixture
def frozen_demo():
    with demo.frozen_demo(advance=5 * 3600) as (emu, svc):  # the demo deployment: hosted for five hours
        yield make_app(svc, emu)


async def _on_fine_tuned_deployment(pilot) -> None:
    await deployments(pilot)
    select_fine_tuned_deployment(pilot.app.screen)


def test_deployments_view(snap_compare, frozen_demo):
    assert snap_compare(frozen_demo, terminal_size=(150, 30), run_before=deployments)


def test_deploy_dialog(snap_compare, frozen_demo):
    assert snap_compare(frozen_demo, terminal_size=(120, 32), run_before=deploy_dialog)


def test_try_side_by_side(snap_compare, frozen_demo):
    async def ask(pilot) -> None:
        await _on_fine_tuned_deployment(pilot)
        await try_side_by_side(pilot)

    assert snap_compare(frozen_demo, terminal_size=(150, 30), run_before=ask)


def test_evaluate_beside_the_base(snap_compare, frozen_demo):
    """`V` on the demo's fine-tuned deployment, run on a fixed chat file (its own validation
    file would be a downloaded, temporary path)."""

    async def evaluate(pilot) -> None:
        await _on_fine_tuned_deployment(pilot)
        await evaluate_beside_the_base(pilot)

    assert snap_compare(frozen_demo, terminal_size=(150, 30), run_before=evaluate)
