"""Profiles inside the app: switch from the command palette, or add one with the connect
dialog; the header names the profile and the live resource."""

from __future__ import annotations

import stat

import pytest

from aoft_tui.ui.screens.connect_dialog import ConnectScreen

from .main_support import loaded, make_app, settle, table


def _app_with_two_profiles(write_config, monkeypatch, service, emulator, other_emulator):
    """The app on `emulator`, offered two profiles: `emu` (`other_emulator`, its key from the
    environment) and `broken` (an endpoint that cannot be parsed)."""
    write_config(
        f'[profiles.emu]\nendpoint = "{other_emulator.endpoint}"\napi_key_env = "EMU_KEY"\n'
        '[profiles.broken]\nendpoint = "http://[::1"\napi_key = "k"\n'
    )
    monkeypatch.setenv("EMU_KEY", other_emulator.api_key)
    return make_app(service, emulator, profile_names=("emu", "broken"))


async def test_switching_profile_lists_the_other_resource_and_names_it(
    write_config, monkeypatch, emulator, service, seeded_emulator
) -> None:
    app = _app_with_two_profiles(write_config, monkeypatch, service, emulator, seeded_emulator)
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
        assert any(
            "profiles.broken.endpoint" in n.message and "not a valid URL" in n.message
            for n in app._notifications
        )


async def test_each_switch_leaves_one_dashboard_and_the_old_ones_gone(
    write_config, monkeypatch, emulator, service, seeded_emulator
) -> None:
    """The dashboard is the app's base screen (AoftApp.get_default_screen); a switch gives the
    new one a screen mode of its own, and the one before — the first in Textual's own mode,
    later ones in theirs — is removed, its polling with it."""
    write_config(
        f'[profiles.emu]\nendpoint = "{seeded_emulator.endpoint}"\napi_key_env = "EMU_KEY"\n'
        f'[profiles.emu2]\nendpoint = "{seeded_emulator.endpoint}"\napi_key_env = "EMU_KEY"\n'
    )
    monkeypatch.setenv("EMU_KEY", seeded_emulator.api_key)
    app = make_app(service, emulator, profile_names=("emu", "emu2"))
    async with app.run_test(size=(120, 40)) as pilot:
        dashboards = [await loaded(pilot)]
        for name in ("emu", "emu2", "emu"):
            app.switch_profile(name)
            dashboards.append(await loaded(pilot))
            assert app.screen_stack == [dashboards[-1]] and app.settings.profile == name
            assert table(pilot).row_count == 8
            assert not any(old.is_attached for old in dashboards[:-1])


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


async def test_at_80_columns_the_header_names_profile_and_resource_beside_a_dead_link(
    seeded_emulator,
) -> None:
    from aoft_tui.services.finetuning import FineTuningService
    from aoft_tui.services.settings import Settings
    from aoft_tui.ui.app import AoftApp
    from aoft_tui.ui.widgets.connection import ConnectionIndicator

    settings = Settings(endpoint=seeded_emulator.endpoint, profile="prod", profile_names=("prod",))
    service = FineTuningService(
        seeded_emulator.endpoint, seeded_emulator.api_key, "2025-04-01-preview", max_retries=0, timeout=5
    )
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
    app = _app_with_two_profiles(write_config, monkeypatch, service, emulator, seeded_emulator)
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


def _fake_az(tmp_path, monkeypatch, token: str) -> None:
    """An `az` on PATH whose `az account get-access-token` prints `token` in the Azure CLI's
    own JSON shape: azure-identity's real AzureCliCredential runs it. DefaultAzureCredential
    is narrowed to that credential (AZURE_TOKEN_CREDENTIALS), so no test probes the network."""
    import json
    import time

    bindir = tmp_path / "bin"
    bindir.mkdir()
    answer = json.dumps(
        {
            "accessToken": token,
            "expiresOn": "2099-01-01 00:00:00.000000",
            "expires_on": int(time.time()) + 3600,
            "subscription": "0000",
            "tenant": "emulated-tenant",
            "tokenType": "Bearer",
        }
    )
    script = bindir / "az"
    script.write_text(f"#!/bin/sh\ncat <<'JSON'\n{answer}\nJSON\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "AzureCliCredential")


async def _fill_and_save(pilot, name: str, endpoint: str, auth: str, key: str = "") -> None:
    app = pilot.app
    app.action_connect()
    await pilot.pause()
    assert isinstance(app.screen, ConnectScreen)
    app.screen.query_one("#connect-name").value = name
    app.screen.query_one("#connect-endpoint").value = endpoint
    app.screen.query_one("#connect-auth").value = auth
    await pilot.pause()
    assert app.screen.query_one("#connect-key").display == auth.startswith("key")
    if key:
        app.screen.query_one("#connect-key").value = key
    app.screen.query_one("#connect-save").press()
    await pilot.pause()


@pytest.mark.parametrize(
    ("choice", "auth", "private"),
    [
        ("key", "key", True),
        ("key-env", "key", False),
        ("entra", "entra", False),
        ("azure-cli", "azure-cli", False),
    ],
)
async def test_each_sign_in_choice_writes_a_profile_that_loads_back_and_connects(
    write_config, monkeypatch, tmp_path, emulator, service, seeded_emulator, choice, auth, private
) -> None:
    from aoft_tui.services.settings import load_settings

    path = write_config("")
    path.chmod(0o644)
    token, _ = seeded_emulator.issue_token(3600)
    _fake_az(tmp_path, monkeypatch, token)
    monkeypatch.setenv("LAB_KEY", seeded_emulator.api_key)
    key = {"key": seeded_emulator.api_key, "key-env": "LAB_KEY"}.get(choice, "")
    app = make_app(service, emulator)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await _fill_and_save(pilot, "lab", seeded_emulator.endpoint, choice, key)
        await loaded(pilot)
        # connected end to end: the key, the variable's key, or a token from (fake) `az`
        assert table(pilot).row_count == 8 and app.settings.profile == "lab" and not app.demo
        assert str(app.screen.query_one("#mode").render()) == f"lab · 127.0.0.1:{seeded_emulator.port}"
    assert (stat.S_IMODE(path.stat().st_mode) == 0o600) is private
    text = path.read_text()
    assert (seeded_emulator.api_key in text) is (choice == "key")
    assert ('api_key_env = "LAB_KEY"' in text) is (choice == "key-env")
    settings = load_settings(profile="lab")
    assert (settings.auth, settings.endpoint) == (auth, seeded_emulator.endpoint)
    if auth == "key":
        assert settings.api_key is not None and settings.api_key.get_secret_value() == seeded_emulator.api_key
    else:
        assert settings.api_key is None and seeded_emulator.tokens_accepted >= 1


async def test_a_key_variable_that_is_not_set_is_refused_before_anything_is_written(
    write_config, monkeypatch, emulator, service
) -> None:
    path = write_config("")
    monkeypatch.delenv("NOT_SET_KEY", raising=False)
    app = make_app(service, emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await _fill_and_save(pilot, "lab", "https://lab.openai.azure.com", "key-env", "NOT_SET_KEY")
        assert isinstance(app.screen, ConnectScreen)
        error = str(app.screen.query_one("#connect-error").render())
        assert "NOT_SET_KEY is not set" in error and "restart aoft-tui" in error
    assert path.read_text() == ""


async def test_a_token_the_resource_rejects_under_azure_cli_says_which_sign_in_and_role(
    write_config, monkeypatch, tmp_path, emulator, service, seeded_emulator
) -> None:
    write_config(f'[profiles.cli]\nendpoint = "{seeded_emulator.endpoint}"\nauth = "azure-cli"\n')
    _fake_az(tmp_path, monkeypatch, "forged-token-of-another-tenant")
    app = make_app(service, emulator, profile_names=("cli",))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        app.switch_profile("cli")
        for _ in range(100):
            await settle(pilot)
            errors = [n.message for n in app._notifications if n.severity == "error"]
            if errors:
                break
        assert errors, [n.message for n in app._notifications]
        message = errors[-1]
        assert "token was rejected" in message and "az login --tenant" in message
        assert "Cognitive Services OpenAI Contributor" in message
        assert "API key" not in message and "forged-token" not in message


async def test_at_80x24_the_first_run_dialog_keeps_its_error_and_buttons_on_screen(
    write_config, emulator, service
) -> None:
    write_config("")
    app = make_app(service, emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.action_connect(first_run=True)
        await pilot.pause()
        app.screen.query_one("#connect-name").value = "lab"
        app.screen.query_one("#connect-endpoint").value = "my-resource"  # the longest message: 3 lines
        app.screen.query_one("#connect-key").value = "k"
        app.screen.query_one("#connect-save").press()
        await pilot.pause()
        screen_region = app.screen.region
        assert "must be a URL" in str(app.screen.query_one("#connect-error").render())
        for widget_id in ("#dialog", "#connect-error", "#connect-save", "#connect-cancel"):
            region = app.screen.query_one(widget_id).region
            assert region.height and screen_region.contains_region(region), (widget_id, region)


async def test_on_a_narrow_screen_the_indicator_says_the_same_in_at_most_25_columns() -> None:
    from datetime import datetime

    from textual.app import App, ComposeResult

    from aoft_tui.ui.widgets.connection import ConnectionIndicator

    t0 = datetime(2026, 3, 2, 12, 3, 10).timestamp()

    class NarrowHost(App):
        now = t0

        def compose(self) -> ComposeResult:
            yield ConnectionIndicator(clock=lambda: self.now)

        def on_mount(self) -> None:
            self.screen.add_class("-narrow")  # what MainScreen has under 100 columns

    app = NarrowHost()
    async with app.run_test(size=(80, 24)) as pilot:
        indicator = app.query_one(ConnectionIndicator)
        indicator.answered()
        indicator.next_try_in(15)
        seen = {}
        for label, moment, state, next_try in [
            ("fresh", 1, "ok", None),
            ("stale", 10, "ok", None),
            ("hanging", 19, "ok", None),
            ("retrying", 19, "retrying", 8),
            ("offline", 19, "offline", 30),
        ]:
            app.now = t0 + moment
            indicator.state = state
            if next_try is not None:
                indicator.next_try_in(next_try)
            await pilot.pause()
            seen[label] = (indicator.describe(), indicator.tooltip)
    assert {k: v[0] for k, v in seen.items()} == {
        "fresh": "● connected",
        "stale": "● answered 12:03:10",
        "hanging": "◐ no answer · trying…",
        "retrying": "◐ retry in 8 s",
        "offline": "○ offline · retry in 30 s",
    }
    assert all(len(text) <= 25 for text, _ in seen.values())
    assert seen["offline"][1] == "○ no answer since 12:03:10 · retry in 30 s"  # the full text, on hover
