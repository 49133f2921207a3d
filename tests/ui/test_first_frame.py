"""First paint: when the list requested during start-up (services.prefetch) is already here
as the dashboard mounts, the very first frame shows the rows — not a frame with an empty
table and the rows one worker hop and one refresh (~16 ms at 60 fps) later (bench/paint_pty.py)."""

from __future__ import annotations

import time

from textual._compositor import LayoutUpdate

from aoft_tui.cli.tui_cmd import emulator_clock
from aoft_tui.services.jobs_cache import JobsCache
from aoft_tui.services.settings import Settings
from aoft_tui.ui.app import AoftApp
from aoft_tui.ui.screens.main_screen import MainScreen
from aoft_tui.ui.widgets.jobs_table import JobsTable

from .main_support import loaded, main_screen


class FramesApp(AoftApp):
    """Records the number of rows the job table holds at each frame the main screen shows."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows_per_frame: list[int] = []

    def post_display_hook(self) -> None:
        if isinstance(self.screen, MainScreen):
            self.rows_per_frame.append(self.screen.query_one(JobsTable).row_count)


def _prefetched(service) -> None:
    service.prefetch_job_list()
    deadline = time.monotonic() + 10
    while not service.first_list_arrived:
        assert time.monotonic() < deadline, "the prefetch never arrived"
        time.sleep(0.01)


async def test_the_first_frame_shows_the_prefetched_rows(seeded_emulator, seeded_service, tmp_path) -> None:
    expected = len(seeded_service.list_jobs())
    seeded_service.jobs_cache = JobsCache(seeded_service.endpoint, tmp_path)
    _prefetched(seeded_service)
    app = FramesApp(seeded_service, Settings(), demo=True, clock=emulator_clock(seeded_emulator))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert main_screen(pilot).loaded
        await pilot.app.workers.wait_for_complete()
        cached = JobsCache(seeded_service.endpoint, tmp_path).load()  # written once the list is shown
        assert cached is not None and len(cached) == expected
    assert app.rows_per_frame, "the main screen never displayed"
    assert app.rows_per_frame[0] == expected, f"rows per frame: {app.rows_per_frame[:5]}"


async def test_without_a_prefetch_the_first_poll_still_fills_the_table(
    seeded_emulator, seeded_service
) -> None:
    expected = len(seeded_service.list_jobs())
    app = AoftApp(seeded_service, Settings(), demo=True, clock=emulator_clock(seeded_emulator))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert screen.query_one(JobsTable).row_count == expected


class DisplayLogApp(AoftApp):
    """Logs each frame of the main screen: dropped (rendered inside the start-up batch, so
    Textual writes nothing) or written, and whether it was a full or a partial update."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.frames: list[tuple[str, str]] = []

    def _display(self, screen, renderable) -> None:
        if renderable is not None and isinstance(screen, MainScreen):
            kind = "full" if isinstance(renderable, LayoutUpdate) else "partial"
            self.frames.append(("dropped" if self._batch_count else "written", kind))
        super()._display(screen, renderable)

    def started(self) -> None:  # the end of start-up: the cache write, the GC back on
        self.frames.append(("started", ""))
        super().started()


async def test_no_frame_is_rendered_in_vain_during_start_up_and_the_first_is_full(
    seeded_emulator, seeded_service
) -> None:
    """Textual rendered the pushed screen once inside the start-up batch and dropped that
    frame, yet counted its regions as drawn: the next frame was partial and left the table
    blank on a real terminal until a later refresh. And work meant for after the first
    frame (call_after_refresh) ran while frames were still held back."""
    _prefetched(seeded_service)
    app = DisplayLogApp(seeded_service, Settings(), demo=True, clock=emulator_clock(seeded_emulator))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
    assert app.frames and app.frames[0] == ("written", "full"), app.frames  # none rendered in vain
    assert app.frames.index(("started", "")) > 0  # after the first frame, not while frames were held back


async def test_the_dashboard_is_the_base_screen_not_pushed_over_an_empty_one(
    seeded_emulator, seeded_service
) -> None:
    """Pushed from on_mount over Textual's default screen, the dashboard paid for that empty
    screen too: its compose, styles, two layouts per resize (a background screen is laid out
    as well) and a frame — ~10 ms of the first paint (bench/paint_pty.py)."""
    _prefetched(seeded_service)
    app = DisplayLogApp(seeded_service, Settings(), demo=True, clock=emulator_clock(seeded_emulator))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert [type(screen) for screen in app.screen_stack] == [MainScreen]


async def test_the_filter_line_is_not_part_of_the_first_screen_and_mounts_on_slash(
    seeded_emulator, seeded_service
) -> None:
    """An Input's import, styles and layout were ~10 ms of the first paint for a line hidden
    until `/`; it now mounts on the first `/`, focused, and filters as before."""
    app = AoftApp(seeded_service, Settings(), demo=True, clock=emulator_clock(seeded_emulator))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert not screen.query("#filter")
        jobs = screen.query_one(JobsTable)
        some = jobs.jobs[jobs.visible_ids[3]]
        await pilot.press("slash", *some.short_id)
        await pilot.pause()
        filter_input = screen.query_one("#filter")
        assert filter_input.has_focus and filter_input.display
        assert jobs.visible_ids == [some.id]
