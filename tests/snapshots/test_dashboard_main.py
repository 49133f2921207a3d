"""Snapshots of the dashboard: main list, filtered list, compare view, 80×24, help, confirm.

Deterministic: the wall clock is frozen (time-machine, started before the emulator so its
start epoch is fixed), the emulator's clock moves only by `advance`, its seed is fixed,
animations are off, the terminal size is fixed, no clock or host name is drawn, and the
workers finish before the shot.
"""

from __future__ import annotations

from tests.ui.main_support import loaded, settle, table

from .screen_steps import compare_three_with_metrics


def _then(*keys: str):
    async def run_before(pilot) -> None:
        await loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_main_list(snap_compare, frozen_demo):
    assert snap_compare(frozen_demo, terminal_size=(120, 40), run_before=_then("down"))


def test_main_list_wide(snap_compare, frozen_demo):
    assert snap_compare(frozen_demo, terminal_size=(180, 44), run_before=_then("down"))


def test_filtered_list(snap_compare, frozen_demo):
    assert snap_compare(
        frozen_demo, terminal_size=(120, 40), run_before=_then("slash", *"succeeded", "enter")
    )


def test_compare_view(snap_compare, frozen_demo):
    assert snap_compare(frozen_demo, terminal_size=(120, 40), run_before=compare_three_with_metrics)


def test_small_terminal_80x24(snap_compare, frozen_demo):
    assert snap_compare(frozen_demo, terminal_size=(80, 24), run_before=_then("down", "down"))


def test_help(snap_compare, frozen_demo):
    assert snap_compare(frozen_demo, terminal_size=(120, 40), run_before=_then("question_mark"))


def test_confirm_cancel_dialog(snap_compare, frozen_demo):
    async def ask_cancel(pilot) -> None:
        await loaded(pilot)
        jobs_table = table(pilot)
        running = next(j for j in jobs_table.visible_ids if jobs_table.jobs[j].status.can_cancel)
        jobs_table.move_cursor(row=jobs_table.get_row_index(running))
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(frozen_demo, terminal_size=(120, 40), run_before=ask_cancel)


def test_main_list_200x60(snap_compare, frozen_demo):
    """Issue #14: the fine-tuned column uses the width there is; the side chart's y ticks are even."""
    assert snap_compare(frozen_demo, terminal_size=(200, 60), run_before=_then("down"))


def test_compare_view_no_color(snap_compare, frozen_demo_no_color):
    """Issue #14: under NO_COLOR each job's line has its own marker (legend and table too)."""

    assert snap_compare(frozen_demo_no_color, terminal_size=(120, 40), run_before=compare_three_with_metrics)
