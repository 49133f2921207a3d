"""A line longer than any example Azure accepts is refused by its length, with its line
number, and never read into memory; the lines around it are checked as usual."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from aoft_tui.domain.validation import validate_file
from aoft_tui.domain.validation.runner.reader import MAX_LINE_BYTES

from .validation_helpers import chat, jsonl, many_chats, write

MB = 1024 * 1024


def _long_line(nbytes: int) -> bytes:
    """A valid chat example of exactly `nbytes` bytes (no newline)."""
    empty = json.dumps(chat("", "ok")).encode()
    line = json.dumps(chat("x" * (nbytes - len(empty)), "ok")).encode()
    assert len(line) == nbytes
    return line


def _codes_at(report) -> list[tuple[str, int | None]]:
    return [(p.code, p.line) for p in report.problems if p.code == "line_too_long"]


def test_the_bound_is_the_largest_example_azure_accepts() -> None:
    # 64 images of 10 MB as base64 data URIs, plus 16 MiB of text: refused above ~869 MiB,
    # so a 1 GB line never reaches the parser.
    assert 64 * 4 * (10 * MB // 3 + 1) < MAX_LINE_BYTES < 10**9


@pytest.mark.parametrize("workers", [1, 2])
def test_a_long_line_is_refused_with_its_line_number_and_not_read(tmp_path: Path, workers: int) -> None:
    lines = jsonl(many_chats(12)).splitlines(keepends=True)
    lines.insert(6, _long_line(20 * MB) + b"\n")  # line 7; the file is over 16 MB: worker processes
    path = write(tmp_path / "train.jsonl", b"".join(lines))
    tracemalloc.start()
    try:
        report = validate_file(path, workers=workers, max_line_bytes=MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _codes_at(report) == [("line_too_long", 7)]
    assert "20.0 MiB" in report.problems[0].message and "not read" in report.problems[0].message
    assert report.stats.lines == 13 and len(report.token_lengths) == 12  # the others are counted
    assert report.has_errors
    if workers == 1:  # in this process: the 20 MB line was never held
        assert peak < 8 * MB, peak


def test_first_and_unterminated_last_lines(tmp_path: Path) -> None:
    body = jsonl(many_chats(12))
    path = write(tmp_path / "train.jsonl", _long_line(3 * MB) + b"\n" + body + _long_line(2 * MB))
    report = validate_file(path, workers=1, max_line_bytes=MB)
    assert _codes_at(report) == [("line_too_long", 1), ("line_too_long", 14)]
    assert len(report.token_lengths) == 12


def test_the_bound_itself_is_allowed(tmp_path: Path) -> None:
    limit = 2 * MB
    body = jsonl(many_chats(12))
    at_limit = write(tmp_path / "at.jsonl", body + _long_line(limit) + b"\r\n" + body)
    over = write(tmp_path / "over.jsonl", body + _long_line(limit + 1) + b"\r\n" + body)
    assert _codes_at(validate_file(at_limit, workers=1, max_line_bytes=limit)) == []
    assert _codes_at(validate_file(over, workers=1, max_line_bytes=limit)) == [("line_too_long", 13)]
