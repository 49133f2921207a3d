"""The frozen demo dashboard every dashboard snapshot starts from (tests/support/demo.py)."""

from __future__ import annotations

import pytest

from tests.support import demo
from tests.ui.main_support import make_app


@pytest.fixture
def frozen_demo():
    with demo.frozen_demo() as (emu, svc):
        yield make_app(svc, emu)


@pytest.fixture
def frozen_demo_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    with demo.frozen_demo() as (emu, svc):
        yield make_app(svc, emu)


@pytest.fixture(autouse=True)
def steady_text_cursor(monkeypatch):
    """A focused text box's cursor stays shown: its 0.5 s blink made a picture depend on when it
    was taken (the try screen at 160x48 failed three runs in a row, then passed)."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
