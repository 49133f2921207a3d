"""Shared pieces of the route modules: the emulator state, JSON/paging helpers."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from aoft_tui.emulator.errors import bad_request
from aoft_tui.emulator.events import EventIndex
from aoft_tui.emulator.faults import Faults
from aoft_tui.emulator.store import Store
from aoft_tui.emulator.tokens import TokenIssuer


@dataclass
class EmulatorState:
    store: Store
    api_key: str
    faults: Faults
    strict_spec: bool = (
        False  # True: only the spec's shapes (contract tests); False: the live service's habits
    )
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


# System.Text.Json's default MaxDepth, what a .NET front end accepts; far above any real body.
MAX_JSON_DEPTH = 64


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise bad_request("The request body is empty; a JSON object is required.")
    too_deep = False
    try:
        body = json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except _NotFinite as exc:
        raise bad_request(
            f"The request body holds {exc.args[0]}, which is not a finite number; use a "
            "finite number (e.g. 0.5)."
        ) from None
    except RecursionError:
        body, too_deep = None, True  # nested too deeply even for the parser
    except ValueError as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}.") from None
    if too_deep or _too_deep(body):
        raise bad_request(
            f"The request body is nested more than {MAX_JSON_DEPTH} levels deep; "
            "a fine-tuning request needs only a few."
        )
    return body


async def json_object_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object: what every create and import route takes."""
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


class _NotFinite(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 overflows to inf: a job holding it could never be listed
        raise _NotFinite(text)
    return value


def _too_deep(body: Any) -> bool:
    stack = [(body, 1)]
    while stack:  # iterative: the check itself must not recurse
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


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


def page_after(
    items: list, after: str | None, limit: int, key=lambda x: x.id, *, unknown_is_empty: bool = False
) -> tuple[list, bool]:
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
    chosen = items[start : start + limit]
    return chosen, start + limit < len(items)


def list_body(data: list, has_more: bool | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"object": "list", "data": data}
    if has_more is not None:
        body["has_more"] = has_more
    return body
