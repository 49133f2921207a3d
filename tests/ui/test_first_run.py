"""The very first start — no config file, no environment — opens the demo with the connect
dialog on top, once: "Not now" leaves the demo, and the next start goes straight to it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from aoft_tui.cli import tui_cmd
from aoft_tui.services.first_run import connect_offer_due
from aoft_tui.ui.app import AoftApp
from aoft_tui.ui.screens.connect_dialog import ConnectScreen
from aoft_tui.ui.screens.main_screen import MainScreen


def _start_aoft_tui(monkeypatch, on_screen) -> list[AoftApp]:
    """`aoft-tui` as typed, its terminal loop replaced by Textual's headless Pilot:
    `on_screen(pilot)` looks at the started app, then it quits."""
    started: list[AoftApp] = []

    def run_headless(self: AoftApp, *args, **kwargs) -> None:
        async def drive() -> None:
            async with self.run_test(size=(100, 30)) as pilot:
                for _ in range(200):
                    if any(isinstance(s, MainScreen) and s.loaded for s in self.screen_stack):
                        break
                    await pilot.pause(0.02)
                await pilot.pause()
                await on_screen(pilot)

        started.append(self)
        asyncio.run(drive())

    monkeypatch.setattr(AoftApp, "run", run_headless)
    tui_cmd.run_tui(demo=False)
    return started


def _state_dir() -> Path:
    return Path(os.environ["AOFT_TUI_STATE_DIR"])


def test_the_first_start_offers_to_connect_once_and_not_now_leaves_the_demo(monkeypatch) -> None:
    seen: dict[str, object] = {}

    async def first(pilot) -> None:
        app = pilot.app
        seen["dialog"] = isinstance(app.screen, ConnectScreen)
        seen["under"] = type(app.screen_stack[-2]).__name__
        seen["not_now"] = str(app.screen.query_one("#connect-cancel").label)
        await pilot.click("#connect-cancel")
        await pilot.pause()
        seen["after"] = type(app.screen).__name__
        seen["demo"] = app.demo

    _start_aoft_tui(monkeypatch, first)
    assert seen == {
        "dialog": True,
        "under": "MainScreen",
        "not_now": "Not now",
        "after": "MainScreen",
        "demo": True,
    }
    assert not connect_offer_due()  # remembered in the state dir

    async def second(pilot) -> None:
        seen["again"] = isinstance(pilot.app.screen, ConnectScreen)

    _start_aoft_tui(monkeypatch, second)
    assert seen["again"] is False and any(_state_dir().iterdir())


def test_the_offer_is_keyed_on_no_config_file_and_no_marker(write_config) -> None:
    assert connect_offer_due()
    write_config("# nothing yet\n")
    assert not connect_offer_due()  # someone has configured (or started to): no dialog


def test_an_explicit_demo_or_an_environment_endpoint_is_not_a_first_run(monkeypatch) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(AoftApp, "run", lambda self, *a, **k: seen.append(self.offer_connect))
    tui_cmd.run_tui(demo=True)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://x.openai.azure.com")
    with pytest.raises(SystemExit):  # no key: the one-line message, no app
        tui_cmd.run_tui(demo=False)
    assert seen == [False] and connect_offer_due()


async def test_the_demo_label_says_how_to_connect(start_dashboard) -> None:
    async with start_dashboard(size=(80, 24)) as pilot:
        mode = pilot.app.screen.query_one("#mode")
        text = str(mode.render())
        assert "demo" in text and "ctrl+p → Connect" in text, text
