"""Every screen at 80×24 in the real app: its key bar still ends with `? Help` and `q Quit`
(the screen's last keys give way first). The main list at 80×24 is in test_dashboard_main."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.main_support import loaded, settle, table

DATA = Path(__file__).parent.parent / "validation" / "screen_data"


def _open(key: str, *, mark: int = 0, wait: bool = True):
    async def run_before(pilot) -> None:
        await loaded(pilot)
        jobs = table(pilot)
        with_metrics = [j for j in jobs.visible_ids if pilot.app.service.metrics(j)]
        jobs.move_cursor(row=jobs.get_row_index(with_metrics[0]))
        for _ in range(mark):
            await pilot.press("space")
        await pilot.press(key)
        if wait:
            await settle(pilot)
        else:  # the validate screen's file tree keeps a loader worker alive: wait for its listing
            tree = pilot.app.screen.query_one("DirectoryTree")
            for _ in range(200):
                await pilot.pause(0.02)
                if len(tree.root.children) == 2:  # clean.jsonl, support-train.jsonl
                    break
            await pilot.pause(0.1)
        text = pilot.app.screen.query_one("KeyBar").render().plain
        assert "Help" in text and "Quit" in text, text  # f1 / ctrl+q while a text field has focus

    return run_before


@pytest.mark.parametrize(
    ("name", "key", "mark", "wait"),
    [
        ("detail", "enter", 0, True),
        ("compare", "m", 2, True),
        ("new_job", "n", 0, True),
        ("validate", "v", 0, False),
        ("push", "w", 0, True),
    ],
)
def test_key_bar_at_80x24(snap_compare, frozen_demo, monkeypatch, name, key, mark, wait):
    monkeypatch.chdir(DATA)  # the validate and new-job file pickers start here: a fixed listing
    assert snap_compare(frozen_demo, terminal_size=(80, 24), run_before=_open(key, mark=mark, wait=wait))
