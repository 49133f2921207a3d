"""Pilot steps shared by the deployment screen tests: wait for a condition, open the
Deployments view, select its fine-tuned deployment, deploy the selected job from the dialog.
(screenshots/make.py and the deploy snapshots take them too.)"""

from __future__ import annotations

from tests.ui.main_support import select_job


async def until(pilot, predicate, what: str, tries: int = 500) -> None:
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never: {what}")


async def deployments_shown(pilot, what: str = "the deployments list") -> None:
    """Wait until the Deployments view is on top with its list loaded."""
    from aoft_tui.ui.screens.deployments_screen import DeploymentsScreen

    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, DeploymentsScreen) and pilot.app.screen.loaded,
        what,
    )


async def open_deployments(pilot, what: str = "the deployments list") -> None:
    """`H` from the job list, then wait for the Deployments view's list."""
    await pilot.press("H")
    await deployments_shown(pilot, what)


def select_fine_tuned_deployment(screen) -> None:
    """Move the Deployments view's cursor to its first fine-tuned deployment."""
    screen.query_one("#deployments").move_cursor(
        row=[d.fine_tuned for d in screen.items.values()].index(True)
    )


async def deploy_from_dialog(pilot, name: str, sku: str) -> None:
    """Select a job with a fine-tuned model, deploy it from `D`'s dialog as `name` on `sku`,
    and wait until the dialog shows the provisioning."""
    from aoft_tui.ui.screens.deploy_dialog import DeployDialog

    await select_job(pilot, lambda job: bool(job.fine_tuned_model))
    await pilot.press("D")
    await until(pilot, lambda: isinstance(pilot.app.screen, DeployDialog), "the deploy dialog")
    dialog = pilot.app.screen
    dialog.query_one("#deploy-name").value = name
    dialog.query_one("#deploy-sku").value = sku
    await pilot.click("#deploy-go")
    await until(
        pilot,
        lambda: "Creating" in str(dialog.query_one("#deploy-progress").render()),
        "provisioning shown",
    )
