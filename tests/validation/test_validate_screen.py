"""The validation screen, driven with Pilot: pick, validate, browse problems, preview a line."""

from __future__ import annotations

import json
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable, Static

from aoft_tui.domain.validation import validate_file
from aoft_tui.services.dataset_line import read_line
from aoft_tui.ui.screens.validate_preview import LinePreviewScreen
from aoft_tui.ui.screens.validate_screen import ValidateScreen

DATA = Path(__file__).parent / "screen_data"


class Host(App):
    def on_mount(self) -> None:
        self.push_screen(ValidateScreen(start_dir=DATA))


async def wait_report(pilot) -> None:
    for _ in range(400):
        await pilot.pause(0.02)
        if not any(w.group == "validate" for w in pilot.app.workers):
            break
    await pilot.pause()


async def test_validate_browse_and_preview() -> None:
    path = DATA / "support-train.jsonl"
    expected = validate_file(path)
    app = Host()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ValidateScreen)
        screen.query_one("#validate-path").value = str(path)
        await pilot.press("enter")
        await wait_report(pilot)
        table = screen.query_one("#validate-problems", DataTable)
        assert table.row_count == len(expected.problems) == 5
        summary = str(screen.query_one("#validate-summary", Static).render())
        assert "3 error(s), 2 warning(s)" in summary and "40 examples" in summary
        # The first problem's detail, then enter shows that line as JSON.
        table.focus()
        await pilot.pause()
        detail = str(screen.query_one("#validate-detail", Static).render())
        first = expected.problems[0]
        assert f"line {first.line}" in detail and first.message in detail.replace("\n", " ")
        await pilot.press("enter")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, LinePreviewScreen) and preview.problem == first
        assert json.loads(preview.text) == json.loads(path.read_text().splitlines()[first.line - 1])
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ValidateScreen)


async def test_missing_file_is_a_message_not_a_crash() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        screen.query_one("#validate-path").value = str(DATA / "nope.jsonl")
        await pilot.press("enter")
        await wait_report(pilot)
        summary = screen.query_one("#validate-summary", Static)
        assert "no such file" in str(summary.render()) and summary.has_class("-error")


async def test_picking_in_the_tree_validates() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        tree = screen.query_one("#validate-tree")
        tree.focus()
        for _ in range(50):
            await pilot.pause(0.02)
            if tree.root.children:
                break
        names = [str(n.label) for n in tree.root.children]
        assert names == ["clean.jsonl", "support-train.jsonl"]  # notes.txt is filtered out
        await pilot.press("down", "enter")  # clean.jsonl
        await wait_report(pilot)
        assert screen.query_one("#validate-path").value.endswith("clean.jsonl")
        assert "no problems found" in str(screen.query_one("#validate-summary", Static).render())
        assert screen.query_one("#validate-problems").has_class("-hidden")


def test_read_line_pretty_and_raw(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\nnot json \xff\n')
    assert read_line(f, 1) == ('{\n  "a": 1\n}', True)
    text, is_json = read_line(f, 2)
    assert not is_json and text.startswith("not json")
