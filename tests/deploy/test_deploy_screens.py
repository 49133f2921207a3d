"""The deploy dialog, the Deployments view and the try screen, driven with Pilot on the emulator."""

from __future__ import annotations

from aoft_tui.emulator import control_plane_state as cps
from tests.deploy.screen_support import (
    deploy_from_dialog,
    deployments_shown,
    open_deployments,
    select_fine_tuned_deployment,
    until,
)
from tests.ui.main_support import loaded, make_app, settle


async def test_e_opens_deployments_with_the_demo_deployment(seeded_emulator, seeded_service):
    async with make_app(seeded_service, seeded_emulator).run_test(size=(150, 36)) as pilot:
        await loaded(pilot)
        await open_deployments(pilot)
        screen = pilot.app.screen
        fine_tuned = [d for d in screen.items.values() if d.fine_tuned]
        assert len(fine_tuned) == 1 and fine_tuned[0].state == "Succeeded"


async def test_D_deploys_the_selected_job_and_lands_in_deployments(seeded_emulator, seeded_service):
    async with make_app(seeded_service, seeded_emulator).run_test(size=(150, 36)) as pilot:
        await loaded(pilot)
        await deploy_from_dialog(pilot, "from-dialog", "Developer")
        seeded_emulator.advance(cps.PROVISION_SECONDS)
        await deployments_shown(pilot, "the deployments view")
        assert pilot.app.screen.items["from-dialog"].sku == "Developer"
        assert pilot.app.screen.selected.name == "from-dialog"


async def test_delete_asks_then_removes(seeded_emulator, seeded_service, registry):
    async with make_app(seeded_service, seeded_emulator).run_test(size=(150, 36)) as pilot:
        await loaded(pilot)
        await open_deployments(pilot, "the list")
        name = pilot.app.screen.selected.name
        await pilot.press("X")
        await pilot.press("y")
        await until(pilot, lambda: registry.get(name) is None, "the deletion")
        await settle(pilot)


async def test_try_streams_both_answers_side_by_side(seeded_emulator, seeded_service):
    from aoft_tui.ui.screens.try_screen import TryScreen

    async with make_app(seeded_service, seeded_emulator).run_test(size=(150, 36)) as pilot:
        await loaded(pilot)
        await open_deployments(pilot, "the list")
        screen = pilot.app.screen
        select_fine_tuned_deployment(screen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, TryScreen), "the try screen")
        try_screen = pilot.app.screen
        assert try_screen.base is not None
        try_screen.query_one("#try-prompt").value = "I need help with my refund"
        await pilot.press("enter")
        await until(pilot, lambda: try_screen.streams_done == 2, "both answers")
        assert "Settings > Support" in try_screen.answers["ft"]
        assert "general-purpose assistant" in try_screen.answers["base"]


async def test_esc_while_provisioning_leaves_it_creating_in_the_view_which_follows_it(
    seeded_emulator, seeded_service, registry
):
    async with make_app(seeded_service, seeded_emulator).run_test(size=(150, 36)) as pilot:
        await loaded(pilot)
        await deploy_from_dialog(pilot, "left-early", "Developer")
        from aoft_tui.ui.screens.deploy_support import deploy_services

        service = deploy_services(pilot.app)[0]
        polls: list[str] = []
        real_get = service.get

        def counted_get(name):
            polls.append(name)
            return real_get(name)

        service.get = counted_get  # the dialog's wait polls get(); the view lists
        await pilot.press("escape")
        await deployments_shown(pilot, "the deployments view")
        view = pilot.app.screen
        assert view.items["left-early"].state == "Creating" and view.selected.name == "left-early"
        assert "Still provisioning: left-early" in str(view.query_one("#deployments-note").render())
        await pilot.pause(0.6)  # the dialog polls every 0.5 s in the demo
        before = len(polls)
        await pilot.pause(1.5)
        assert len(polls) == before  # the left dialog stopped polling: the view follows it now
        seeded_emulator.advance(cps.PROVISION_SECONDS)
        await until(pilot, lambda: view.items["left-early"].state == "Succeeded", "the view's refresh")
        assert len([d for d in registry.all() if d.name == "left-early"]) == 1
