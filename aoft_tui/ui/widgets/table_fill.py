"""Fill a DataTable with its columns already as wide as their contents, before anything is painted.

Textual's DataTable sizes an auto-width column lazily: `add_row` only records the row, and the
widths grow in the table's own Idle handler. The screen paints from another task, so a frame
painted first (a busy machine, or two loads back to back) shows every column as narrow as its
heading ("vali fine-tu 19.4 proces"); the idle pass then widens the columns without
invalidating the lines already cached (their cache key is `_update_count`, which it does not
bump), so most rows stay narrow and misaligned until something repaints them. `clear()` keeps
the old widths too: they only ever grow (Textualize/textual#4470, #6247, #3449).

`fill_table` measures every cell itself and adds each column with that width
(`add_column(width=…)` after `clear(columns=True)`), so the first frame is already right and
nothing changes at idle. Plain strings are shown as text, never parsed as Rich markup (a file
named `data[/].jsonl` is data, not a closing tag).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.protocol import is_renderable
from rich.text import Text
from textual.widgets import DataTable


@dataclass(frozen=True, slots=True)
class Heading:
    """A column: its label, and the key its cells are found by (None: generated)."""

    label: str
    key: str | None = None


TableRow = tuple[str | None, Sequence[object]]  # (row key or None, cells in column order)


def cell_renderable(value: object) -> RenderableType:
    """What the table shows for a cell, as DataTable would show it but with strings as plain
    text: a float to two places, any other non-renderable value as its str()."""
    if isinstance(value, str):
        return Text(value, end="")
    if isinstance(value, float):
        return Text(f"{value:.2f}", end="")
    if is_renderable(value):
        return cast("RenderableType", value)
    return Text(str(value), end="")


def fill_table(table: DataTable, headings: Sequence[Heading], rows: Iterable[TableRow]) -> None:
    """Replace the table's columns and rows; each column exactly as wide as its widest cell or
    its label. The cursor goes back to the first row (as with `clear()`): the caller restores it."""
    shown = [(key, [cell_renderable(cell) for cell in cells]) for key, cells in rows]
    console = table.app.console
    widths = [Text.from_markup(h.label).cell_len for h in headings]  # labels are markup to DataTable
    for _, cells in shown:
        for index, cell in enumerate(cells):
            widths[index] = max(widths[index], _cell_width(console, cell))
    table.clear(columns=True)
    for heading, column_width in zip(headings, widths, strict=True):
        table.add_column(heading.label, key=heading.key, width=column_width)
    for key, cells in shown:
        table.add_row(*cells, key=key)


def append_row(table: DataTable, headings: Sequence[Heading], rows: Sequence[TableRow]) -> None:
    """Show `rows[-1]`, just appended to `rows` (the table shows the others): added alone when it
    fits the columns as they are (their widths are fixed, so nothing waits for an idle pass),
    else every row again with wider columns. A table that grows a row at a time stays linear."""
    key, cells = rows[-1]
    shown = [cell_renderable(cell) for cell in cells]
    console = table.app.console
    columns = table.ordered_columns
    if len(columns) == len(shown) and all(
        _cell_width(console, cell) <= column.width for cell, column in zip(shown, columns, strict=True)
    ):
        table.add_row(*shown, key=key)
        return
    cursor = table.cursor_row
    fill_table(table, headings, rows)
    table.move_cursor(row=cursor, scroll=False)


def _cell_width(console: Console, cell: RenderableType) -> int:
    """A cell's width on one line. Text (nearly every cell) by its widest line, as Rich measures
    it but without a render pass: Measurement.get made a 1000-row refill ~95 ms of the UI thread."""
    if isinstance(cell, Text):
        plain = cell.plain
        return max(map(cell_len, plain.split("\n"))) if "\n" in plain else cell.cell_len
    return Measurement.get(console, console.options, cell).maximum
