"""Pilot steps that open a screen for a picture: the snapshot tests and screenshots/make.py
take them from here, so each screen is reached one way."""

from __future__ import annotations

from tests.ui.main_support import loaded, select_job, settle, table

from .snapshot_support import fixed_ids_and_timings


async def wait_until(pilot, predicate) -> None:
    """Wait (6 s at most) until `predicate()` holds, then settle."""
    for _ in range(300):
        if predicate():
            await settle(pilot)
            return
        await pilot.pause(0.02)
    raise AssertionError("the screen never got there")


async def compare_three_with_metrics(pilot) -> None:
    """Mark the first three listed jobs that have metrics, then `m`: the compare view."""
    await loaded(pilot)
    jobs_table = table(pilot)
    service = pilot.app.service
    for job_id in [j for j in jobs_table.visible_ids if service.metrics(j)][:3]:
        jobs_table.move_cursor(row=jobs_table.get_row_index(job_id))
        await pilot.press("space")
    await pilot.press("m")
    await settle(pilot)


async def files_view(pilot) -> None:
    """`F` from the loaded job list, until the Files view has its list; then `down`."""
    from aoft_tui.ui.screens.files_screen import FilesScreen

    await loaded(pilot)
    await pilot.press("F")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FilesScreen) and pilot.app.screen.loaded)
    await pilot.press("down")
    await pilot.pause()


async def log_after_a_failure(pilot, emu) -> None:
    """The Log view after one failed request (checkpoints, from the detail), the failed
    request selected; random ids and timings replaced with fixed ones."""
    await loaded(pilot)
    emu.faults.schedule("500", method="GET", path_contains="/checkpoints", count=1)
    await pilot.press("enter", "4")  # the detail's checkpoints tab: one request fails
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    fixed_ids_and_timings(pilot.app.service.request_log, emu.endpoint)
    pilot.app.clear_notifications()  # the failure's toast (its id is random); the log keeps it
    await pilot.press("L")
    await pilot.pause(0.6)
    await pilot.press("down", "down")  # the failed request: its message below the table
    await pilot.pause()


async def deployments(pilot) -> None:
    """`H` from the loaded job list, until the Deployments view has its items."""
    await loaded(pilot)
    await pilot.press("H")
    await wait_until(
        pilot, lambda: getattr(pilot.app.screen, "loaded", False) and hasattr(pilot.app.screen, "items")
    )


async def deploy_dialog(pilot) -> None:
    """`D` on the first job with a fine-tuned model."""
    await loaded(pilot)
    await select_job(pilot, lambda job: bool(job.fine_tuned_model))
    await pilot.press("D")
    await settle(pilot)


async def try_side_by_side(pilot, prompt: str = "I need help with my refund") -> None:
    """From the Deployments view, its fine-tuned deployment selected: `enter`, ask `prompt`,
    wait for both answers."""
    await pilot.press("enter")
    await settle(pilot)
    try_screen = pilot.app.screen
    try_screen.query_one("#try-prompt").value = prompt
    await pilot.press("enter")
    await wait_until(pilot, lambda: try_screen.streams_done == 2)


async def evaluate_beside_the_base(pilot, chat_file: str = "tests/fixtures/eval/support-valid.jsonl") -> None:
    """From the Deployments view, its fine-tuned deployment selected: `S`, then 5 examples of
    a fixed chat file (its path as shown: relative to the working directory)."""
    await pilot.press("S")
    await settle(pilot)
    eval_screen = pilot.app.screen
    await wait_until(
        pilot, lambda: "validation file" in str(eval_screen.query_one("#eval-progress").render())
    )
    eval_screen.query_one("#eval-file").value = chat_file
    eval_screen.query_one("#eval-n").value = "5"
    await pilot.click("#eval-go")
    await wait_until(pilot, lambda: eval_screen.finished)
