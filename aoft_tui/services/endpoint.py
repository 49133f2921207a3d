"""The resource endpoint: normalised the way the SDK wants it, checked before first use,
and shown only through `masked_endpoint` (a URL may carry `user:password@`)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from aoft_tui.services.settings import ConfigError

# Every host form Azure gives an Azure OpenAI resource (classic, multi-service, AI Foundry).
AZURE_HOST_SUFFIXES = (".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com")
EXAMPLE = "https://<resource>.openai.azure.com (or .cognitiveservices.azure.com, .services.ai.azure.com)"


def normalise_endpoint(endpoint: str) -> str:
    """The resource URL as the SDK wants it: no trailing slash, no `/openai…` (the SDK adds it).

    People often paste `https://x.openai.azure.com/openai/`, `…/openai/v1` or a whole request
    URL (`…/openai/deployments/d/chat/completions?api-version=…`) from docs and the portal.
    """
    url = endpoint.strip()
    url = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    lowered = url.lower()
    scheme_end = lowered.find("://")
    at = lowered.find("/openai/", scheme_end + 3 if scheme_end >= 0 else 0)
    if at >= 0:
        url = url[:at]
    elif lowered.endswith("/openai"):
        url = url[: -len("/openai")]
    return url


def masked_endpoint(endpoint: str) -> str:
    """The endpoint as every screen, log and message shows it: credentials in the URL
    (`https://user:pw@host`) become `***@`; anything unparsable is shown by its scheme only."""
    url = endpoint.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or "@" in url and not parts.netloc:
        return url.split("://", 1)[0] + "://***" if "://" in url else "***"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def checked_endpoint(endpoint: str, source: str = "AZURE_OPENAI_ENDPOINT") -> str:
    """The normalised endpoint, or ConfigError naming `source` and what a valid one looks like."""
    url = normalise_endpoint(endpoint)
    shown = masked_endpoint(endpoint)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError as err:
        raise ConfigError(f"{source} is not a valid URL ({err}: {shown!r}). Use {EXAMPLE}.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"{source} must be a URL like {EXAMPLE} (got {shown!r}).")
    return url


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_warnings(endpoint: str) -> list[str]:
    """What to warn about an endpoint that works but is risky: plain http off this machine
    (the key or token travels in clear text)."""
    try:
        parts = urlsplit(normalise_endpoint(endpoint))
        host = parts.hostname
    except ValueError:
        return []
    if parts.scheme == "http" and not is_loopback(host):
        return [
            f"{masked_endpoint(endpoint)} is plain http and not this machine: the key or token is sent "
            "unencrypted. Use https://."
        ]
    return []
