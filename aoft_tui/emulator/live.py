"""Habits of the live Azure OpenAI service that the Swagger spec does not describe.

Each one is kept as a real shape in tests/fixtures/azure-real/ (with its public source in
SOURCE.md); the emulator shows them unless it runs with `strict_spec` (contract tests):

- every response carries `apim-request-id` and `x-request-id` (what a support ticket needs)
  and `x-ms-region`;
- gateway errors are `{"error": {"code": "<status>", "message": ...}}` (errors.py);
- a 429 says "Please retry after N seconds" and carries `x-ratelimit-*` headers (faults.py);
- training tiers (`trainingType`) are enforced per model and region (job_create.py).
"""

from __future__ import annotations

import uuid
from typing import Any

# The emulated resource's region: Standard (regional) training exists here only for the
# models whose `standard_regions` name it (domain/catalog.py).
REGION = "East US 2"


def request_id_headers() -> list[tuple[bytes, bytes]]:
    request_id = str(uuid.uuid4())
    return [
        (b"apim-request-id", request_id.encode()),
        (b"x-request-id", request_id.encode()),
        (b"x-ms-region", REGION.encode()),
    ]


def rate_limit_headers() -> list[tuple[bytes, bytes]]:
    """What Azure sends with a 429 besides Retry-After (values: an exhausted quota)."""
    return [(b"x-ratelimit-remaining-requests", b"0"), (b"x-ratelimit-remaining-tokens", b"0")]


def rate_limit_message(operation: str, api_version: str | None, seconds: float) -> str:
    version = f" under Azure OpenAI API version {api_version}" if api_version else ""
    return (
        f"Requests to the {operation} Operation{version} have exceeded call rate limit of your current "
        f"OpenAI S0 pricing tier. Please retry after {seconds:g} seconds. Please go here: "
        "https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."
    )


class LiveHeaders:
    """ASGI layer adding the request-id and region headers to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = request_id_headers()

        async def send_with_ids(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_ids)
