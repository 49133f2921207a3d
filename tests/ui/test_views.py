"""The Files view (F), the Log view (L) and deleting a finished job (d), driven by Pilot on
the emulator."""

from __future__ import annotations

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.confirm import ConfirmScreen
from aoft_tui.ui.screens.files_screen import FilesScreen
from aoft_tui.ui.screens.log_screen import LogScreen

from .main_support import loaded, make_app, screen_when, select_job, settle, table, toasts


async def _files_screen(pilot) -> FilesScreen:
    await loaded(pilot)
    await pilot.press("F")
    screen = await screen_when(
        pilot, lambda s: isinstance(s, FilesScreen) and s.loaded, "the files", tries=100
    )
    assert isinstance(screen, FilesScreen)
    return screen


async def _select_file(pilot, screen: FilesScreen, file_id: str) -> None:
    files_table = screen.query_one("#files")
    files_table.move_cursor(row=files_table.get_row_index(file_id))
    await pilot.pause()


def _rendered(app) -> str:
    return app.export_screenshot()


async def test_files_view_lists_files_with_their_jobs_and_quota(dashboard, seeded_service) -> None:
    screen = await _files_screen(dashboard)
    files = seeded_service.list_files()
    assert screen.query_one("#files").row_count == len(files)
    running = next(j for j in seeded_service.list_jobs() if j.status is JobStatus.RUNNING)
    await _select_file(dashboard, screen, running.training_file)
    assert screen.selected.file.id == running.training_file
    shown = _rendered(dashboard.app)
    uploaded = sum(f.purpose == "fine-tune" for f in files)
    assert f"{uploaded}&#160;of&#160;50&#160;files" in shown or f"{uploaded} of 50 files" in shown
    assert running.id in str(screen.query_one("#files-detail").render())


async def test_delete_is_refused_for_a_file_a_running_job_uses(dashboard, seeded_service) -> None:
    screen = await _files_screen(dashboard)
    running = next(j for j in seeded_service.list_jobs() if j.status is JobStatus.RUNNING)
    await _select_file(dashboard, screen, running.training_file)
    await dashboard.press("X")
    await settle(dashboard)
    assert not isinstance(dashboard.app.screen, ConfirmScreen)  # nothing to confirm: it is refused
    title, message = toasts(dashboard.app)[-1]
    assert title == "File in use" and running.id in message and "running" in message
    assert seeded_service.get_file(running.training_file).id == running.training_file


async def test_delete_of_an_unused_file_asks_then_deletes(dashboard, seeded_service) -> None:
    screen = await _files_screen(dashboard)
    done = next(j for j in seeded_service.list_jobs() if j.status is JobStatus.SUCCEEDED)
    await _select_file(dashboard, screen, done.training_file)
    await dashboard.press("X")
    await dashboard.pause()
    assert isinstance(dashboard.app.screen, ConfirmScreen)
    await dashboard.press("y")
    await settle(dashboard)
    assert done.training_file not in {f.id for f in seeded_service.list_files()}
    assert done.training_file not in screen.query_one("#files").rows
    assert any(title == "File deleted" for title, _ in toasts(dashboard.app))


async def test_log_view_shows_a_failed_requests_status_and_id_never_the_key(
    seeded_emulator, seeded_service
) -> None:
    seeded_emulator.faults.schedule("500", method="GET", path_contains="/fine_tuning/jobs", count=3)
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)  # the first poll failed (three attempts)
        failed = [e for e in seeded_service.request_log.entries() if e.status == 500]
        assert failed and failed[-1].request_id and failed[-1].error
        await pilot.press("L")
        await pilot.pause(0.6)
        assert isinstance(app.screen, LogScreen)
        shown = _rendered(app)
        assert "500" in shown and failed[-1].request_id in shown
        assert seeded_emulator.api_key not in shown
        assert seeded_emulator.api_key not in repr(seeded_service.request_log.entries())


async def test_log_filter_narrows_the_rows(dashboard) -> None:
    await dashboard.press("enter")  # the detail screen asks for more than the job list
    await settle(dashboard)
    await dashboard.press("escape", "L")
    await dashboard.pause(0.6)
    screen = dashboard.app.screen
    assert isinstance(screen, LogScreen)
    log_table = screen.query_one("#log")
    everything = log_table.row_count
    await dashboard.press("slash", *"events")
    await dashboard.pause()
    assert 0 < log_table.row_count < everything
    assert all("/events" in entry.path for entry in screen._shown)
    await dashboard.press("escape", "escape")
    await dashboard.pause()
    assert not isinstance(dashboard.app.screen, LogScreen)


async def test_finished_job_is_deleted_after_confirmation(dashboard, seeded_service) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.CANCELLED)
    await dashboard.press("X")
    await dashboard.pause()
    assert isinstance(dashboard.app.screen, ConfirmScreen)
    await dashboard.press("y")
    await settle(dashboard)
    assert job_id not in {j.id for j in seeded_service.list_jobs()}
    assert job_id not in table(dashboard).jobs


async def test_delete_of_a_running_job_is_refused_without_a_request(dashboard, seeded_service) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await dashboard.press("X")
    await settle(dashboard)
    assert not isinstance(dashboard.app.screen, ConfirmScreen)
    assert toasts(dashboard.app)[-1][0] == "Can't delete"
    assert seeded_service.traffic.count("DELETE", job_id) == 0


async def test_links_are_hyperlinks_and_y_copies_the_highlighted_one(seeded_emulator, seeded_service) -> None:
    from textual.widgets import OptionList

    from aoft_tui.ui.screens.links_screen import LinksScreen

    app = make_app(
        seeded_service, seeded_emulator, subscription_id="sub-1", resource_group="rg", account_name="aoai"
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: j.status is JobStatus.SUCCEEDED)
        await pilot.press("u")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LinksScreen) and screen.job_id == job_id
        url = (
            "https://portal.azure.com/#resource/subscriptions/sub-1/resourceGroups/rg/providers/"
            "Microsoft.CognitiveServices/accounts/aoai/overview"
        )
        prompt = screen.query_one(OptionList).get_option_at_index(0).prompt
        assert any(span.style.link == url for span in prompt.spans)  # OSC 8 where the terminal can
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == url
        assert toasts(app)[-1] == ("Copied link", url)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LinksScreen)
