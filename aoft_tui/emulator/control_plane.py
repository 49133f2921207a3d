"""A stand-in for Azure Resource Manager's Cognitive Services deployments API.

    /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/
        accounts/{account}/deployments[/{name}]            GET (list, one), PUT, DELETE
    /subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{loc}/
        operationResults/{op}                                   the PUT's long-running operation

In ARM's manner: Bearer auth (the emulator takes its API key as the token — ARM itself never
accepts keys), an `api-version` it knows, error bodies `{"error": {"code", "message"}}`,
PUT answers 201 with `Azure-AsyncOperation` and `Location` headers while the deployment is
`Creating`, and the operation reads `InProgress` until provisioning has Succeeded.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aoft_tui.domain import catalog
from aoft_tui.emulator.control_plane_state import (
    ACCOUNT_NAME,
    BASE_SKUS,
    FINE_TUNED_SKUS,
    FINE_TUNED_VERSION,
    LOCATION,
    MAX_FINE_TUNED_DEPLOYMENTS,
    RESOURCE_GROUP,
    SUBSCRIPTION_ID,
    DeploymentRec,
    DeploymentRegistry,
)

# Versions of Microsoft.CognitiveServices the stand-in answers (the SDK 14.x sends 2025-09-01).
ARM_API_VERSIONS = frozenset({"2023-05-01", "2024-10-01", "2025-04-01-preview", "2025-06-01", "2025-09-01"})
PROVIDER = "Microsoft.CognitiveServices"
_ACCOUNT_PATH = (
    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}"
)


def arm_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class ArmGate:
    """Bearer token and api-version, checked before any route (ARM's order and codes)."""

    def __init__(self, app: Any, api_key: str) -> None:
        self.app = app
        self.api_key = api_key

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        error = self._check(scope)
        if error is not None:
            await error(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _check(self, scope: dict) -> JSONResponse | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth = headers.get("authorization", "")
        challenge = {
            "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", '
            'error="invalid_token"'
        }
        if not auth:
            return arm_error(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                challenge,
            )
        if not auth.lower().startswith("bearer "):
            return arm_error(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                challenge,
            )
        token = auth[7:].strip()
        if not secrets.compare_digest(token.encode(), self.api_key.encode()):
            return arm_error(401, "InvalidAuthenticationToken", "The access token is invalid.", challenge)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        version = (query.get("api-version") or [None])[0]
        if not version:
            return arm_error(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        if version not in ARM_API_VERSIONS:
            return arm_error(
                400,
                "NoRegisteredProviderFound",
                f"No registered resource provider found for location '{LOCATION}' and API version "
                f"'{version}' for type 'accounts'. The supported api-versions are "
                f"'{', '.join(sorted(ARM_API_VERSIONS))}'.",
            )
        return None


def _registry(request: Request) -> DeploymentRegistry:
    return request.app.state.deployments


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _resource_id(name: str) -> str:
    base = _ACCOUNT_PATH.format(sub=SUBSCRIPTION_ID, rg=RESOURCE_GROUP, account=ACCOUNT_NAME)
    return f"{base}/deployments/{name}"


def deployment_json(rec: DeploymentRec, now: float) -> dict[str, Any]:
    return {
        "id": _resource_id(rec.name),
        "name": rec.name,
        "type": f"{PROVIDER}/accounts/deployments",
        "sku": {"name": rec.sku, "capacity": rec.capacity},
        "systemData": {
            "createdAt": _iso(rec.created_at),
            "createdByType": "User",
            "lastModifiedAt": _iso(rec.created_at),
            "lastModifiedByType": "User",
        },
        "etag": f'"{rec.operation_id}"',
        "properties": {
            "model": {"format": "OpenAI", "name": rec.model, "version": rec.version},
            "provisioningState": rec.state(now),
            "versionUpgradeOption": "NoAutoUpgrade",
            "capabilities": {"chatCompletion": "true"},
            "rateLimits": [{"key": "request", "renewalPeriod": 10, "count": rec.capacity * 10}],
        },
    }


def _check_scope(request: Request) -> JSONResponse | None:
    p = request.path_params
    if p["sub"] != SUBSCRIPTION_ID:
        return arm_error(404, "SubscriptionNotFound", f"The subscription '{p['sub']}' could not be found.")
    if p["rg"].lower() != RESOURCE_GROUP:
        return arm_error(404, "ResourceGroupNotFound", f"Resource group '{p['rg']}' could not be found.")
    if p["account"].lower() != ACCOUNT_NAME:
        return arm_error(
            404,
            "ResourceNotFound",
            f"The Resource '{PROVIDER}/accounts/{p['account']}' under "
            f"resource group '{p['rg']}' was not found.",
        )
    return None


async def list_deployments(request: Request) -> Response:
    if (error := _check_scope(request)) is not None:
        return error
    registry = _registry(request)
    now = registry.now()
    return JSONResponse({"value": [deployment_json(d, now) for d in registry.all()]})


async def get_deployment(request: Request) -> Response:
    if (error := _check_scope(request)) is not None:
        return error
    registry = _registry(request)
    rec = registry.get(request.path_params["name"])
    if rec is None:
        return _not_found(request.path_params["name"])
    return JSONResponse(deployment_json(rec, registry.now()))


def _not_found(name: str) -> JSONResponse:
    return arm_error(
        404, "DeploymentNotFound", f"Deployment '{name}' does not exist on account '{ACCOUNT_NAME}'."
    )


async def put_deployment(request: Request) -> Response:
    if (error := _check_scope(request)) is not None:
        return error
    name = request.path_params["name"]
    try:
        body = await request.json()
    except ValueError:
        return arm_error(
            400, "InvalidRequestContent", "The request content was invalid and could not be deserialized."
        )
    parsed = _parse_put(name, body)
    if isinstance(parsed, JSONResponse):
        return parsed
    model, version, sku, capacity = parsed
    registry = _registry(request)
    fine_tuned = version == FINE_TUNED_VERSION or ".ft-" in model
    with registry.lock:
        refusal = _refusal(registry, name, model, version, sku, fine_tuned)
        if refusal is not None:
            return refusal
        existing = registry.get(name)
        if existing is not None:  # the same PUT again: idempotent, nothing new is created
            return JSONResponse(
                deployment_json(existing, registry.now()),
                status_code=200,
                headers=_lro_headers(request, existing),
            )
        rec = registry.create(name, model, version, sku, capacity, fine_tuned=fine_tuned)
    return JSONResponse(
        deployment_json(rec, registry.now()), status_code=201, headers=_lro_headers(request, rec)
    )


def _parse_put(name: str, body: Any) -> tuple[str, str, str, int] | JSONResponse:
    def invalid(message: str) -> JSONResponse:
        return arm_error(400, "InvalidResourceProperties", message)

    if not isinstance(body, dict):
        return invalid("The request body must be a JSON object with 'sku' and 'properties'.")
    if not (2 <= len(name) <= 64) or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        return arm_error(
            400,
            "InvalidResourceName",
            f"The resource name '{name}' is invalid. Use 2-64 letters, digits, '-', '_' or '.'.",
        )
    sku = body.get("sku") or {}
    model = (body.get("properties") or {}).get("model") or {}
    if not isinstance(sku, dict) or not isinstance(model, dict) or not model.get("name"):
        return invalid("properties.model.name and sku.name are required.")
    if model.get("format") != "OpenAI":
        return invalid(f"The model format '{model.get('format')}' is not supported; use 'OpenAI'.")
    capacity = sku.get("capacity", 1)
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
        return invalid(f"The capacity '{capacity}' is invalid; it must be a whole number of at least 1.")
    return str(model["name"]), str(model.get("version") or ""), str(sku.get("name") or ""), capacity


def _refusal(
    registry: DeploymentRegistry, name: str, model: str, version: str, sku: str, fine_tuned: bool
) -> JSONResponse | None:
    existing = registry.get(name)
    if existing is not None and (existing.model, existing.version) != (model, version):
        return arm_error(
            409,
            "Conflict",
            f"The deployment name '{name}' is already used by model "
            f"'{existing.model}' version '{existing.version}'. Choose another name, or delete "
            "that deployment first.",
        )
    if fine_tuned:
        if registry.fine_tuned_source(model) is None:
            return arm_error(
                400,
                "DeploymentModelNotSupported",
                f"The model '{model}' version '{version}' is not a fine-tuned model of this "
                "resource (no succeeded fine-tuning job produced it), so it cannot be deployed.",
            )
        if sku not in FINE_TUNED_SKUS:
            return arm_error(
                400,
                "InvalidResourceProperties",
                f"The specified SKU '{sku}' for model '{model} {version}' is not supported. "
                f"Fine-tuned models deploy with: {', '.join(FINE_TUNED_SKUS)}.",
            )
        if existing is None and registry.fine_tuned_count() >= MAX_FINE_TUNED_DEPLOYMENTS:
            return arm_error(
                409,
                "InsufficientQuota",
                f"This resource already has {MAX_FINE_TUNED_DEPLOYMENTS} fine-tuned model "
                "deployments, the most allowed. Delete one before deploying another.",
            )
        return None
    base = catalog.lookup(model)
    if base is None or base.family != model:
        return arm_error(
            400,
            "DeploymentModelNotSupported",
            f"The model '{model}' version '{version}' is neither a base model nor a fine-tuned model "
            "of this resource. A fine-tuned model deploys with version '1'.",
        )
    if sku not in BASE_SKUS:
        return arm_error(
            400,
            "InvalidResourceProperties",
            f"The specified SKU '{sku}' for model '{model} {version}' is not supported. "
            f"Use one of: {', '.join(BASE_SKUS)}.",
        )
    return None


def _lro_headers(request: Request, rec: DeploymentRec) -> dict[str, str]:
    version = request.query_params.get("api-version", "")
    base = str(request.base_url).rstrip("/")
    op = (
        f"{base}/subscriptions/{SUBSCRIPTION_ID}/providers/{PROVIDER}/locations/{LOCATION}/"
        f"operationResults/{rec.operation_id}?api-version={version}"
    )
    return {"Azure-AsyncOperation": op, "Location": op}


async def delete_deployment(request: Request) -> Response:
    if (error := _check_scope(request)) is not None:
        return error
    existed = _registry(request).delete(request.path_params["name"])
    return Response(status_code=200 if existed else 204)


async def operation_status(request: Request) -> Response:
    op_id = request.path_params["op"]
    registry = _registry(request)
    now = registry.now()
    for rec in registry.all():
        if rec.operation_id == op_id:
            done = rec.state(now) == "Succeeded"
            return JSONResponse(
                {
                    "id": str(request.url.path),
                    "name": op_id,
                    "status": "Succeeded" if done else "InProgress",
                    "startTime": _iso(rec.created_at),
                }
            )
    # The deployment was deleted while it was being created: the operation ends, cancelled.
    return JSONResponse(
        {
            "id": str(request.url.path),
            "name": op_id,
            "status": "Canceled",
            "error": {
                "code": "OperationCanceled",
                "message": "The deployment was deleted before it finished provisioning.",
            },
        }
    )


async def list_accounts(request: Request) -> Response:
    """The subscription's Cognitive Services accounts: this emulator's (its endpoint is the
    emulator's own address, so a client can find it by endpoint) and an unrelated one."""
    if request.path_params["sub"] != SUBSCRIPTION_ID:
        return arm_error(
            404,
            "SubscriptionNotFound",
            f"The subscription '{request.path_params['sub']}' could not be found.",
        )
    own = str(request.base_url).rstrip("/") + "/"
    accounts = [
        (RESOURCE_GROUP, ACCOUNT_NAME, "OpenAI", own, {"OpenAI Language Model Instance API": own}),
        ("other-rg", "speech-westus", "SpeechServices", "https://westus.api.cognitive.microsoft.com/", {}),
    ]
    return JSONResponse(
        {
            "value": [
                {
                    "id": _ACCOUNT_PATH.format(sub=SUBSCRIPTION_ID, rg=rg, account=name),
                    "name": name,
                    "type": f"{PROVIDER}/accounts",
                    "location": LOCATION,
                    "kind": kind,
                    "sku": {"name": "S0"},
                    "properties": {
                        "endpoint": endpoint,
                        "endpoints": endpoints,
                        "provisioningState": "Succeeded",
                        "customSubDomainName": name,
                    },
                }
                for rg, name, kind, endpoint, endpoints in accounts
            ]
        }
    )


_DEPLOYMENTS = _ACCOUNT_PATH + "/deployments"
ROUTES = [
    Route(
        "/subscriptions/{sub}/providers/Microsoft.CognitiveServices/accounts", list_accounts, methods=["GET"]
    ),
    Route(_DEPLOYMENTS, list_deployments, methods=["GET"]),
    Route(_DEPLOYMENTS + "/{name}", get_deployment, methods=["GET"]),
    Route(_DEPLOYMENTS + "/{name}", put_deployment, methods=["PUT"]),
    Route(_DEPLOYMENTS + "/{name}", delete_deployment, methods=["DELETE"]),
    Route(
        "/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{loc}/operationResults/{op}",
        operation_status,
        methods=["GET"],
    ),
]


def _route_miss(status: int, code: str, message: str):
    async def handler(request: Request, exc: Exception) -> Response:
        return arm_error(status, code, message)

    return handler


def create_arm_app(registry: DeploymentRegistry, *, api_key: str) -> Any:
    app = Starlette(
        routes=ROUTES,
        exception_handlers={
            404: _route_miss(
                404, "NotFound", "The requested resource type or path is not known to this emulator."
            ),
            405: _route_miss(405, "MethodNotAllowed", "The HTTP method is not allowed on this resource."),
        },
    )
    app.state.deployments = registry
    return ArmGate(app, api_key)


class SplitByPath:
    """Sends `/subscriptions/...` to the control plane, everything else to the data plane."""

    def __init__(self, data_plane: Any, control_plane: Any) -> None:
        self.data_plane = data_plane
        self.control_plane = control_plane

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/subscriptions/"):
            await self.control_plane(scope, receive, send)
        else:
            await self.data_plane(scope, receive, send)
