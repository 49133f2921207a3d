"""The ASGI app: routes under /openai/... (api-version required) and /openai/v1/...

Request pipeline (outermost first): FaultMiddleware (injected faults) → AzureGate (auth,
api-version, Azure error bodies for unknown routes) → Starlette routes. A request that
changed the state (any POST/DELETE, or a read that materialised a transition) is saved,
when a state dir is configured, before its answer is sent.

By default the emulator answers like the live service (gateway error bodies, request-id and
region headers: see live.py); `strict_spec=True` keeps to the Swagger spec's shapes only.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount

from aoft_tui.emulator import chat, control_plane, routes_files, routes_jobs, routes_models
from aoft_tui.emulator.context import EmulatorState
from aoft_tui.emulator.errors import ApiError, gateway_not_found, unauthorized
from aoft_tui.emulator.faults import FaultMiddleware, Faults
from aoft_tui.emulator.live import LiveHeaders
from aoft_tui.emulator.store import Store
from aoft_tui.emulator.tokens import InvalidTokenError, TokenIssuer

logger = logging.getLogger(__name__)

# Data-plane versions Azure OpenAI accepts for the fine-tuning and files APIs.
API_VERSIONS = frozenset(
    {
        "2023-12-01-preview",
        "2024-02-01",
        "2024-02-15-preview",
        "2024-03-01-preview",
        "2024-04-01-preview",
        "2024-05-01-preview",
        "2024-06-01",
        "2024-07-01-preview",
        "2024-08-01-preview",
        "2024-09-01-preview",
        "2024-10-01-preview",
        "2024-10-21",
        "2024-12-01-preview",
        "2025-01-01-preview",
        "2025-02-01-preview",
        "2025-03-01-preview",
        "2025-04-01-preview",
    }
)
V1_VERSIONS = frozenset({"preview", "latest", "v1"})


class AzureGate:
    """Auth and api-version checks, in Azure's order and words."""

    def __init__(self, app: Any, state: EmulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        error = self._check(scope, path)
        if error is not None:
            await error.response(strict_spec=self.state.strict_spec)(scope, receive, send)
            return
        await self.app(scope, receive, _saving_first(send, self.state.store, scope["method"]))

    def _check(self, scope: dict, path: str) -> ApiError | InvalidTokenError | None:
        if not path.startswith("/openai/"):
            return gateway_not_found()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get("api-key")
        auth = headers.get("authorization", "")
        if key is None and auth.lower().startswith("bearer "):
            # an Entra token it issued, or (as the v1 API allows) the key itself as a bearer
            token = auth[7:].strip()
            if self.state.tokens.valid(token):
                key = self.state.api_key
            elif not secrets.compare_digest(token.encode(), self.state.api_key.encode()):
                return InvalidTokenError()
            else:
                key = token
        if key is None or not secrets.compare_digest(key.encode(), self.state.api_key.encode()):
            return unauthorized()
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        version = (query.get("api-version") or [None])[0]
        if path.startswith("/openai/v1/"):
            if version is not None and version not in V1_VERSIONS and version not in API_VERSIONS:
                return ApiError(
                    400,
                    "invalidPayload",
                    f"API version '{version}' is not supported by the v1 "
                    "API; omit api-version or use 'preview'.",
                    param="api-version",
                )
            return None
        if version is None or version not in API_VERSIONS:
            # Azure answers both with a bare 404 "Resource not found"; `param` is the strict mode's hint.
            return gateway_not_found(param="api-version")
        return None


def _strict(request: Request) -> bool:
    return request.app.state.emulator.strict_spec


def _saving_first(send: Any, store: Store, method: str) -> Any:
    """`send` that saves a changed state before the answer leaves: a client is never told
    about a job, file or event that a kill -9 right after the answer would lose. A state
    that cannot be written turns the answer into a 500 that says so."""
    failed = False

    async def send_after_save(message: dict) -> None:
        nonlocal failed
        if failed:
            return  # the rest of the original answer is replaced by the error
        if message["type"] == "http.response.start" and (store.unsaved or method in ("POST", "DELETE")):
            try:
                store.save()
            except OSError as exc:
                failed = True
                logger.error("emulator state not saved: %s", exc)
                error = ApiError(
                    500,
                    "internalFailure",
                    "The emulator could not save its state "
                    f"({exc.strerror or exc}); the change is not durable. Free disk space or "
                    "fix the state dir's permissions, then retry.",
                )
                body = json.dumps(error.body()).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await send(message)

    return send_after_save


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response(strict_spec=_strict(request))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return ApiError(
            405, "invalidPayload", f"Method {request.method} is not allowed on this path."
        ).response()
    if exc.status_code == 404:
        return gateway_not_found().response(strict_spec=_strict(request))
    return ApiError(exc.status_code, "invalidPayload", str(exc.detail)).response()


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # An emulator bug still answers like Azure (clients retry 500s); uvicorn logs the traceback.
    return ApiError(
        500, "internalFailure", "The server had an error while processing your request."
    ).response()


def create_app(
    store: Store,
    *,
    api_key: str,
    faults: Faults | None = None,
    tokens: TokenIssuer | None = None,
    strict_spec: bool = False,
) -> Any:
    """The emulator's ASGI app over `store`, accepting `api_key` and the bearer tokens `tokens`
    issues; live-service habits unless `strict_spec`."""
    routes = routes_files.ROUTES + routes_jobs.ROUTES + routes_models.ROUTES + chat.ROUTES
    faults = faults or Faults()
    faults.strict_spec = strict_spec
    state = EmulatorState(
        store=store, api_key=api_key, faults=faults, tokens=tokens or TokenIssuer(), strict_spec=strict_spec
    )
    app = Starlette(
        routes=[Mount("/openai/v1", routes=routes), Mount("/openai", routes=routes)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected},
    )
    app.state.emulator = state
    gate = AzureGate(app, state)
    data_plane = gate if strict_spec else LiveHeaders(gate)
    # /subscriptions/...: the deployments control plane (ARM), beside the data plane
    from aoft_tui.emulator.control_plane_state import registry_for

    arm = control_plane.create_arm_app(registry_for(store), api_key=api_key)
    return FaultMiddleware(control_plane.SplitByPath(data_plane, arm), state.faults)
