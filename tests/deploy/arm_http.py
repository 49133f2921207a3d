"""Raw HTTP to the emulator's control plane (what the SDK would hide: headers, bodies)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from aoft_tui.emulator import control_plane_state as cps

API_VERSION = "2025-09-01"


def account_url(endpoint: str, *, rg: str = cps.RESOURCE_GROUP) -> str:
    return (
        f"{endpoint}/subscriptions/{cps.SUBSCRIPTION_ID}/resourceGroups/{rg}/providers/"
        f"Microsoft.CognitiveServices/accounts/{cps.ACCOUNT_NAME}"
    )


def call(
    method: str, url: str, *, token: str | None, body: Any = None, api_version: str | None = API_VERSION
) -> tuple[int, dict[str, str], Any]:
    if api_version is not None:
        url += ("&" if "?" in url else "?") + f"api-version={api_version}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                json.loads(raw) if raw else None,
            )
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, {k.lower(): v for k, v in err.headers.items()}, json.loads(raw) if raw else None


def put_body(model: str, sku: str = "Standard", capacity: int = 1, version: str = "1") -> dict[str, Any]:
    return {
        "sku": {"name": sku, "capacity": capacity},
        "properties": {"model": {"format": "OpenAI", "name": model, "version": version}},
    }
