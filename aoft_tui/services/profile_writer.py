"""Add a `[profiles.NAME]` table to config.toml (the app's "Connect to Azure…" dialog).

The file is appended to, never rewritten: comments and layout stay as the person left them.
The result is read back before it replaces the old file (a write that would leave a file
that does not parse leaves the old one). A file that holds a key is made mode 0600.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

from aoft_tui.services.endpoint import checked_endpoint
from aoft_tui.services.settings import AUTH_METHODS, ConfigError, config_file

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _toml_string(value: str) -> str:
    # a JSON string is a valid TOML basic string (same escapes), non-ASCII kept as is
    return json.dumps(value, ensure_ascii=False)


def add_profile(
    name: str,
    endpoint: str,
    *,
    auth: str = "key",
    api_key: str | None = None,
    api_key_env: str | None = None,
    make_default: bool = False,
    path: Path | None = None,
) -> Path:
    """Append the profile; ConfigError (saying what to change) for a bad field or a name in use."""
    path = path or config_file()
    if not _NAME.match(name):
        raise ConfigError(f"profile name {name!r}: use letters, digits, '-' or '_' (at most 40).")
    if auth not in AUTH_METHODS:
        raise ConfigError(f"auth must be one of {', '.join(AUTH_METHODS)}, got {auth!r}.")
    url = checked_endpoint(endpoint, "the endpoint")
    if api_key_env and not _VARIABLE.match(api_key_env):
        raise ConfigError(f"{api_key_env!r} is not an environment variable name (e.g. AZURE_OPENAI_API_KEY).")
    if auth == "key" and not (api_key or api_key_env):
        raise ConfigError("auth = key needs the key itself or the variable that holds it.")
    old = path.read_bytes() if path.is_file() else b""
    try:
        existing = tomllib.loads(old.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path} cannot be read ({err}); fix it before adding a profile.") from None
    if name in (existing.get("profiles") or {}):
        raise ConfigError(f"{path} already has [profiles.{name}]; choose another name or edit that table.")
    lines = [f"[profiles.{name}]", f"endpoint = {_toml_string(url)}", f"auth = {_toml_string(auth)}"]
    if auth == "key" and api_key_env:
        lines.append(f"api_key_env = {_toml_string(api_key_env)}")
    elif auth == "key" and api_key:
        lines.append(f"api_key = {_toml_string(api_key)}")
    text = old.decode("utf-8")
    if make_default and "default_profile" not in existing:
        # a top-level key must come before the first table
        text = f"default_profile = {_toml_string(name)}\n" + text
    if text and not text.endswith("\n"):
        text += "\n"
    text += ("\n" if text else "") + "\n".join(lines) + "\n"
    tomllib.loads(text)  # never write a file that does not parse
    holds_key = "api_key =" in text or bool(existing.get("api_key"))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if holds_key else 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    if holds_key:
        os.chmod(temporary, 0o600)  # also when an older file had wider rights
    os.replace(temporary, path)
    return path
