"""Azure-style error bodies: {"error": {"code", "message", "param", "type"}}.

Codes come from the spec's ErrorCode enum (invalidPayload, notFound, unauthorized, …) so
every error body validates against its ErrorResponse definition.
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
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.type = type_ or _default_type(status)
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "param": self.param, "type": self.type}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


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
    return ApiError(401, "unauthorized", ACCESS_DENIED)
