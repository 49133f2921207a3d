"""Azure-style error bodies: {"error": {"code", "message", "param", "type"}}.

Codes come from the spec's ErrorCode enum (invalidPayload, notFound, unauthorized, …) so
every error body validates against its ErrorResponse definition.

The live service's gateway (API Management) answers some errors itself, in a shorter shape:
`{"error": {"code": "404", "message": "Resource not found"}}` — the HTTP status as a string,
no `param`, no `type` (tests/fixtures/azure-real/). Errors marked `gateway=True` take that
shape unless the emulator runs with `strict_spec`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

# Azure's exact 401 text (data plane, key auth).
ACCESS_DENIED = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
    "valid key for an active subscription and use a correct regional API endpoint for your resource."
)
RESOURCE_NOT_FOUND = "Resource not found"
_GATEWAY_MESSAGES = {401: ACCESS_DENIED, 404: RESOURCE_NOT_FOUND}


class ApiError(Exception):
    """Raised by handlers; turned into an Azure error response by the app."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        param: str | None = None,
        type_: str | None = None,
        headers: dict[str, str] | None = None,
        gateway: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.type = type_ or _default_type(status)
        self.headers = headers or {}
        self.gateway = gateway

    def body(self, *, strict_spec: bool = True) -> dict[str, Any]:
        if self.gateway and not strict_spec:
            return {
                "error": {
                    "code": str(self.status),
                    "message": _GATEWAY_MESSAGES.get(self.status, self.message),
                }
            }
        return {"error": {"code": self.code, "message": self.message, "param": self.param, "type": self.type}}

    def response(self, *, strict_spec: bool = True) -> JSONResponse:
        return JSONResponse(self.body(strict_spec=strict_spec), status_code=self.status, headers=self.headers)


def _default_type(status: int) -> str:
    if status == 401:
        return "authentication_error"
    if status == 429:
        return "rate_limit_error"
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


def bad_request(message: str, *, param: str | None = None, code: str = "invalidPayload") -> ApiError:
    return ApiError(400, code, message, param=param)


def not_found(message: str, *, param: str | None = None) -> ApiError:
    return ApiError(404, "notFound", message, param=param)


def wrong_state(message: str) -> ApiError:
    return ApiError(400, "unexpectedEntityState", message)


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", ACCESS_DENIED, gateway=True)


def gateway_not_found(message: str = RESOURCE_NOT_FOUND, *, param: str | None = None) -> ApiError:
    """A 404 the live gateway answers as a bare "Resource not found" (wrong path, wrong or
    missing api-version, unknown job); `message`/`param` are kept for --strict-spec."""
    return ApiError(404, "notFound", message, param=param, gateway=True)
