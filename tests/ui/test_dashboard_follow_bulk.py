"""Pilot: export (d), follow newest (F), bulk cancel/export of marked jobs (C, D), end toasts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.screens.confirm import ConfirmScreen

from .main_support import loaded, main_screen, make_app, settle, table, toasts


@pytest.fixture
def export_root(tmp_path, monkeypatch) -> Path:
    """Exports are written under the working directory: the test's own, from the start."""
    monkeypatch.chdir(tmp_path)
    return tmp_path / "aoft-export"


async def _poll(pilot) -> None:
    main_screen(pilot).poll_now()
    await settle(pilot)


async def test_d_exports_the_selected_job_and_says_where(export_root, start_dashboard):
    async with start_dashboard() as pilot:
        app = pilot.app
        jobs_table = table(pilot)
        job_id = next(j for j in jobs_table.visible_ids if jobs_table.jobs[j].status is JobStatus.SUCCEEDED)
        jobs_table.select_job(job_id)
        await pilot.press("e")
        await settle(pilot)
        folder = export_root / job_id
        assert ("Exported", f"{folder}\n(path copied)") in toasts(app)
        assert app.clipboard == str(folder)
    assert {p.name for p in folder.iterdir()} == {"metrics.csv", "events.jsonl", "results.csv", "job.json"}
    assert json.loads((folder / "job.json").read_text())["id"] == job_id


async def test_follow_moves_to_new_jobs_until_the_cursor_moves(emulator, service) -> None:
    emulator.add_job(n_steps=50, progress=0.2)
    emulator.advance(10)
    emulator.add_job(n_steps=50, status="pending")
    app = make_app(service, emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        jobs_table = table(pilot)
        jobs_table.sort_by("id")  # the newest is not on top: following must find it
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        newest = max(jobs_table.jobs.values(), key=lambda j: j.created_at).id
        assert jobs_table.selected_key == newest
        assert "following newest" in str(main_screen(pilot).query_one("#counts").render())
        emulator.advance(10)
        third = emulator.add_job(n_steps=50, status="pending")
        await _poll(pilot)
        assert jobs_table.selected_key == third
        await pilot.press("up" if jobs_table.cursor_row else "down")
        await pilot.pause()
        assert "following" not in str(main_screen(pilot).query_one("#counts").render())
        moved_to = jobs_table.selected_key
        emulator.advance(10)
        emulator.add_job(n_steps=50, status="pending")
        await _poll(pilot)
        assert jobs_table.selected_key == moved_to  # no longer following: the cursor stays


async def test_bulk_cancel_lists_skipped_jobs_and_cancels_the_rest(dashboard, seeded_service) -> None:
    jobs_table = table(dashboard)
    by_status = {jobs_table.jobs[j].status: j for j in jobs_table.visible_ids}
    running, pending = by_status[JobStatus.RUNNING], by_status[JobStatus.PENDING]
    done = by_status[JobStatus.SUCCEEDED]
    jobs_table.set_marked([running, pending, done])
    await dashboard.press("C")
    await dashboard.pause()
    dialog = dashboard.app.screen
    assert isinstance(dialog, ConfirmScreen)
    text = str(dialog.query_one("#confirm-message").render())
    assert running in text and pending in text and f"{done}: already succeeded" in text
    await dashboard.press("y")
    await settle(dashboard)
    assert seeded_service.get_job(running).status is JobStatus.CANCELLED
    assert seeded_service.get_job(pending).status is JobStatus.CANCELLED
    assert seeded_service.get_job(done).status is JobStatus.SUCCEEDED
    title, message = next((t, m) for t, m in toasts(dashboard.app) if t.startswith("Bulk cancel"))
    assert title == "Bulk cancel" and "Cancelled 2 of 2." in message and f"Skipped {done}" in message


async def test_bulk_export_writes_one_folder_per_marked_job(export_root, start_dashboard):
    async with start_dashboard() as pilot:
        app = pilot.app
        jobs_table = table(pilot)
        marked = jobs_table.visible_ids[:3]
        jobs_table.set_marked(marked)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert any(t == "Bulk export" and "Exported 3 of 3." in m for t, m in toasts(app))
    assert sorted(p.name for p in export_root.iterdir()) == sorted(marked)


async def test_bulk_with_nothing_marked_says_how(dashboard) -> None:
    await dashboard.press("W")
    await dashboard.pause()
    assert not isinstance(dashboard.app.screen, ConfirmScreen)
    assert any(t == "No marked jobs" for t, _ in toasts(dashboard.app))


async def test_a_job_that_ends_under_another_screen_raises_a_toast(emulator, service, monkeypatch) -> None:
    from aoft_tui.ui.screens import dashboard_memory

    monkeypatch.setattr(dashboard_memory, "BACKGROUND_INTERVAL", 0.2)
    monkeypatch.setattr("aoft_tui.ui.screens.main_screen.BACKGROUND_INTERVAL", 0.2)
    job_id = emulator.add_job(n_steps=30, progress=0.5)
    app = make_app(service, emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")  # the help screen covers the dashboard
        await pilot.pause()
        emulator.advance(3600)
        for _ in range(100):
            if any(t == "Job succeeded" for t, _ in toasts(app)):
                break
            await pilot.pause(0.05)
        assert ("Job succeeded", f"{job_id} succeeded.") in toasts(app)
        assert app.screen is not main_screen(pilot)


async def test_bulk_push_pushes_started_jobs_and_skips_pending_ones(seeded_emulator, seeded_service) -> None:
    import os
    from pathlib import Path

    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        jobs_table = table(pilot)
        by_status = {jobs_table.jobs[j].status: j for j in jobs_table.visible_ids}
        done, pending = by_status[JobStatus.SUCCEEDED], by_status[JobStatus.PENDING]
        jobs_table.set_marked([done, pending])
        await pilot.press("W")
        await pilot.pause()
        text = str(app.screen.query_one("#confirm-message").render())
        assert done in text and f"{pending}: pending: no training to push yet" in text
        await pilot.press("y")
        for _ in range(600):  # W&B offline runs take a few seconds
            if any(t.startswith("Bulk push") for t, _ in toasts(app)):
                break
            await pilot.pause(0.05)
        title, message = next((t, m) for t, m in toasts(app) if t.startswith("Bulk push"))
        assert title == "Bulk push", message
        assert "Pushed 1 of 1." in message and f"Skipped {pending}" in message
    runs = list(Path(os.environ["WANDB_DIR"]).rglob("offline-run-*"))
    assert len(runs) == 1


async def test_d_on_the_detail_screen_exports_that_job(export_root, start_dashboard):
    async with start_dashboard() as pilot:
        app = pilot.app
        job_id = table(pilot).selected_key
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not main_screen(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert any(t == "Exported" and m.startswith(str(export_root / job_id)) for t, m in toasts(app))
    assert (export_root / job_id / "events.jsonl").exists()
