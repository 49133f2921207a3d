"""The selected job at a glance: status, models, times, tokens, progress, error.

Two columns (bold labels, values wrapped under themselves) laid out by hand for the widget's
width: a Rich grid gave the same picture but was measured and rendered again on every layout
pass, ~15 ms of the dashboard's first paint (bench/paint.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

from aoft_tui.domain import formatting as fmt
from aoft_tui.domain.models import Job
from aoft_tui.ui.widgets.tones import tone_style

EMPTY = "No job selected"
Row = tuple[str, str, str]  # label, value, value style


class JobSummary(Widget):
    """Key/value lines for one job; `show(None)` for the empty state."""

    DEFAULT_CSS = "JobSummary { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Row] = []
        self.plain = EMPTY  # what is shown, as text (tests, screen readers)

    def show(
        self, job: Job | None, now: datetime, *, step: int | None = None, total_steps: int | None = None
    ) -> None:
        rows = (
            []
            if job is None
            else _rows(job, now, step=step, total_steps=total_steps, no_color=self.app.no_color)
        )
        if rows != self._rows:
            self._rows = rows
            self.plain = "\n".join(f"{label}: {value}" for label, value, _ in rows) if rows else EMPTY
            self.refresh(layout=True)

    def render(self) -> RenderResult:
        text = self._text(self.size.width)
        if self.size.height and len(text.split()) > self.size.height:
            # wrapped, the rows would run out of the pane (80×24): one line each, long
            # values cut in the middle (their end kept); `y`/`Y` and the detail have them whole
            text = self._text(self.size.width, one_line=True)
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._text(width).split())

    def _text(self, width: int, *, one_line: bool = False) -> Text:
        if not self._rows:
            return Text(EMPTY)
        label_width = max(cell_len(label) for label, _, _ in self._rows)
        value_width = max(width - label_width - 1, 8)
        lines = []
        for label, value, style in self._rows:
            parts = [_one_line(value, value_width)] if one_line else _wrap(value, value_width)
            for i, part in enumerate(parts):
                line = Text(no_wrap=True, overflow="crop")
                line.append((label if i == 0 else "").ljust(label_width) + " ", style="bold")
                line.append(part, style=style)
                lines.append(line)
        return Text("\n", no_wrap=True, overflow="crop").join(lines)


def _rows(
    job: Job, now: datetime, *, step: int | None, total_steps: int | None, no_color: bool = False
) -> list[Row]:
    rows: list[Row] = [
        ("Job", job.id, ""),
        ("Status", fmt.status_label(job.status), tone_style(fmt.status_tone(job.status), no_color=no_color)),
        ("Base model", job.model, ""),
        ("Method", job.method, ""),
    ]
    if job.fine_tuned_model:
        rows.append(("Fine-tuned", job.fine_tuned_model, ""))
    elif job.suffix:
        rows.append(("Suffix", job.suffix, ""))
    rows.append(
        ("Created", f"{fmt.relative_time(job.created_at, now)} ({job.created_at:%Y-%m-%d %H:%M} UTC)", "")
    )
    rows.append(("Duration", fmt.duration(fmt.job_duration(job, now)), ""))
    if job.estimated_finish and not job.status.is_terminal:
        rows.append(("Est. finish", fmt.relative_time(job.estimated_finish, now), ""))
    rows.append(("Trained tokens", fmt.token_count(job.trained_tokens), ""))
    rows.append(("Progress", fmt.progress_text(job, now, step=step, total_steps=total_steps), ""))
    if job.error and (job.error.code or job.error.message):
        rows.append(("Error", f"{job.error.code or ''} {job.error.message or ''}".strip(), "red"))
    return rows


# A value may wrap after any of these: model names, ids and suffixes are runs of words
# joined by them, and a line cut inside a word reads as another name (`…-07-1` / `8`).
_BREAK_AFTER = re.compile(r"[^-.:_/ ]+[-.:_/ ]*|[-.:_/ ]+")


def _one_line(value: str, width: int) -> str:
    """`value` in one line: an aside in brackets goes first (`1h ago (2026-…)` → `1h ago`),
    then a name's middle."""
    if cell_len(value) > width and " (" in value:
        value = value.split(" (", 1)[0]
    return fmt.ellipsize_middle(value, width)


def _wrap(value: str, width: int) -> list[str]:
    """Lines of at most `width` cells, cut after a separator; only a word longer than a
    whole line (a 32-digit hash) is folded at the edge. Nothing is dropped."""
    if cell_len(value) <= width:
        return [value]
    lines: list[str] = []
    line = ""
    for token in _BREAK_AFTER.findall(value):
        if len(line) + len(token) <= width:
            line += token
            continue
        if len(token) > width:  # too long for any line: fold it, filling this line first
            token = line + token
        elif line:
            lines.append(line)
        line = ""
        while len(token) > width:
            lines.append(token[:width])
            token = token[width:]
        line = token
    if line:
        lines.append(line)
    return lines
