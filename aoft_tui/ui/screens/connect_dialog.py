""""Connect to Azure…": a small form that writes a profile to config.toml and switches to it.

    self.app.push_screen(ConnectScreen())

Fields: profile name, endpoint, sign-in (API key | Microsoft Entra ID | Azure CLI) and, for
a key, the key itself or the environment variable that holds it (a name with no spaces and
no dashes that is set in the environment is taken for a variable). Esc cancels. The key
field is a password field; the key is written only to the file (mode 0600).
"""

from __future__ import annotations

import os
import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from aoft_tui.services.profile_writer import add_profile
from aoft_tui.services.settings import ConfigError
from aoft_tui.ui.screens.base import AoftModalScreen

AUTH_CHOICES = [("API key", "key"), ("Microsoft Entra ID (az login, managed identity…)", "entra"),
                ("Azure CLI sign-in only", "azure-cli")]
_VARIABLE = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class ConnectScreen(AoftModalScreen[str | None]):
    """Dismisses with the new profile's name, or None when cancelled."""

    DEFAULT_CSS = """
    ConnectScreen { align: center middle; }
    ConnectScreen > #dialog { width: 76; max-width: 95%; height: auto; border: thick $primary;
                              background: $surface; padding: 1 2; }
    ConnectScreen #connect-title { text-style: bold; }
    ConnectScreen #connect-error { color: $error; height: auto; }
    ConnectScreen #connect-buttons { height: auto; align-horizontal: right; }
    ConnectScreen Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="connect.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Connect to Azure OpenAI", id="connect-title")
            yield Input(placeholder="profile name, e.g. prod", id="connect-name")
            yield Input(placeholder="https://<resource>.openai.azure.com", id="connect-endpoint")
            yield Select(AUTH_CHOICES, value="key", allow_blank=False, id="connect-auth")
            yield Input(placeholder="API key, or the variable holding it (AZURE_OPENAI_API_KEY)",
                        password=True, id="connect-key")
            yield Static("", id="connect-error", markup=False)
            with Horizontal(id="connect-buttons"):
                yield Button("Cancel", id="connect-cancel")
                yield Button("Save and connect", variant="primary", id="connect-save")

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#connect-key", Input).display = event.value == "key"

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
        auth = str(self.query_one("#connect-auth", Select).value)
        key = self.query_one("#connect-key", Input).value.strip() if auth == "key" else ""
        is_variable = bool(_VARIABLE.match(key)) and key in os.environ
        try:
            add_profile(name, endpoint, auth=auth, api_key=None if is_variable else key or None,
                        api_key_env=key if is_variable else None,
                        make_default=not self.aoft.settings.profile_names)
        except ConfigError as err:
            self.query_one("#connect-error", Static).update(str(err))  # never contains the key
            return
        self.dismiss(name)
