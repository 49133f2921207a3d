"""Continued fine-tuning and clones: `n` in the detail (on a checkpoint, or a succeeded job)
and `d` (detail and dashboard) open the new-job form prefilled, and the job it creates
trains from that model. Real app parts against the seeded emulator, driven with Pilot."""

from __future__ import annotations

import json
import time
from pathlib import Path

from textual.widgets import Input, Select, Static

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.new_job_screen import NewJobScreen
from aoft_tui.ui.widgets.checkpoints_table import CheckpointsTable
from tests.start.start_support import confirm_shown

from .detail_support import DetailApp, job_with, settle


def _chat_file(tmp_path: Path) -> Path:
    path = tmp_path / "more.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "messages": [
                        {"role": "user", "content": f"Question {i}: what is {i} squared?"},
                        {"role": "assistant", "content": f"{i * i}"},
                    ]
                }
            )
            + "\n"
            for i in range(20)
        )
    )
    return path


async def _wait_form(pilot) -> NewJobScreen:
    deadline = time.monotonic() + 10
    while (
        not isinstance(pilot.app.screen, NewJobScreen)
        or pilot.app.screen.query_one("#model-select", Select).prompt != "Choose a base model"
    ):
        assert time.monotonic() < deadline, "the prefilled form did not open"
        await pilot.pause(0.05)
    await pilot.pause()
    return pilot.app.screen


async def test_n_on_a_checkpoint_prefills_the_form_with_that_checkpoint_as_the_base(seeded_service) -> None:
    job = job_with(seeded_service, JobStatus.SUCCEEDED)
    oldest = min(seeded_service.checkpoints(job.id), key=lambda c: c.step)
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        table = app.screen.query_one(CheckpointsTable)
        table.focus()
        table.move_cursor(row=table.row_count - 1)  # the oldest checkpoint
        await pilot.pause()
        assert table.selected_checkpoint() == oldest
        await pilot.press("n")
        form = await _wait_form(pilot)
        assert oldest.fine_tuned_model_checkpoint != job.fine_tuned_model
        assert form.query_one("#model-select", Select).value == "__other__"  # not a base model: typed
        assert form.query_one("#model-text", Input).value == oldest.fine_tuned_model_checkpoint
        assert form.form().model == oldest.fine_tuned_model_checkpoint
        assert f"checkpoint at step {oldest.step} of {job.id}" in str(
            form.query_one("#outcome", Static).render()
        )
        # the base the catalog knows behind the checkpoint decides the tier shown
        assert form.query_one("#training_type", Select).value == "globalstandard"


async def test_n_on_a_succeeded_job_continues_from_its_model_and_creates_that_job(
    seeded_service, tmp_path, start_detail
) -> None:
    async with start_detail(JobStatus.SUCCEEDED, size=(120, 40)) as (pilot, job):
        app = pilot.app
        await pilot.press("n")
        form = await _wait_form(pilot)
        assert form.form().model == job.fine_tuned_model
        assert form.form().n_epochs == ""  # continued training starts from auto settings
        form.file_poll_interval = 0.05
        form.query_one("#training", Input).value = str(_chat_file(tmp_path))
        await pilot.press("ctrl+s")
        deadline = time.monotonic() + 20
        while not confirm_shown(pilot):
            assert time.monotonic() < deadline, str(form.query_one("#outcome", Static).render())
            await pilot.pause(0.05)
        await pilot.press("y")
        while isinstance(app.screen, NewJobScreen) or app.screen is form:
            assert time.monotonic() < deadline, str(form.query_one("#outcome", Static).render())
            await pilot.pause(0.05)
    newest = max(seeded_service.list_jobs(), key=lambda j: j.created_at)
    assert newest.id != job.id and newest.model == job.fine_tuned_model


async def test_n_on_a_running_job_says_there_is_nothing_to_continue_from(start_detail) -> None:
    async with start_detail(JobStatus.RUNNING, size=(120, 40), notifications=True) as (pilot, job):
        app = pilot.app
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, NewJobScreen)
        assert [n.title for n in app._notifications] == ["Nothing to continue from"]


async def test_N_clones_a_job_with_its_settings_and_tags(start_detail) -> None:
    async with start_detail(JobStatus.SUCCEEDED, size=(120, 40)) as (pilot, job):
        await pilot.press("N")
        form = await _wait_form(pilot)
        cloned = form.form()
        shown = job.shown_hyperparameters
        assert cloned.model == job.model and cloned.method == job.method
        assert cloned.n_epochs == str(shown["n_epochs"]) and cloned.seed == str(job.seed)
        assert job.training_file in str(form.query_one("#outcome", Static).render())
