"""The job detail inside the real app: enter opens it, escape returns, keymap and palette."""

from __future__ import annotations

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.job_detail import JobDetailScreen
from aoft_tui.ui.screens.main_screen import MainScreen

from .detail_support import settle as settle_detail
from .main_support import loaded, make_app, select_job


async def test_enter_opens_the_selected_job_and_escape_returns(dashboard):
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await dashboard.press("enter")
    await settle_detail(dashboard)
    screen = dashboard.app.screen
    assert isinstance(screen, JobDetailScreen) and screen.job_id == job_id
    assert screen.job is not None and screen.job.id == job_id
    await dashboard.press("escape")
    await dashboard.pause()
    assert isinstance(dashboard.app.screen, MainScreen)


async def test_keymap_remaps_detail_bindings_and_palette_lists_them(seeded_emulator, seeded_service):
    app = make_app(seeded_service, seeded_emulator, keymap={"detail.log_scale": "o", "cancel_job": "x"})
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await select_job(pilot, lambda j: j.status is JobStatus.RUNNING)
        await pilot.press("enter")
        await settle_detail(pilot)
        screen = app.screen
        assert isinstance(screen, JobDetailScreen)
        await pilot.press("2", "o")
        assert screen.options.log is True

        titles = [command.title for command in app.get_system_commands(screen)]
        assert any(t.startswith("Cancel (x)") for t in titles)
        assert any(t.startswith("Refresh") for t in titles)
        assert any(t.startswith("Log scale (o)") for t in titles)


async def test_help_lists_the_detail_keys(dashboard):
    await dashboard.press("enter")
    await settle_detail(dashboard)
    detail = dashboard.app.screen
    await dashboard.press("2")  # chart keys are live (and listed) on the Charts tab
    await dashboard.press("question_mark")
    await dashboard.pause()
    help_screen = dashboard.app.screen
    assert help_screen is not detail
    described = {what for _, what in help_screen.rows}
    assert {"Cancel this job", "Charts: logarithmic loss axis", "Back to the job list"} <= described
    await dashboard.press("escape")
    await dashboard.pause()
    assert dashboard.app.screen is detail
