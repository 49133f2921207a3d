"""Settings: environment variables (the SDK's own names) layered over a TOML config file.

Held in one place (`load_settings()` once at start-up) and passed down, not re-read.
Plain dataclasses, checked by hand, rather than pydantic(-settings): importing pydantic and
building the first model cost ~75 ms of the dashboard's start (bench/paint.py), a third of
a bare Textual app's, for three variables and one small file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "aoft-tui"
# The newest data-plane version whose spec we test against (../shared/azure-openai-spec).
DEFAULT_API_VERSION = "2025-04-01-preview"
# api_version "v1" selects the v1 API, {endpoint}/openai/v1/... without an api-version
# parameter (what Foundry documents now; reinforcement fine-tuning lives there).
V1_API_VERSION = "v1"


def config_dir() -> Path:
    return Path(os.environ.get("AOFT_TUI_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def state_dir() -> Path:
    """Where we remember things per resource (uploaded-file cache, push records)."""
    return Path(os.environ.get("AOFT_TUI_STATE_DIR") or platformdirs.user_state_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


class Secret:
    """A value that never shows in a repr, a log line or an error: ask for it by name."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


WANDB_MODES = ("auto", "online", "offline")


@dataclass
class WandbSettings:
    project: str = "OpenAI-Fine-Tune"
    entity: str | None = None
    mode: str = "auto"  # auto | online | offline


AUTH_METHODS = ("key", "entra", "azure-cli")


@dataclass
class Settings:
    """Everything configurable: `load_settings()` layers the environment over the config file."""

    endpoint: str | None = None
    api_key: Secret | None = None
    api_version: str = DEFAULT_API_VERSION
    # key: the api-key header; entra: DefaultAzureCredential; azure-cli: AzureCliCredential
    auth: str = "key"
    # where the endpoint came from, for messages ("AZURE_OPENAI_ENDPOINT", "endpoint in …")
    endpoint_source: str = "AZURE_OPENAI_ENDPOINT"
    # the profile in use (None: the flat keys), and every profile the file defines
    profile: str | None = None
    profile_names: tuple[str, ...] = ()
    # for the deploy feature: the resource in Azure Resource Manager's terms
    subscription_id: str | None = None
    resource_group: str | None = None
    account_name: str | None = None
    # binding id -> key(s), e.g. {"cancel_job": "x"}; applied with App.set_keymap
    keymap: dict[str, str] = field(default_factory=dict)
    wandb: WandbSettings = field(default_factory=WandbSettings)
    # model -> price overrides, see domain cost table (USD per 1M training tokens)
    prices: dict[str, float] = field(default_factory=dict)

    @property
    def demo(self) -> bool:
        """No endpoint configured: the app runs on the embedded emulator."""
        return not self.endpoint


# The openai SDK's own variable names, first match wins per field. Only these are read:
# a stray variable such as WANDB=1 must not be taken for a setting.
ENV_VARS: dict[str, tuple[str, ...]] = {
    "endpoint": ("AZURE_OPENAI_ENDPOINT",),
    "api_key": ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY"),
    "api_version": ("OPENAI_API_VERSION",),
}


def _from_environment() -> dict[str, str]:
    values = {}
    for key, names in ENV_VARS.items():
        # an empty variable (`export AZURE_OPENAI_ENDPOINT=`) counts as unset
        value = next((os.environ[n] for n in names if os.environ.get(n)), None)
        if value is not None:
            values[key] = value
    return values


def _from_config_file() -> dict[str, Any]:
    path = config_file()
    if not path.is_file():
        return {}
    import tomllib  # ~1.5 ms, paid only when there is a file (the dashboard's start path)

    try:
        data = path.read_bytes()
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}, line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}). "
            "Save the file as UTF-8 (most editors: 'Save with encoding') or move it aside."
        ) from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}. Fix the file or move it aside.") from None


class ConfigError(Exception):
    """The config file is unreadable; the message names the file and the problem."""


PROFILE_ENV = "AOFT_TUI_PROFILE"
# keys of the file's top level that are not settings of a profile
_FILE_ONLY = ("profiles", "default_profile")


def load_settings(*, profile: str | None = None, **overrides: Any) -> Settings:
    """The config file, then the environment over it, then `overrides`. A ConfigError names
    the file and the field for an unreadable file or a value of the wrong shape.

    With profiles (`[profiles.NAME]`), the one named by `profile`, else $AOFT_TUI_PROFILE,
    else the file's `default_profile`, is laid over the file's flat keys. A profile chosen
    by name (argument or variable) also wins over the SDK's variables: it was asked for."""
    file_values = _from_config_file()
    environment = _from_environment()
    try:
        profiles = _profiles(file_values)
        chosen = profile or os.environ.get(PROFILE_ENV) or None
        name = chosen or _optional_str(file_values, "default_profile")
        if name is not None and name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise _Invalid(
                f"there is no profile {name!r} (profiles defined: {known}); "
                f"add a [profiles.{_toml_key(name)}] table or choose another with --profile"
            )
        flat = {k: v for k, v in file_values.items() if k not in _FILE_ONLY}
        values = {**flat, "endpoint_source": f"endpoint in {config_file()}"}
        profile_values = dict(profiles[name]) if name else {}
        if "endpoint" in profile_values:
            profile_values["endpoint_source"] = f"profiles.{name}.endpoint in {config_file()}"
        env_values = (
            {**environment, "endpoint_source": "AZURE_OPENAI_ENDPOINT"}
            if "endpoint" in environment
            else environment
        )
        layers = [values, profile_values, env_values] if not chosen else [values, env_values, profile_values]
        for layer in layers:
            values = _merged(values, layer)
        values = {**values, **overrides}
        if name is not None:
            values = {**values, "profile": name}
        settings = _settings_from(values)
        settings.profile_names = tuple(profiles)
        return settings
    except _Invalid as err:
        raise ConfigError(f"{config_file()}: {err}. Fix the file or move it aside.") from None


def _merged(base: dict[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    """`layer` over `base`; a profile's [wandb] table refines the file's, key by key."""
    out = {**base, **layer}
    if isinstance(base.get("wandb"), Mapping) and isinstance(layer.get("wandb"), Mapping):
        out["wandb"] = {**base["wandb"], **layer["wandb"]}
    return out


def _profiles(file_values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, body in _entries(file_values, "profiles", "[profiles.NAME] tables").items():
        if not isinstance(body, Mapping):
            raise _Invalid(
                f"profiles.{name} must be a table (endpoint, auth, api_key_env, ...), got {_shown(body)}"
            )
        out[str(name)] = {f"profiles.{name}.": None, **body}  # the prefix names fields in errors
    return out


class _Invalid(ValueError):
    pass


def _settings_from(values: Mapping[str, Any]) -> Settings:
    prefix = next((k for k in values if k.startswith("profiles.") and k.endswith(".")), "")
    api_key = _optional_str(values, "api_key", secret=True, prefix=prefix)
    key_variable = _optional_str(values, "api_key_env", prefix=prefix)
    if key_variable:  # the profile names the variable that holds its key
        api_key = os.environ.get(key_variable) or None
    auth = _optional_str(values, "auth", prefix=prefix) or "key"
    if auth not in AUTH_METHODS:
        raise _Invalid(f"{prefix}auth must be one of {', '.join(AUTH_METHODS)}, got {auth!r}")
    return Settings(
        endpoint=_optional_str(values, "endpoint", prefix=prefix),
        api_key=Secret(api_key) if api_key is not None else None,
        api_version=_optional_str(values, "api_version", prefix=prefix) or DEFAULT_API_VERSION,
        auth=auth,
        endpoint_source=values.get("endpoint_source") or Settings.endpoint_source,
        profile=values.get("profile"),
        subscription_id=_optional_str(values, "subscription_id", prefix=prefix),
        resource_group=_optional_str(values, "resource_group", prefix=prefix),
        account_name=_optional_str(values, "account_name", prefix=prefix),
        keymap=_table(values, "keymap", str, "binding id = key"),
        wandb=_wandb(values.get("wandb")),
        prices=_table(values, "prices", float, "model = USD per 1M training tokens"),
    )


def _optional_str(
    values: Mapping[str, Any], name: str, *, secret: bool = False, prefix: str = ""
) -> str | None:
    value = values.get(name)
    if value is None or isinstance(value, str):
        return value
    raise _Invalid(
        f"{prefix}{name} must be a string, got {type(value).__name__ if secret else _shown(value)}"
    )


def _entries(values: Mapping[str, Any], name: str, shape: str) -> Mapping[Any, Any]:
    """The [name] table's entries (none when it is absent); a value that is no table is an error."""
    table = values.get(name)
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise _Invalid(f"{name} must be a table of {shape}, got {_shown(table)}")
    return table


def _table(values: Mapping[str, Any], name: str, kind: type, shape: str) -> dict[str, Any]:
    out = {}
    for key, value in _entries(values, name, shape).items():
        number = kind is float and isinstance(value, int | float) and not isinstance(value, bool)
        if not (number or (kind is str and isinstance(value, str))):
            raise _Invalid(
                f"{name}.{key} must be a {'number' if kind is float else 'string'}, got {_shown(value)}"
            )
        out[str(key)] = kind(value)
    return out


def _wandb(table: Any) -> WandbSettings:
    if table is None:
        return WandbSettings()
    if not isinstance(table, Mapping):
        raise _Invalid(f"wandb must be a table (project, entity, mode), got {_shown(table)}")
    scoped = {f"wandb.{k}": v for k, v in table.items()}
    project = _optional_str(scoped, "wandb.project") or WandbSettings.project
    mode = _optional_str(scoped, "wandb.mode") or "auto"
    if mode not in WANDB_MODES:
        raise _Invalid(f"wandb.mode must be one of {', '.join(WANDB_MODES)}, got {mode!r}")
    return WandbSettings(project=project, entity=_optional_str(scoped, "wandb.entity"), mode=mode)


def _shown(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:60]


def _toml_key(name: str) -> str:
    """`name` as it would be written after `profiles.` in a TOML table header (quoted unless a
    bare key), so a message that shows it stays one line."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)
