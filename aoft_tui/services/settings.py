"""Settings: environment variables (the SDK's own names) layered over a TOML config file.

Held in one place (`load_settings()` once at start-up) and passed down, not re-read.
A pydantic model layered by hand rather than pydantic-settings: that package's import
cost ~60 ms of the dashboard's start (bench/paint.py) for three variables and one file.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr

APP_NAME = "aoft-tui"
# The newest data-plane version whose spec we test against (../shared/azure-openai-spec).
DEFAULT_API_VERSION = "2025-04-01-preview"


def config_dir() -> Path:
    return Path(os.environ.get("AOFT_TUI_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def state_dir() -> Path:
    """Where we remember things per resource (uploaded-file cache, push records)."""
    return Path(os.environ.get("AOFT_TUI_STATE_DIR") or platformdirs.user_state_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


class WandbSettings(BaseModel):
    project: str = "OpenAI-Fine-Tune"
    entity: str | None = None
    mode: str = "auto"  # auto | online | offline


class Settings(BaseModel):
    """Everything configurable: `load_settings()` layers the environment over the config file."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("AZURE_OPENAI_ENDPOINT", "endpoint")
    )
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY", "api_key"),
    )
    api_version: str = Field(
        default=DEFAULT_API_VERSION, validation_alias=AliasChoices("OPENAI_API_VERSION", "api_version")
    )
    # binding id -> key(s), e.g. {"cancel_job": "x"}; applied with App.set_keymap
    keymap: dict[str, str] = Field(default_factory=dict)
    wandb: WandbSettings = Field(default_factory=WandbSettings)
    # model -> price overrides, see domain cost table (USD per 1M training tokens)
    prices: dict[str, float] = Field(default_factory=dict)

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
    for field, names in ENV_VARS.items():
        # an empty variable (`export AZURE_OPENAI_ENDPOINT=`) counts as unset
        value = next((os.environ[n] for n in names if os.environ.get(n)), None)
        if value is not None:
            values[field] = value
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
    """The config file, then the environment over it, then `overrides` (ConfigError for an
    unreadable file; pydantic's ValidationError for a value of the wrong shape)."""
    return Settings.model_validate({**_from_config_file(), **_from_environment(), **overrides})
