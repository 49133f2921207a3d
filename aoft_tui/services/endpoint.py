"""The resource endpoint: normalised the way the SDK wants it, checked before first use."""

from __future__ import annotations

from urllib.parse import urlsplit

from aoft_tui.services.settings import ConfigError


def normalise_endpoint(endpoint: str) -> str:
    """The resource URL as the SDK wants it: no trailing slash, no `/openai` (the SDK adds it).

    People often paste `https://x.openai.azure.com/openai/` or `…/openai/v1` from docs.
    """
    url = endpoint.strip().rstrip("/")
    for tail in ("/openai/v1", "/openai"):
        if url.lower().endswith(tail):
            url = url[: -len(tail)]
    return url


def checked_endpoint(endpoint: str) -> str:
    """The normalised endpoint, or ConfigError saying what a valid one looks like."""
    url = normalise_endpoint(endpoint)
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ConfigError(
            f"AZURE_OPENAI_ENDPOINT must be a URL like https://<resource>.openai.azure.com (got {endpoint!r})."
        )
    return url
