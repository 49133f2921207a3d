"""Shared pieces of the route modules: the emulator state, JSON/paging helpers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from aoft_tui.emulator.errors import bad_request
from aoft_tui.emulator.faults import Faults
from aoft_tui.emulator.store import Store
from aoft_tui.emulator.events import EventIndex
from aoft_tui.emulator.tokens import TokenIssuer


@dataclass
class EmulatorState:
    store: Store
    api_key: str
    faults: Faults
    strict_spec: bool = False  # True: only the spec's shapes (contract tests); False: the live service's habits
    events: EventIndex = field(init=False)
    tokens: TokenIssuer = field(default_factory=TokenIssuer)  # Entra-style bearer tokens it issued

    def __post_init__(self) -> None:
        self.events = EventIndex(self.store.metrics_every)


def is_v1(request: Request) -> bool:
    return request.url.path.startswith("/openai/v1/")


def is_ga(request: Request) -> bool:
    """A GA api-version (e.g. 2024-10-21): no pause/resume, no `method`/`integrations` fields."""
    if request.url.path.startswith("/openai/v1/"):
        return False
    version = request.query_params.get("api-version") or ""
    return not version.endswith("-preview")


def state(request: Request) -> EmulatorState:
    return request.app.state.emulator


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise bad_request("The request body is empty; a JSON object is required.")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}.") from None


def int_param(request: Request, name: str, default: int, *, lo: int = 1, hi: int = 10_000) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"Query parameter '{name}' must be an integer.", param=name) from None
    if not lo <= value <= hi:
        raise bad_request(f"Query parameter '{name}' must be between {lo} and {hi}.", param=name)
    return value


def page_after(items: list, after: str | None, limit: int, key=lambda x: x.id, *,
               unknown_is_empty: bool = False) -> tuple[list, bool]:
    """Cursor paging over an already-ordered list: items after the one whose id is `after`.
    A cursor naming no item restarts from the first (the spec says nothing), or with
    `unknown_is_empty` (live mode) answers an empty last page."""
    start = 0
    if after:
        for i, item in enumerate(items):
            if key(item) == after:
                start = i + 1
                break
        else:
            if unknown_is_empty:
                return [], False
    chosen = items[start:start + limit]
    return chosen, start + limit < len(items)


def list_body(data: list, has_more: bool | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"object": "list", "data": data}
    if has_more is not None:
        body["has_more"] = has_more
    return body
