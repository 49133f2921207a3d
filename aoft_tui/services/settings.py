"""Settings: environment variables (the SDK's own names) layered over a TOML config file.

Held in one place (`load_settings()` once at start-up) and passed down, not re-read.
Plain dataclasses, checked by hand, rather than pydantic(-settings): importing pydantic and
building the first model cost ~75 ms of the dashboard's start (bench/paint.py), a third of
a bare Textual app's, for three variables and one small file.
"""

from __future__ import annotations

import os
import tomllib
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


@dataclass
class Settings:
    """Everything configurable: `load_settings()` layers the environment over the config file."""

    endpoint: str | None = None
    api_key: Secret | None = None
    api_version: str = DEFAULT_API_VERSION
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
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}. Fix the file or move it aside.") from None


class ConfigError(Exception):
    """The config file is unreadable; the message names the file and the problem."""


def load_settings(**overrides: Any) -> Settings:
    """The config file, then the environment over it, then `overrides`. A ConfigError names
    the file and the field for an unreadable file or a value of the wrong shape."""
    values = {**_from_config_file(), **_from_environment(), **overrides}
    try:
        return _settings_from(values)
    except _Invalid as err:
        raise ConfigError(f"{config_file()}: {err}. Fix the file or move it aside.") from None


class _Invalid(ValueError):
    pass


def _settings_from(values: Mapping[str, Any]) -> Settings:
    api_key = _optional_str(values, "api_key", secret=True)
    return Settings(
        endpoint=_optional_str(values, "endpoint"),
        api_key=Secret(api_key) if api_key is not None else None,
        api_version=_optional_str(values, "api_version") or DEFAULT_API_VERSION,
        keymap=_table(values, "keymap", str, "binding id = key"),
        wandb=_wandb(values.get("wandb")),
        prices=_table(values, "prices", float, "model = USD per 1M training tokens"),
    )


def _optional_str(values: Mapping[str, Any], name: str, *, secret: bool = False) -> str | None:
    value = values.get(name)
    if value is None or isinstance(value, str):
        return value
    raise _Invalid(f"{name} must be a string, got {type(value).__name__ if secret else _shown(value)}")


def _table(values: Mapping[str, Any], name: str, kind: type, shape: str) -> dict[str, Any]:
    table = values.get(name)
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise _Invalid(f"{name} must be a table of {shape}, got {_shown(table)}")
    out = {}
    for key, value in table.items():
        number = kind is float and isinstance(value, int | float) and not isinstance(value, bool)
        if not (number or (kind is str and isinstance(value, str))):
            raise _Invalid(f"{name}.{key} must be a {'number' if kind is float else 'string'}, got {_shown(value)}")
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
