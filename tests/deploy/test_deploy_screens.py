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


async def test_a_second_question_shows_only_its_own_answers(seeded_emulator, seeded_service):
    """Asked again before the first answers ended: the first question's late pieces are not
    mixed into the second's answers (nor counted as its streams ending)."""
    from aoft_tui.ui.screens.deploy_support import deploy_services
    from aoft_tui.ui.screens.try_screen import TryScreen

    async with make_app(seeded_service, seeded_emulator).run_test(size=(150, 36)) as pilot:
        await loaded(pilot)
        await open_deployments(pilot, "the list")
        select_fine_tuned_deployment(pilot.app.screen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, TryScreen), "the try screen")
        try_screen = pilot.app.screen
        prompt = try_screen.query_one("#try-prompt")
        # the first question's two answers come a second late: after the second question's
        seeded_emulator.faults.schedule("stall", path_contains="/chat/completions", count=2, seconds=1.0)
        prompt.value = "I need help with my refund"
        await pilot.press("enter")
        await pilot.pause(0.2)  # both stalled requests are in
        prompt.value = "My invoice is wrong"
        await pilot.press("enter")
        await until(pilot, lambda: try_screen.streams_done == 2, "both answers")
        await pilot.pause(1.5)  # the first question's late answers have streamed in too
        assert try_screen.streams_done == 2
        chat = deploy_services(pilot.app)[1]
        for side, name in (("ft", try_screen.deployment), ("base", try_screen.base)):
            alone = "".join(chat.stream(name, [{"role": "user", "content": "My invoice is wrong"}]))
            assert alone and try_screen.answers[side] == alone
            assert str(try_screen.query_one(f"#answer-{side}").render()) == alone
