"""Where the deployments control plane is and how we sign in to it.

`control_plane_config()` is the ONE place that reads it. Each name comes from the active
profile (`[profiles.NAME]`, or the file's flat keys), else the environment, else the config
file's `[deploy]` table:

    subscription_id / AZURE_SUBSCRIPTION_ID / deploy.subscription_id
    resource_group  / AZURE_RESOURCE_GROUP  / deploy.resource_group
    account_name    / AZURE_OPENAI_ACCOUNT  / deploy.account_name
    AZURE_MANAGEMENT_ENDPOINT / deploy.management_endpoint   (default https://management.azure.com)
    AOFT_MANAGEMENT_TOKEN                                     (a bearer token to use as is, e.g.
        `az account get-access-token --query accessToken -o tsv`, or the emulator's key)

A missing resource group or account is found from the endpoint (services.account_discovery).
Without a token, the profile's `auth` signs in: "azure-cli" with AzureCliCredential, otherwise
DefaultAzureCredential (az login, environment, managed identity…). An API key never works
here: ARM accepts only Entra ID tokens.
"""

from __future__ import annotations

import os
import time
import tomllib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aoft_tui.services.settings import ConfigError, Secret, Settings, config_file

DEFAULT_MANAGEMENT_ENDPOINT = "https://management.azure.com"
_ENV = {
    "subscription_id": "AZURE_SUBSCRIPTION_ID",
    "resource_group": "AZURE_RESOURCE_GROUP",
    "account_name": "AZURE_OPENAI_ACCOUNT",
    "management_endpoint": "AZURE_MANAGEMENT_ENDPOINT",
}
TOKEN_ENV = "AOFT_MANAGEMENT_TOKEN"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class ControlPlaneConfig:
    subscription_id: str | None
    resource_group: str | None
    account_name: str | None
    management_endpoint: str = DEFAULT_MANAGEMENT_ENDPOINT
    token: Secret | None = None  # a ready bearer token; None: sign in with azure-identity
    auth: str = "key"  # the profile's sign-in ("azure-cli": AzureCliCredential; else the default chain)
    data_endpoint: str | None = None  # the resource's endpoint, to find a missing account by
    # where each name came from ("profile prod", "AZURE_RESOURCE_GROUP", …), for messages
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def missing(self) -> list[str]:
        return [
            _ENV[name]
            for name in ("subscription_id", "resource_group", "account_name")
            if not getattr(self, name)
        ]

    @property
    def is_loopback(self) -> bool:
        return (urlsplit(self.management_endpoint).hostname or "") in _LOOPBACK


def control_plane_config(
    environ: dict[str, str] | None = None, settings: Settings | None = None
) -> ControlPlaneConfig:
    """The active profile's names (in `settings`, loaded when not given), then the
    environment, then the config file's `[deploy]` table; the profile's sign-in method."""
    env = os.environ if environ is None else environ
    if settings is None:
        from aoft_tui.services.settings import load_settings

        settings = load_settings()
    table = _deploy_table()
    profile = f"profile {settings.profile}" if settings.profile else f"{config_file()}"
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, var in _ENV.items():
        for value, source in (
            (getattr(settings, name, None), profile),
            (env.get(var), var),
            (table.get(name), f"deploy.{name} in {config_file()}"),
        ):
            if value is None or value == "":
                continue
            if not isinstance(value, str):
                raise ConfigError(
                    f"{config_file()}: deploy.{name} must be a string, got {type(value).__name__}. "
                    "Fix the file or move it aside."
                )
            values[name], sources[name] = value, source
            break
    token = env.get(TOKEN_ENV)
    return ControlPlaneConfig(
        subscription_id=values.get("subscription_id"),
        resource_group=values.get("resource_group"),
        account_name=values.get("account_name"),
        management_endpoint=(values.get("management_endpoint") or DEFAULT_MANAGEMENT_ENDPOINT).rstrip("/"),
        token=Secret(token) if token else None,
        auth=settings.auth,
        data_endpoint=settings.endpoint,
        sources=sources,
    )


def _deploy_table() -> dict[str, Any]:
    path = config_file()
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            table = tomllib.load(fh).get("deploy") or {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}. Fix the file or move it aside.") from None
    if not isinstance(table, dict):
        raise ConfigError(
            f"{path}: deploy must be a table (subscription_id, resource_group, account_name, "
            "management_endpoint). Fix the file or move it aside."
        )
    return table


class StaticTokenCredential:
    """A TokenCredential (azure-core protocol) over one bearer token we were given."""

    def __init__(self, token: str, lifetime: float = 3600.0) -> None:
        self._token = token
        self._lifetime = lifetime

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, int(time.time() + self._lifetime))

    def __repr__(self) -> str:
        return "StaticTokenCredential('**********')"


def credential_for(config: ControlPlaneConfig) -> Any:
    if config.token is not None:
        return StaticTokenCredential(config.token.get_secret_value())
    if config.auth == "azure-cli":  # the profile asked for the Azure CLI's sign-in only
        from aoft_tui.services import credentials

        return credentials.credential_for(config.auth)
    from azure.identity import DefaultAzureCredential

    # no interactive browser from a terminal app; the CLI and environment cover it
    return DefaultAzureCredential(exclude_interactive_browser_credential=True)


def authentication_policy(credential: Any, scopes: list[str]) -> Any:
    """ARM's usual bearer policy, which also lets a loopback endpoint (the emulator) use http.

    azure-core refuses a bearer token over plain http ("Bearer token authentication is not
    permitted for non-TLS protected (non-https) URLs"); its per-request `enforce_https`
    context flag lifts that. The mgmt client builds its pipeline itself (no per-call policy
    slot before authentication), so the flag is set here, and only for 127.0.0.1/localhost/::1
    — a real host keeps https enforced."""
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

    class LoopbackAwareArmAuthentication(ARMChallengeAuthenticationPolicy):
        def on_request(self, request: Any) -> None:
            if (urlsplit(request.http_request.url).hostname or "") in _LOOPBACK:
                request.context["enforce_https"] = False
            super().on_request(request)

    return LoopbackAwareArmAuthentication(credential, *scopes)


def dashboard_config(
    *, demo: bool, endpoint: str, api_key: str | None, settings: Settings | None = None
) -> ControlPlaneConfig:
    """The dashboard's control plane: in the demo, the embedded emulator's stand-in (its key is
    the bearer token there); otherwise `control_plane_config()` for the app's settings."""
    if not demo:
        return control_plane_config(settings=settings)
    from aoft_tui.emulator.control_plane_state import (
        ACCOUNT_NAME,
        RESOURCE_GROUP,
        SUBSCRIPTION_ID,
    )

    return ControlPlaneConfig(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP,
        ACCOUNT_NAME,
        endpoint.rstrip("/"),
        Secret(api_key) if api_key else None,
    )
