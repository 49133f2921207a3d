"""Painting the jobs table's lines: each cell fitted to its column's width and styled into the
Rich segments of one Strip (the header, or a job's row with its mark and status tone)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from aoft_tui.domain.job_columns import COLUMN_KEYS, PADDING, RIGHT_ALIGNED
from aoft_tui.ui.widgets.tones import NO_COLOR_TONE_STYLE, TONE_STYLE

_TONES = {tone: Style.parse(spec) for tone, spec in TONE_STYLE.items()}
_NO_COLOR_TONES = {tone: Style.parse(spec) for tone, spec in NO_COLOR_TONE_STYLE.items()}
_MARK_STYLE = Style.parse("bold magenta")
_PAD = " " * PADDING


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` cropped or padded to exactly `width` cells."""
    if text.isascii():  # the common case: one cell per character
        text = text[:width]
        return text.rjust(width) if right else text.ljust(width)
    if cell_len(text) > width:
        text = set_cell_size(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def tone_rich_style(tone: str, *, no_color: bool) -> Style:
    return (_NO_COLOR_TONES if no_color else _TONES)[tone]


def header_strip(labels: Iterable[str], widths: dict[str, int], style: Style, table_width: int) -> Strip:
    """The heading line: one label per column (COLUMN_KEYS order)."""
    segments = [
        Segment(_PAD + fit(label, widths[key]) + _PAD, style)
        for key, label in zip(COLUMN_KEYS, labels, strict=True)
    ]
    return Strip(segments, table_width)


def row_strip(
    cells: Iterable[str],
    widths: dict[str, int],
    style: Style,
    status_style: Style,
    cursor_style: Style | None,
    table_width: int,
) -> Strip:
    """A job's line: its cells (COLUMN_KEYS order), the mark in its own colour, the status in
    its tone, and the cursor's style over all when it is on this row."""
    segments: list[Segment] = []
    for key, text in zip(COLUMN_KEYS, cells, strict=True):
        cell = fit(text, widths[key], right=key in RIGHT_ALIGNED)
        if key == "id":
            segments.append(Segment(_PAD, style))
            segments.append(Segment(cell[0], style + _MARK_STYLE))
            segments.append(Segment(cell[1:] + _PAD, style))
        elif key == "status":
            segments.append(Segment(_PAD + cell + _PAD, style + status_style))
        else:
            segments.append(Segment(_PAD + cell + _PAD, style))
    if cursor_style is not None:
        segments = list(Segment.apply_style(segments, post_style=cursor_style))
    return Strip(segments, table_width)
