"""Helpers every headless sub-command shares: the service from settings, error reporting,
JSON output.

Errors leave as one line on stderr — `Error: <title>: <message>` — with exit code 1
(the service refused or failed) or 2 (configuration or usage), never a traceback, and
with the API key scrubbed from the text just in case.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, ParamSpec, TypeVar

import click

from aoft_tui.services.error_mapping import redact as redact_secrets
from aoft_tui.services.errors import ServiceError
from aoft_tui.services.settings import ConfigError, Settings, config_file, load_settings

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")

# Keys seen in this process, scrubbed from any error text we print.
_SECRETS: set[str] = set()
# `--profile NAME` (before or after the sub-command); None: $AOFT_TUI_PROFILE or default_profile
selected_profile: str | None = None


def choose_profile(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Callback of every `--profile` option: remember the choice for load_cli_settings()."""
    global selected_profile
    if value:
        selected_profile = value
    return value


def profile_option() -> click.Option:
    return click.Option(
        ["--profile"],
        metavar="NAME",
        expose_value=False,
        is_eager=True,
        callback=choose_profile,
        help="Use [profiles.NAME] of config.toml (default: $AOFT_TUI_PROFILE, then default_profile).",
    )


def redact(text: str) -> str:
    return redact_secrets(text, *_SECRETS)


def fail(title: str, message: str, *, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(redact(f"Error: {title}: {message}"), err=True)
    sys.exit(code)


def load_cli_settings() -> Settings:
    try:
        settings = load_settings(profile=selected_profile)
    except ConfigError as exc:
        fail("Configuration", str(exc), code=EXIT_CONFIG)
    if settings.api_key is not None:
        _SECRETS.add(settings.api_key.get_secret_value())
    return settings


def missing_resource_message(settings: Settings) -> str:
    missing = [
        name
        for name, present in (
            ("AZURE_OPENAI_ENDPOINT", bool(settings.endpoint)),
            (
                "AZURE_OPENAI_API_KEY",
                settings.api_key is not None and bool(settings.api_key.get_secret_value()),
            ),
        )
        if not present
    ]
    return (
        f"no Azure OpenAI resource is configured ({' and '.join(missing)} not set). Set "
        f"AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY (or endpoint and api_key in {config_file()}), "
        "or run `aoft-tui emulator` in another terminal and export the two variables it prints."
    )


@contextlib.contextmanager
def cli_service(settings: Settings | None = None) -> Iterator[Any]:
    """The FineTuningService for the configured resource, closed on exit; exit 2 when none is set."""
    from aoft_tui.services.endpoint import endpoint_warnings
    from aoft_tui.services.finetuning import FineTuningService

    settings = settings or load_cli_settings()
    has_key = settings.api_key is not None and bool(settings.api_key.get_secret_value())
    if not settings.endpoint or not (has_key or settings.auth != "key"):
        fail("Not configured", missing_resource_message(settings), code=EXIT_CONFIG)
    if has_key and settings.api_key is not None:
        _SECRETS.add(settings.api_key.get_secret_value())
    try:
        service = FineTuningService.from_settings(settings)
    except ConfigError as exc:
        fail("Configuration", str(exc), code=EXIT_CONFIG)
    for warning in endpoint_warnings(settings.endpoint):
        click.echo(f"Warning: {warning}", err=True)
    try:
        yield service
    finally:
        service.close()


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator for click commands: ServiceError → exit 1, ConfigError → exit 2, one line each."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            fail("Configuration", str(exc), code=EXIT_CONFIG)
        except ServiceError as exc:
            fail(exc.title, str(exc), code=EXIT_FAILED)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


def json_option(help: str) -> Callable[[F], F]:
    """The `--json` flag of a command (its parameter `as_json`); `help` says what is printed."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def print_json(value: Any) -> None:
    """Pretty JSON on stdout (non-ASCII kept readable; stable key order as given)."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))
