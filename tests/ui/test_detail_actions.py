"""Detail screen actions: copy (OSC 52 via App.copy_to_clipboard), cancel/pause/resume with
confirmation, each hitting the emulator for real."""

from __future__ import annotations

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.confirm import ConfirmScreen
from aoft_tui.ui.screens.job_detail import JobDetailScreen

from .detail_support import DetailApp, job_with, settle


async def test_copy_checkpoint_model_fine_tuned_model_and_id(seeded_service):
    job = job_with(seeded_service, JobStatus.SUCCEEDED)
    assert job.fine_tuned_model
    newest = max(seeded_service.checkpoints(job.id), key=lambda c: c.step)
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard == job.id
        await pilot.press("Y")
        assert app.clipboard == job.fine_tuned_model
        await pilot.press("4", "y")
        assert (
            newest.id.startswith("ftchkpt-") and app.clipboard == newest.id
        )  # Azure deploys checkpoints by id
        titles = [n.title for n in app._notifications]
        assert titles == [
            "Copied job id",
            "Copied fine-tuned model",
            "Copied checkpoint id (deploy by this id)",
        ]


async def test_copy_model_of_a_running_job_warns_instead(start_detail):
    async with start_detail(JobStatus.RUNNING, size=(120, 40), notifications=True) as (pilot, job):
        app = pilot.app
        app.copy_to_clipboard("before")
        await pilot.press("Y")
        assert app.clipboard == "before"
        assert [n.title for n in app._notifications] == ["Nothing to copy"]


async def test_cancel_asks_first_and_then_cancels_on_the_emulator(seeded_service, start_detail):
    async with start_detail(JobStatus.RUNNING, size=(120, 40), notifications=True) as (pilot, job):
        app = pilot.app
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # declined: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen)
        assert seeded_service.get_job(job.id).status is JobStatus.RUNNING

        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        status = seeded_service.get_job(job.id).status
        assert status is JobStatus.CANCELLED
        assert app.screen.job.status is JobStatus.CANCELLED  # the screen re-polled
        assert app.screen.check_action("cancel_job", ()) is None


async def test_pause_then_resume(seeded_emulator, seeded_service, start_detail):
    async with start_detail(JobStatus.RUNNING, size=(120, 40)) as (pilot, job):
        app = pilot.app
        screen = app.screen
        assert screen.check_action("resume_job", ()) is None
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert seeded_service.get_job(job.id).status in (JobStatus.PAUSING, JobStatus.PAUSED)

        seeded_emulator.advance(120)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.job.status is JobStatus.PAUSED
        assert screen.check_action("resume_job", ()) is True
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert seeded_service.get_job(job.id).status in (JobStatus.RESUMING, JobStatus.RUNNING)
