"""The optional C loops (_native.c, built by `pip install`), imported here and nowhere else.

Each name is the C function, or None when the module is not built (no C compiler at
install time). Without them the validator gives the same results, from the same loops
in Python (tests/validation/test_native.py holds the two equal), only slower:
- plain_spans: fastpath.plain_chat walks a plain chat line's messages in Python;
- scan_run: the deferred scan (the head start) takes every line through its Python loop;
- count_spans: PendingTexts.count sums the counts with itertools instead;
- is_utf8: a chunk is checked by decoding it (building a str it then drops).
A scan with the tokenizer at hand decodes each text and counts it (scan.py) instead
of spanning the texts and counting the spans.

Callers read these as `native.NAME` when they run, so a test can switch them off.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

_native: ModuleType | None
try:
    _native = importlib.import_module("aoft_tui.domain.validation.runner._native")
except ImportError:  # pragma: no cover - built by pip install; optional
    _native = None

plain_spans: Any = getattr(_native, "plain_spans", None)
scan_run: Any = getattr(_native, "scan_run", None)
count_spans: Any = getattr(_native, "count_spans", None)
is_utf8: Any = getattr(_native, "is_utf8", None)
