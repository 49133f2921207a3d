"""The test suite runs Textual as tests/conftest.py says: without animations."""

from __future__ import annotations


def test_apps_under_test_do_not_animate() -> None:
    """An animated scroll kept the process busy and every Pilot key press waited for it
    (the checkpoint-name tests took ~17 s each)."""
    from textual.app import App

    assert App().animation_level == "none"
