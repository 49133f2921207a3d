"""The ASGI app: routes under /openai/... (api-version required) and /openai/v1/...

Request pipeline (outermost first): FaultMiddleware (injected faults) → AzureGate (auth,
api-version, Azure error bodies for unknown routes) → Starlette routes. After every
mutating request the state is saved when a state dir is configured.
"""

from __future__ import annotations

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
from aoft_tui.emulator.errors import RESOURCE_NOT_FOUND, ApiError, unauthorized
from aoft_tui.emulator.faults import FaultMiddleware, Faults
from aoft_tui.emulator.store import Store

# Data-plane versions Azure OpenAI accepts for the fine-tuning and files APIs.
API_VERSIONS = frozenset({
    "2023-12-01-preview", "2024-02-01", "2024-02-15-preview", "2024-03-01-preview", "2024-04-01-preview",
    "2024-05-01-preview", "2024-06-01", "2024-07-01-preview", "2024-08-01-preview", "2024-09-01-preview",
    "2024-10-01-preview", "2024-10-21", "2024-12-01-preview", "2025-01-01-preview", "2025-02-01-preview",
    "2025-03-01-preview", "2025-04-01-preview",
})
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
            await error.response()(scope, receive, send)
            return
        await self.app(scope, receive, send)
        if scope["method"] in ("POST", "DELETE"):
            self.state.store.save()

    def _check(self, scope: dict, path: str) -> ApiError | None:
        if not path.startswith("/openai/"):
            return ApiError(404, "notFound", RESOURCE_NOT_FOUND)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get("api-key")
        auth = headers.get("authorization", "")
        if key is None and auth.lower().startswith("bearer "):
            key = auth[7:].strip()
        if key is None or not secrets.compare_digest(key.encode(), self.state.api_key.encode()):
            return unauthorized()
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        version = (query.get("api-version") or [None])[0]
        if path.startswith("/openai/v1/"):
            if version is not None and version not in V1_VERSIONS and version not in API_VERSIONS:
                return ApiError(400, "invalidPayload", f"API version '{version}' is not supported by the v1 "
                                "API; omit api-version or use 'preview'.", param="api-version")
            return None
        if version is None or version not in API_VERSIONS:
            # Azure answers both with a bare 404 "Resource not found"; `param` is our hint.
            return ApiError(404, "notFound", RESOURCE_NOT_FOUND, param="api-version")
        return None


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return ApiError(405, "invalidPayload", f"Method {request.method} is not allowed on this path.").response()
    if exc.status_code == 404:
        return ApiError(404, "notFound", RESOURCE_NOT_FOUND).response()
    return ApiError(exc.status_code, "invalidPayload", str(exc.detail)).response()


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # An emulator bug still answers like Azure (clients retry 500s); uvicorn logs the traceback.
    return ApiError(500, "internalFailure", "The server had an error while processing your request.").response()


def create_app(store: Store, *, api_key: str, faults: Faults | None = None) -> Any:
    """The emulator's ASGI app over `store`, accepting `api_key`."""
    routes = routes_files.ROUTES + routes_jobs.ROUTES + routes_models.ROUTES + chat.ROUTES
    state = EmulatorState(store=store, api_key=api_key, faults=faults or Faults())
    app = Starlette(
        routes=[Mount("/openai/v1", routes=routes), Mount("/openai", routes=routes)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected},
    )
    app.state.emulator = state
    # /subscriptions/...: the deployments control plane (ARM), beside the data plane
    from aoft_tui.emulator.control_plane_state import registry_for

    arm = control_plane.create_arm_app(registry_for(store), api_key=api_key)
    return FaultMiddleware(control_plane.SplitByPath(AzureGate(app, state), arm), state.faults)
