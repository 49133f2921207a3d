"""One line of a dataset file as the validator's preview shows it: pretty-printed when it is
JSON, cut to a size a screen can show."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

PREVIEW_LIMIT = 60_000  # characters of a line shown (data-URI images make huge lines)


def read_line(path: Path, line: int) -> tuple[str, bool]:
    """Line `line` (1-based) of a file, pretty-printed when it is JSON; (text, is_json)."""
    with open(path, "rb") as f:
        raw = next(itertools.islice(f, line - 1, line), b"")
    raw = raw.rstrip(b"\r\n")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8", "replace")
    try:
        text, is_json = json.dumps(json.loads(text), indent=2, ensure_ascii=False), True
    except (ValueError, RecursionError):
        is_json = False
    if len(text) > PREVIEW_LIMIT:
        text = text[:PREVIEW_LIMIT] + f"\n… ({len(text) - PREVIEW_LIMIT:,} more characters)"
    return text or "(empty line)", is_json
