"""Tables are painted with every column as wide as its cells in the very frame they are filled.

DataTable widens auto-width columns only in its Idle handler; a frame painted before that
(the screen paints from its own task: a busy machine, two loads back to back) showed each
column as narrow as its heading ("vali fine-tu 19.4 proces 30m"). Each test fills a table in
one synchronous step and reads the lines the painter would draw *before* any await, so no
idle pass can run in between: the result does not depend on timing or load.
"""

from __future__ import annotations

import asyncio
import dataclasses

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable

from aoft_tui.domain.formatting import ellipsize_middle
from aoft_tui.services import files as files_service
from aoft_tui.ui.screens.compare_screen import CompareScreen
from aoft_tui.ui.screens.files_screen import FilesLoaded, FilesScreen
from aoft_tui.ui.screens.log_screen import LogScreen
from aoft_tui.ui.widgets.table_fill import Heading, append_row, fill_table

from .main_support import settle, table

FILES = [
    ("validation-set-2026-03.jsonl", "fine-tune", "19.4 KiB", "processed", "30m"),
    ("train.jsonl", "fine-tune", "1.2 MiB", "processed", "2h"),
    ("results.csv", "fine-tune-results", "3.1 KiB", "processed", "1d"),
]
FILE_HEADINGS = [Heading(label) for label in ("Name", "Purpose", "Size", "Status", "Age")]


def _plain(value: object) -> str:
    return value.plain if isinstance(value, Text) else str(value)


def painted(table: DataTable) -> list[list[str]]:
    """The header and visible rows as the table paints them now, cut at the column edges the
    painter uses (padding excluded), one string per cell."""
    edges, x = [], 0
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        edges.append((x + table.cell_padding, x + width - table.cell_padding))
        x += width
    assert table.size.height > 0, "the table is not laid out"
    lines = min(table.size.height, 1 + table.row_count)
    return [[table.render_line(y).crop(a, b).text for a, b in edges] for y in range(lines)]


def assert_painted_whole(table: DataTable) -> None:
    """Every heading and every cell on screen is painted whole, where its column starts, and each
    column is as wide as its widest cell (no wider: widths follow the rows shown now)."""
    header, *rows = painted(table)
    assert [cell.rstrip() for cell in header] == [c.label.plain.rstrip() for c in table.ordered_columns]
    for index, cells in enumerate(rows):
        expected = [_plain(v) for v in table.get_row_at(index)]
        # strip: a right-justified cell (the problems' line numbers) starts with its padding
        assert [cell.strip() for cell in cells] == [e.strip() for e in expected], f"row {index} painted cut"
    for column_index, column in enumerate(table.ordered_columns):
        widest = max(
            [
                column.label.cell_len,
                *(len(_plain(r[column_index])) for r in map(table.get_row_at, range(table.row_count))),
            ]
        )
        assert column.get_render_width(table) - 2 * table.cell_padding == widest, column.label.plain


class OneTable(App[None]):
    CSS = "DataTable { height: 1fr; }"  # as the views' tables: the height does not wait for the rows

    def compose(self) -> ComposeResult:
        yield DataTable()


async def test_textual_alone_paints_each_column_as_narrow_as_its_heading_until_idle() -> None:
    """The cause, reproduced: DataTable's own auto widths are not there in a frame painted
    before its Idle handler ran. If this starts failing, Textual sizes columns eagerly now and
    `fill_table` could go back to `add_row`."""
    app = OneTable()
    async with app.run_test(size=(100, 10)) as pilot:
        grid = app.query_one(DataTable)
        grid.add_columns(*(h.label for h in FILE_HEADINGS))
        await pilot.pause()
        for row in FILES:
            grid.add_row(*row)
        narrow = grid.render_line(1).text
        assert narrow.split() == ["vali", "fine-tu", "19.4", "proces", "30m"]
        await pilot.pause()
        # the idle pass widened the columns, but the line cached at the narrow widths is what is
        # painted again (its cache key did not change): the stuck, misaligned picture
        assert grid.ordered_columns[0].get_render_width(grid) == 2 + len(FILES[0][0])
        assert grid.render_line(1).text == narrow


async def test_a_filled_table_is_painted_whole_before_and_after_the_idle_pass() -> None:
    app = OneTable()
    async with app.run_test(size=(100, 10)) as pilot:
        grid = app.query_one(DataTable)
        fill_table(grid, FILE_HEADINGS, [(None, row) for row in FILES])
        before_idle = painted(grid)
        assert_painted_whole(grid)
        await pilot.pause()
        assert painted(grid) == before_idle  # the idle pass changes nothing already painted
        fill_table(grid, FILE_HEADINGS, [(None, FILES[1])])  # fewer, shorter rows: the columns shrink
        assert_painted_whole(grid)
        assert grid.row_count == 1


async def _view(pilot: Pilot, *keys: str) -> Screen:
    """The screen the keys open from the loaded dashboard, its first load done and painted."""
    await pilot.press(*keys)
    await settle(pilot)
    return pilot.app.screen


async def test_files_view_paints_a_changed_list_whole_in_the_frame_it_arrives(dashboard: Pilot) -> None:
    screen = await _view(dashboard, "F")
    assert isinstance(screen, FilesScreen) and screen.overview is not None
    files_table = screen.query_one("#files", DataTable)
    assert_painted_whole(files_table)  # the first list, after its idle pass
    fresh = await asyncio.to_thread(files_service.files_overview, dashboard.app.service)
    first, *others = fresh.files
    longer = dataclasses.replace(first.file, filename="fine-tune-set-" + first.file.filename)
    renamed = dataclasses.replace(fresh, files=[dataclasses.replace(first, file=longer), *others])
    # two loads back to back (the mount's and a refresh), nothing painted in between
    screen.on_files_loaded(FilesLoaded(fresh))
    screen.on_files_loaded(FilesLoaded(renamed))
    assert_painted_whole(files_table)
    shown_name = ellipsize_middle(longer.filename, 28)  # the view's name width at 120 columns
    assert shown_name in [cells[0].rstrip() for cells in painted(files_table)[1:]]


async def test_files_view_shows_a_name_with_brackets_as_it_is(dashboard: Pilot) -> None:
    screen = await _view(dashboard, "F")
    assert isinstance(screen, FilesScreen) and screen.overview is not None
    first, *others = screen.overview.files
    odd = dataclasses.replace(first.file, filename="set[/]v2 [bold]x.jsonl")  # not Rich markup
    with_odd_name = [dataclasses.replace(first, file=odd), *others]
    screen.on_files_loaded(FilesLoaded(dataclasses.replace(screen.overview, files=with_odd_name)))
    await dashboard.pause()
    names = [cells[0].rstrip() for cells in painted(screen.query_one(DataTable))]
    assert "set[/]v2 [bold]x.jsonl" in names


async def test_log_view_paints_new_requests_whole_in_the_frame_they_arrive(dashboard: Pilot) -> None:
    job_id = table(dashboard).visible_ids[0]
    screen = await _view(dashboard, "L")
    assert isinstance(screen, LogScreen)
    await asyncio.to_thread(dashboard.app.service.checkpoints, job_id)  # a longer path than any before
    screen._refresh_rows(force=True)
    log_table = screen.query_one(DataTable)
    assert any("/checkpoints" in cells[2] for cells in painted(log_table)[1:])
    assert_painted_whole(log_table)


async def test_compare_legend_is_painted_whole_in_the_frame_it_arrives(dashboard: Pilot) -> None:
    service = dashboard.app.service
    marked = [j for j in table(dashboard).visible_ids if service.metrics(j)][:2]
    table(dashboard).set_marked(marked)
    screen = await _view(dashboard, "m")
    assert isinstance(screen, CompareScreen)
    figures = dict.fromkeys(marked, (1234567, 0.123456, 0.0123456))  # more steps than any real job
    screen.on_compare_screen_compare_ready(CompareScreen.CompareReady({}, figures, {}))
    legend = screen.query_one(DataTable)
    assert [cells[4].rstrip() for cells in painted(legend)[1:]] == ["1234567"] * len(marked)
    assert_painted_whole(legend)


async def test_validate_problems_are_painted_whole_in_the_frame_they_arrive(tmp_path) -> None:
    from aoft_tui.domain.validation import validate_bytes
    from aoft_tui.ui.screens.validate_screen import ValidateScreen

    short = validate_bytes(b"not json\n", count_tokens=False)
    longer = validate_bytes(b'{"messages": [{"role": "user", "content": "hi"}]}\n' * 3, count_tokens=False)
    assert short.problems and longer.problems
    app = App[None]()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = ValidateScreen(start_dir=tmp_path)
        await app.push_screen(screen)
        screen._fill_problems(short)  # a first file's problems, laid out and painted
        await pilot.pause()
        problems = screen.query_one("#validate-problems", DataTable)
        assert_painted_whole(problems)
        screen._fill_problems(longer)  # the next file's, read before any idle pass
        assert_painted_whole(problems)


async def test_a_row_appended_is_painted_whole_and_widens_its_columns_only_when_needed() -> None:
    app = OneTable()
    async with app.run_test(size=(100, 10)) as pilot:
        grid = app.query_one(DataTable)
        rows: list = [(None, FILES[1])]
        fill_table(grid, FILE_HEADINGS, rows)
        await pilot.pause()
        widths = [c.width for c in grid.ordered_columns]
        rows.append((None, ("t.jsonl", "fine-tune", "1 KiB", "processed", "1h")))  # fits
        append_row(grid, FILE_HEADINGS, rows)
        assert [c.width for c in grid.ordered_columns] == widths and grid.row_count == 2
        rows.append((None, FILES[0]))  # a longer name: the columns grow, read before any idle pass
        append_row(grid, FILE_HEADINGS, rows)
        assert grid.row_count == 3
        assert_painted_whole(grid)
