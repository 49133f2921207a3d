"""Microsoft Entra ID sign-in: a bearer-token provider for `AzureOpenAI(azure_ad_token_provider=…)`.

`auth = "entra"` uses azure-identity's DefaultAzureCredential (environment, workload and
managed identity, Azure CLI, PowerShell, azd, …); `auth = "azure-cli"` only the Azure CLI's
sign-in (`az login`). azure-identity is the optional extra `aoft-tui[entra]` and is imported
at the first token request (a worker thread), not on the dashboard's start path.

A failed sign-in is a `SignInError` naming the credentials tried and why each failed, never a
traceback; a token never appears in any message.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from typing import Any

from aoft_tui.services.errors import AuthError
from aoft_tui.services.settings import ConfigError

# The audience Azure OpenAI accepts tokens for.
COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
ENTRA_AUTH_METHODS = ("entra", "azure-cli")
INSTALL_HINT = "pip install 'aoft-tui[entra]'"

TokenProvider = Callable[[], str]


class SignInError(AuthError):
    title = "Sign-in failed"


def require_identity_package(auth: str) -> None:
    """ConfigError when azure-identity is not installed (a cheap check, nothing imported)."""
    try:
        found = importlib.util.find_spec("azure.identity") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ConfigError(
            f'auth = "{auth}" signs in with Microsoft Entra ID, which needs the azure-identity package: '
            f'run `{INSTALL_HINT}`, or use auth = "key" with an API key.'
        )


def credential_for(auth: str) -> Any:
    """The azure-identity credential for an auth method (imports azure-identity)."""
    try:
        from azure import identity
    except ImportError:
        require_identity_package(auth)
        raise
    if auth == "azure-cli":
        return identity.AzureCliCredential()
    return identity.DefaultAzureCredential()


def credential_chain(credential: Any) -> list[str]:
    """The names of the credentials a (chained) credential tries, in order."""
    inner = getattr(credential, "credentials", None)
    if inner:
        return [type(c).__name__ for c in inner]
    return [type(credential).__name__]


def token_provider(credential: Any | None = None, *, auth: str = "entra") -> TokenProvider:
    """A thread-safe callable returning a bearer token for Azure OpenAI, cached until it is
    near expiry (azure-identity's own policy). `credential` defaults to the one for `auth`,
    built at the first call. Failures are SignInError naming the chain that was tried."""
    lock = threading.Lock()
    state: dict[str, Any] = {"credential": credential, "provider": None}

    def provide() -> str:
        with lock:
            if state["provider"] is None:
                if state["credential"] is None:
                    state["credential"] = credential_for(auth)
                from azure.identity import get_bearer_token_provider

                state["provider"] = get_bearer_token_provider(state["credential"], COGNITIVE_SERVICES_SCOPE)
            provider, used = state["provider"], state["credential"]
        try:
            return provider()
        except Exception as err:
            raise SignInError(sign_in_failure(used, err, auth=auth)) from None

    return provide


def sign_in_failure(credential: Any, err: Exception, *, auth: str) -> str:
    chain = ", ".join(credential_chain(credential))
    reason = " ".join(str(err).split())[:400] or type(err).__name__
    fix = (
        "Run `az login` (and `az account set --subscription …`)"
        if auth == "azure-cli"
        else "Sign in with `az login`, or set AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET"
    )
    return (
        f"Microsoft Entra ID sign-in failed (tried: {chain}): {reason} {fix}; the identity needs the "
        "'Cognitive Services OpenAI User' (or Contributor) role on the resource."
    )
