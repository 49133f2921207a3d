"""The validate screen on a file of 16 MB or more (the size where the validator starts
worker processes): the CLI's fast path, a progress bar, and a cancel that stops it all."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import ProgressBar, Static

from aoft_tui.domain.validation.runner.engine import PARALLEL_MIN_BYTES
from aoft_tui.ui.screens.validate_screen import ValidateScreen
from tests.validation.validation_helpers import write_large_chats

N_EXAMPLES = 60_000


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~21 MB of plain chat examples, one exact duplicate (the last line repeats the first)."""
    path = tmp_path_factory.mktemp("large") / "large.jsonl"
    write_large_chats(path, N_EXAMPLES - 1)
    first = path.open().readline()
    with path.open("a") as f:
        f.write(first)
    assert path.stat().st_size > PARALLEL_MIN_BYTES
    return path


class Host(App):
    def on_mount(self) -> None:
        self.push_screen(ValidateScreen(start_dir=Path.cwd()))


def _alive_in_group(pgid: int) -> list[int]:
    """Processes of a process group that still run (zombies are dead: an init that does not
    reap them, as in some containers, leaves them listed)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state not in "ZX":
            alive.append(int(entry))
    return alive


def _summary(screen: ValidateScreen) -> str:
    return str(screen.query_one("#validate-summary", Static).render())


async def test_a_large_file_is_validated_with_progress(large_file: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        screen.query_one("#validate-path").value = str(large_file)
        await pilot.press("enter")
        shown_while_running = [not bar.has_class("-hidden") for bar in screen.query("#validate-progress")]
        deadline = time.monotonic() + 120
        while any(w.group == "validate" for w in app.workers) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.pause()
        summary = _summary(screen)
        assert f"{N_EXAMPLES:,} examples" in summary, summary
        assert "1 warning(s)" in summary  # the duplicate, found across chunks
        assert shown_while_running == [True]
        bar = screen.query_one("#validate-progress", ProgressBar)
        assert (bar.total, bar.progress) == (large_file.stat().st_size, large_file.stat().st_size)
        assert bar.has_class("-hidden")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
async def test_escape_cancels_the_validation_and_its_processes(large_file: Path) -> None:
    app = Host()
    async with app.run_test(size=(50, 16)) as pilot:  # a small terminal: the bar fits in it
        screen = app.screen
        screen.query_one("#validate-path").value = str(large_file)
        await pilot.press("enter")
        running = screen.running
        assert running is not None
        for _ in range(200):  # until the child process is up
            if running.pid is not None:
                break
            await pilot.pause(0.01)
        bar = screen.query_one("#validate-progress", ProgressBar)
        assert bar.region.width > 0 and bar.region.right <= 50
        pgid = running.pid
        assert pgid is not None
        started = time.monotonic()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # escape stopped the run, not closed the screen
        assert "cancelled" in _summary(screen)
        for _ in range(100):
            if not any(w.group == "validate" for w in app.workers):
                break
            await pilot.pause(0.02)
        assert not any(w.group == "validate" for w in app.workers)
        assert time.monotonic() - started < 2
        assert _alive_in_group(pgid) == []  # the child and every worker it forked
        assert screen.query_one("#validate-progress").has_class("-hidden")
        await pilot.pause(0.3)
        assert "cancelled" in _summary(screen)  # no late report overwrote it
        await pilot.press("escape")  # now escape closes
        await pilot.pause()
        assert not isinstance(app.screen, ValidateScreen)
