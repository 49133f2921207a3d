""" "Connect to Azure…": a small form that writes a profile to config.toml and switches to it.

    self.app.push_screen(ConnectScreen())

Fields: profile name, endpoint, sign-in — an API key (written to the file, mode 0600), an
API key in an environment variable (only the variable's name is written: `api_key_env`),
Microsoft Entra ID, or the Azure CLI's sign-in — and the key or the variable's name. Esc
cancels. The key field is a password field; the key is written only to the file.
"""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from aoft_tui.services.profile_writer import add_profile
from aoft_tui.services.settings import ConfigError
from aoft_tui.ui.screens.base import AoftModalScreen

# "key-env" is auth = "key" with the key in a variable (api_key_env), not in the file
AUTH_CHOICES = [
    ("API key", "key"),
    ("API key in an environment variable", "key-env"),
    ("Microsoft Entra ID (az login, managed identity…)", "entra"),
    ("Azure CLI sign-in only (az login)", "azure-cli"),
]
KEY_PLACEHOLDER = "API key (Azure portal → the resource → Keys and Endpoint)"
VARIABLE_PLACEHOLDER = "the variable holding the key, e.g. AZURE_OPENAI_API_KEY"


class ConnectScreen(AoftModalScreen[str | None]):
    """Dismisses with the new profile's name, or None when cancelled."""

    DEFAULT_CSS = """
    ConnectScreen { align: center middle; }
    /* at 80×24 the whole form, a three-line error and the buttons fit: no vertical padding */
    ConnectScreen > #dialog { width: 76; max-width: 95%; height: auto; max-height: 100%; border: thick $primary;
                              background: $surface; padding: 0 2; overflow-y: auto; }
    ConnectScreen #connect-title { text-style: bold; }
    ConnectScreen #connect-intro { color: $text-muted; height: auto; margin-bottom: 1; }
    ConnectScreen #connect-error { color: $error; height: auto; }
    ConnectScreen #connect-buttons { height: auto; align-horizontal: right; }
    ConnectScreen Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="connect.cancel")]

    def __init__(self, *, first_run: bool = False) -> None:
        super().__init__()
        self.first_run = first_run  # offered on the first start, over the demo

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Connect to Azure OpenAI", id="connect-title")
            if self.first_run:
                yield Static(
                    "Nothing is configured yet, so this is the demo on a local emulator. Connect "
                    "your resource now, or later: ctrl+p → Connect to Azure…",
                    id="connect-intro",
                )
            yield Input(placeholder="profile name, e.g. prod", id="connect-name")
            yield Input(placeholder="https://<resource>.openai.azure.com", id="connect-endpoint")
            yield Select(AUTH_CHOICES, value="key", allow_blank=False, id="connect-auth")
            yield Input(placeholder=KEY_PLACEHOLDER, password=True, id="connect-key")
            yield Static("", id="connect-error", markup=False)
            with Horizontal(id="connect-buttons"):
                yield Button("Not now" if self.first_run else "Cancel", id="connect-cancel")
                yield Button("Save and connect", variant="primary", id="connect-save")

    def on_select_changed(self, event: Select.Changed) -> None:
        key = self.query_one("#connect-key", Input)
        key.display = event.value in ("key", "key-env")
        key.password = event.value == "key"  # a variable's name is no secret: shown as typed
        key.placeholder = VARIABLE_PLACEHOLDER if event.value == "key-env" else KEY_PLACEHOLDER

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "connect-save":
            self.save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def save(self) -> None:
        name = self.query_one("#connect-name", Input).value.strip()
        endpoint = self.query_one("#connect-endpoint", Input).value.strip()
        choice = str(self.query_one("#connect-auth", Select).value)
        key = self.query_one("#connect-key", Input).value.strip() if choice.startswith("key") else ""
        variable = choice == "key-env"
        try:
            if variable and key and not os.environ.get(key):
                # the profile could not connect now; the app reads the environment at its start
                raise ConfigError(
                    f"{key} is not set in aoft-tui's environment: set it and restart aoft-tui, "
                    "or choose 'API key' and paste the key."
                )
            add_profile(
                name,
                endpoint,
                auth="key" if variable else choice,
                api_key=None if variable else key or None,
                api_key_env=key if variable else None,
                make_default=not self.aoft.settings.profile_names,
            )
        except ConfigError as err:
            self.query_one("#connect-error", Static).update(str(err))  # never contains the key
            return
        self.dismiss(name)
