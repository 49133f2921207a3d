"""The job table's keys and mouse on a list longer than the screen (80×24)."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from aoft_tui.emulator.embedded import EmbeddedEmulator
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.ui.screens.job_detail import JobDetailScreen
from aoft_tui.ui.widgets.jobs_table import JobsTable

from .main_support import loaded, main_screen, make_app, table


@pytest.fixture
def many_jobs():
    with EmbeddedEmulator(seed_jobs=60, speed=0.0, seed=11) as emu:
        service = FineTuningService(emu.endpoint, emu.api_key, "2025-04-01-preview", timeout=10)
        yield emu, service
        service.close()


@asynccontextmanager
async def _dashboard(many_jobs, size: tuple[int, int]):
    """The app on the 60-job emulator, list loaded, the table focused."""
    emu, service = many_jobs
    async with make_app(service, emu).run_test(size=size) as pilot:
        await loaded(pilot)
        jobs_table = table(pilot)
        jobs_table.focus()
        yield pilot, jobs_table


def _header(jobs_table: JobsTable) -> str:
    return "".join(segment.text for segment in jobs_table.render_line(0))


async def test_paging_and_ends_keep_the_cursor_in_view_under_a_fixed_header(many_jobs) -> None:
    async with _dashboard(many_jobs, (80, 24)) as (pilot, jobs_table):
        rows_in_view = jobs_table.scrollable_content_region.height - 1
        assert 0 < rows_in_view < jobs_table.row_count == 60

        await pilot.press("pagedown")
        assert jobs_table.cursor_row == rows_in_view
        await pilot.press("end")
        await pilot.pause()
        assert jobs_table.cursor_row == 59 and jobs_table.selected_key == jobs_table.visible_ids[-1]
        top = int(jobs_table.scroll_y)
        assert top <= 59 < top + rows_in_view  # the last row is on screen
        assert _header(jobs_table).lstrip().startswith("ID")  # the header did not scroll away
        rendered = "".join(s.text for s in jobs_table.render_line(59 - top + 1))
        assert jobs_table.jobs[jobs_table.visible_ids[-1]].short_id in rendered

        await pilot.press("home")
        await pilot.pause()
        assert jobs_table.cursor_row == 0 and int(jobs_table.scroll_y) == 0
        await pilot.press("up")  # already at the top: stays
        assert jobs_table.cursor_row == 0


async def test_right_scrolls_the_wide_table_sideways(many_jobs) -> None:
    async with _dashboard(many_jobs, (80, 24)) as (pilot, jobs_table):
        assert "Progress" not in _header(jobs_table)  # 118 columns of table in an 80-column screen
        for _ in range(60):  # each press waits for the app to go idle (~70 ms): stop once there
            await pilot.press("right")
            if "Progress" in _header(jobs_table):
                break
        await pilot.pause()
        assert jobs_table.scroll_x > 0 and "Progress" in _header(jobs_table)


async def test_a_click_selects_a_row_and_a_second_click_opens_it(many_jobs) -> None:
    async with _dashboard(many_jobs, (120, 40)) as (pilot, jobs_table):
        await pilot.click(JobsTable, offset=(3, 4))  # the header is line 0: line 4 is row 3
        await pilot.pause()
        assert jobs_table.cursor_row == 3
        assert main_screen(pilot) is pilot.app.screen
        await pilot.click(JobsTable, offset=(3, 4))
        await pilot.pause()
        assert isinstance(pilot.app.screen, JobDetailScreen)
        assert pilot.app.screen.job_id == jobs_table.visible_ids[3]
