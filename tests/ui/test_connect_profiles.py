"""Profiles inside the app: switch from the command palette, or add one with the connect
dialog; the header names the profile and the live resource."""

from __future__ import annotations

import stat

from aoft_tui.ui.screens.connect_dialog import ConnectScreen

from .main_support import loaded, make_app, settle, table


def _profiles(write_config, emu) -> None:
    write_config(f'[profiles.emu]\nendpoint = "{emu.endpoint}"\napi_key_env = "EMU_KEY"\n'
                 '[profiles.broken]\nendpoint = "http://[::1"\napi_key = "k"\n')


async def test_switching_profile_lists_the_other_resource_and_names_it(
    write_config, monkeypatch, emulator, service, seeded_emulator
) -> None:
    _profiles(write_config, seeded_emulator)
    monkeypatch.setenv("EMU_KEY", seeded_emulator.api_key)
    app = make_app(service, emulator, profile_names=("emu", "broken"))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        assert table(pilot).row_count == 0
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Switch profile: emu" in titles and "Connect to Azure…" in titles
        app.switch_profile("emu")
        screen = await loaded(pilot)
        assert table(pilot).row_count == 8 and app.service.endpoint == seeded_emulator.endpoint
        assert str(screen.query_one("#mode").render()).startswith(f"emu · 127.0.0.1:{seeded_emulator.port}")
        # a profile that cannot be used leaves the app where it was, saying why
        app.switch_profile("broken")
        await settle(pilot)
        assert app.settings.profile == "emu" and table(pilot).row_count == 8
        assert any("profiles.broken.endpoint" in n.message and "not a valid URL" in n.message
                   for n in app._notifications)


async def test_the_connect_dialog_writes_a_profile_and_connects(
    write_config, emulator, service, seeded_emulator
) -> None:
    path = write_config("")
    app = make_app(service, emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        app.action_connect()
        await pilot.pause()
        assert isinstance(app.screen, ConnectScreen)
        app.screen.query_one("#connect-name").value = "lab"
        app.screen.query_one("#connect-endpoint").value = seeded_emulator.endpoint + "/openai/v1/"
        app.screen.query_one("#connect-key").value = seeded_emulator.api_key
        app.screen.query_one("#connect-save").press()
        await pilot.pause()
        await loaded(pilot)
        assert table(pilot).row_count == 8 and app.settings.profile == "lab" and not app.demo
        assert seeded_emulator.api_key not in str(app.screen.query_one("#mode").render())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert text.startswith('default_profile = "lab"') and f'endpoint = "{seeded_emulator.endpoint}"' in text


async def test_the_connect_dialog_says_what_is_wrong_and_stays(write_config, emulator, service) -> None:
    write_config("")
    app = make_app(service, emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app.action_connect()
        await pilot.pause()
        app.screen.query_one("#connect-name").value = "lab"
        app.screen.query_one("#connect-endpoint").value = "my-resource"
        app.screen.query_one("#connect-key").value = "secret-key-123"
        app.screen.query_one("#connect-save").press()
        await pilot.pause()
        assert isinstance(app.screen, ConnectScreen)
        error = str(app.screen.query_one("#connect-error").render())
        assert "must be a URL like https://" in error and "secret-key-123" not in error


async def test_at_80_columns_the_header_names_profile_and_resource_beside_a_dead_link(seeded_emulator) -> None:
    from aoft_tui.services.finetuning import FineTuningService
    from aoft_tui.services.settings import Settings
    from aoft_tui.ui.app import AoftApp
    from aoft_tui.ui.widgets.connection import ConnectionIndicator

    settings = Settings(endpoint=seeded_emulator.endpoint, profile="prod", profile_names=("prod",))
    service = FineTuningService(seeded_emulator.endpoint, seeded_emulator.api_key, "2025-04-01-preview",
                                max_retries=0, timeout=5)
    app = AoftApp(service, settings)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await loaded(pilot)
            seeded_emulator.stop()
            await pilot.press("ctrl+r")
            await settle(pilot)
            indicator = screen.query_one(ConnectionIndicator)
            assert indicator.state in ("retrying", "offline")
            await pilot.pause()
            mode = screen.query_one("#mode")
            label = f"prod · 127.0.0.1:{seeded_emulator.port}"
            shown = str(indicator.render())
            # the whole "where am I" fits, and the indicator still says what is wrong and when
            assert mode.size.width >= len(label), (mode.size.width, shown)
            assert "retry" in shown and indicator.size.width == len(shown)
    finally:
        service.close()


def _answers(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


async def test_switching_away_from_the_demo_stops_its_emulator(
    write_config, monkeypatch, emulator, service, seeded_emulator
) -> None:
    _profiles(write_config, seeded_emulator)
    monkeypatch.setenv("EMU_KEY", seeded_emulator.api_key)
    app = make_app(service, emulator, profile_names=("emu", "broken"))
    app.demo_emulator = emulator  # what `aoft-tui` hands the app when it starts the demo
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert _answers(emulator.port)
        app.switch_profile("broken")  # not usable: the demo stays, and so does its emulator
        await settle(pilot)
        assert app.demo and _answers(emulator.port)
        app.switch_profile("emu")
        await loaded(pilot)
        assert not app.demo and not _answers(emulator.port)
        assert _answers(seeded_emulator.port) and table(pilot).row_count == 8
