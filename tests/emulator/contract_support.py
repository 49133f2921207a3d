"""Hold the emulator to the official Azure OpenAI spec (Swagger 2.0) in `spec/azure-openai/`.

- `load_spec(api_version)` turns the spec's `definitions` into Draft-4 JSON Schemas (Swagger 2.0's
  schema dialect) and builds one validator per (operationId, status).
- `ResponseRecorder` records every HTTP exchange of an httpx2 client (the openai SDK's transport or a
  raw client) and `check()` validates each response against its operation, matched by method + path
  (`/openai/...` and `/openai/v1/...`; the spec of the request's api-version): declared status, body
  schema, media type in the operation's `produces`, declared headers (the 201s' `Location`).

Swagger quirks, and how each is handled (never looser than the spec, except the one Azure habit):
- Azure sends `null` for absent optional fields although the spec never marks them nullable: a
  property NOT in `required` also accepts `null`. Required fields stay non-null; types and enums stay
  strict (`x-ms-enum.modelAsString` is not read as "any string").
- `x-nullable: true` (AutoRest's nullable) accepts `null`.
- Formats: `int32`/`int64` are range-checked; others (`unixtime`, `double`, `url`, ...) only through
  their `type`.
- `readOnly`, `x-ms-*`, `title`, `description`: annotations, no effect on responses.
- `discriminator`: a reference to a polymorphic base validates as the subtype its discriminator value
  names (`x-ms-discriminator-value`, else the definition's name), or as the base when none matches.
- `allOf`: plain JSON-Schema conjunction (Swagger inheritance).
- Responses: a 2xx status must be declared for the operation; any other status uses `default`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx2
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT4

SPEC_ROOT = Path(__file__).resolve().parents[2] / "spec" / "azure-openai"
DEFAULT_API_VERSION = "2025-04-01-preview"
_DEFINITIONS_PREFIX = "#/definitions/"
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


# ---------------------------------------------------------------- Swagger 2.0 → Draft-4 schemas


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, (low, high) in _INT_RANGES.items():

        def in_range(value: object, low: int = low, high: int = high) -> bool:
            # Only integers carry the format; `type` reports anything else.
            return not isinstance(value, int) or isinstance(value, bool) or low <= value <= high

        checker.checks(name)(in_range)
    return checker


FORMAT_CHECKER = _format_checker()


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [{"type": "null"}, schema]}


def _transform(node: Any) -> Any:
    """Copy of one Swagger schema node as Draft-4 JSON Schema (see the module docstring)."""
    if isinstance(node, list):
        return [_transform(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _transform(value) for key, value in node.items() if key not in ("properties", "example")}
    required = set(node.get("required", []))
    properties = node.get("properties", {})
    if "properties" in node:
        out["properties"] = {
            name: (_transform(sub) if name in required else _nullable(_transform(sub)))
            for name, sub in properties.items()
        }
    # A field required here but declared in an allOf member was relaxed there: re-tighten it.
    inherited_required = sorted(required - set(properties))
    if inherited_required:
        guard = {"properties": {name: {"not": {"type": "null"}} for name in inherited_required}}
        out = {"allOf": [out, guard]}
    if node.get("x-nullable") is True:
        out = _nullable(out)
    return out


def _subtypes(definitions: dict[str, Any], base: str) -> dict[str, str]:
    """Discriminator value → name of each definition that inherits `base` directly through allOf."""
    found = {}
    for name, schema in definitions.items():
        parents = [item.get("$ref") for item in schema.get("allOf", []) if isinstance(item, dict)]
        if f"{_DEFINITIONS_PREFIX}{base}" in parents:
            found[schema.get("x-ms-discriminator-value", name)] = name
    return found


def draft4_definitions(definitions: dict[str, Any]) -> dict[str, Any]:
    """All of the spec's definitions as Draft-4 schemas, polymorphic bases dispatching on their
    discriminator. Subtypes keep inheriting from the plain base (`<Name>.base`) so that the
    dispatch does not recurse."""
    source = copy.deepcopy(definitions)
    out: dict[str, Any] = {}
    for base, schema in definitions.items():
        prop = schema.get("discriminator")
        subtypes = _subtypes(definitions, base) if prop else {}
        if not subtypes:
            continue
        plain = f"{base}.base"
        for sub in subtypes.values():
            for item in source[sub]["allOf"]:
                if item.get("$ref") == f"{_DEFINITIONS_PREFIX}{base}":
                    item["$ref"] = f"{_DEFINITIONS_PREFIX}{plain}"
        branches = [
            {
                "required": [prop],
                "properties": {prop: {"enum": [value]}},
                "allOf": [{"$ref": f"{_DEFINITIONS_PREFIX}{sub}"}],
            }
            for value, sub in subtypes.items()
        ]
        branches.append(
            {
                "properties": {prop: {"not": {"enum": list(subtypes)}}},
                "allOf": [{"$ref": f"{_DEFINITIONS_PREFIX}{plain}"}],
            }
        )
        out[base] = {"anyOf": branches}
        out[plain] = _transform({k: v for k, v in schema.items() if k != "discriminator"})
    for name, schema in source.items():
        out.setdefault(name, _transform(schema))
    return out


# ---------------------------------------------------------------- operations and validators


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    responses: dict[str, dict[str, Any] | None]  # status or "default" → Swagger schema (None: no body)
    headers: dict[str, list[str]]  # status → response headers the spec declares (e.g. Location)
    produces: tuple[str, ...]  # the media types its responses may have


class Spec:
    """One spec version: its operations and a validator per response schema."""

    def __init__(self, api_version: str) -> None:
        self.api_version = api_version
        self.path = SPEC_ROOT / api_version / "azureopenai.json"
        self.document = json.loads(self.path.read_text(encoding="utf-8"))
        self.uri = f"urn:azure-openai-spec:{api_version}"
        root = {"definitions": draft4_definitions(self.document["definitions"])}
        self._registry = Registry().with_resource(self.uri, DRAFT4.create_resource(root))
        self.operations = list(self._operations())

    def _operations(self) -> Iterator[Operation]:
        # Literal paths first, so that /files/import never counts as /files/{file-id}.
        for template in sorted(self.document["paths"], key=lambda t: (t.count("{"), t)):
            regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            for method, op in self.document["paths"][template].items():
                if method == "parameters":
                    continue
                responses = {status: resp.get("schema") for status, resp in op["responses"].items()}
                headers = {status: list(resp.get("headers", {})) for status, resp in op["responses"].items()}
                pattern = re.compile(f"^{regex}$")
                produces = tuple(op.get("produces", self.document.get("produces", ["application/json"])))
                yield Operation(
                    op["operationId"], method.upper(), template, pattern, responses, headers, produces
                )

    def operation(self, operation_id: str) -> Operation:
        return next(op for op in self.operations if op.operation_id == operation_id)

    def match(self, method: str, path: str) -> Operation | None:
        """The operation answering `method path`; `path` is relative to `{endpoint}/openai`."""
        return next((op for op in self.operations if op.method == method and op.pattern.match(path)), None)

    @cache  # noqa: B019 - specs live for the whole session
    def validator(self, schema_json: str) -> Draft4Validator:
        schema = _transform(json.loads(schema_json))
        schema = _rebase_refs(schema, self.uri)
        return Draft4Validator(schema, registry=self._registry, format_checker=FORMAT_CHECKER)

    def validator_for(self, operation_id: str, status: int) -> tuple[str, Draft4Validator | None]:
        """(declared status key, validator or None for a body-less response) for one response."""
        responses = self.operation(operation_id).responses
        key = str(status)
        if key not in responses:
            if 200 <= status < 300:
                declared = sorted(k for k in responses if k != "default")
                raise AssertionError(f"{operation_id}: status {status} is not declared (spec: {declared})")
            key = "default"
        schema = responses[key]
        if schema is None or schema.get("type") == "file":
            return key, None
        return key, self.validator(json.dumps(schema, sort_keys=True))


def _rebase_refs(node: Any, uri: str) -> Any:
    if isinstance(node, list):
        return [_rebase_refs(item, uri) for item in node]
    if isinstance(node, dict):
        return {k: (f"{uri}{v}" if k == "$ref" else _rebase_refs(v, uri)) for k, v in node.items()}
    return node


@cache
def load_spec(api_version: str = DEFAULT_API_VERSION) -> Spec:
    return Spec(api_version)


def spec_for(api_version: str | None) -> Spec:
    """The spec a request was made against; the newest one for /openai/v1 or unknown versions."""
    if api_version and (SPEC_ROOT / api_version / "azureopenai.json").is_file():
        return load_spec(api_version)
    return load_spec(DEFAULT_API_VERSION)


def schema_errors(validator: Draft4Validator, body: Any) -> list[str]:
    def where(error) -> str:
        return "/".join(str(p) for p in error.absolute_path) or "<body>"

    errors = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    return [f"at {where(_best(e))}: {_best(e).message}" for e in errors]


def _best(error):
    """The most specific cause of an anyOf failure, skipping our own `null` alternative."""
    causes = [e for e in error.context if e.validator_value != "null"] if error.context else []
    return _best(best_match(causes)) if causes else error


def definition_errors(definition: str, body: Any, api_version: str = DEFAULT_API_VERSION) -> list[str]:
    """Validate `body` against `#/definitions/<definition>` (examples and direct checks)."""
    spec = load_spec(api_version)
    return schema_errors(spec.validator(json.dumps({"$ref": f"{_DEFINITIONS_PREFIX}{definition}"})), body)


# ---------------------------------------------------------------- recording exchanges


@dataclass
class Exchange:
    """One request and the emulator's response, as seen on the wire."""

    method: str
    url: httpx2.URL
    request_body: bytes
    status: int
    headers: httpx2.Headers
    body: bytes

    @property
    def api_path(self) -> str:
        """The path relative to `{endpoint}/openai` (also for the `/openai/v1` surface)."""
        path = self.url.path
        for prefix in ("/openai/v1", "/openai"):
            if path == prefix or path.startswith(prefix + "/"):
                return path[len(prefix) :] or "/"
        return path

    @property
    def api_version(self) -> str | None:
        return self.url.params.get("api-version")

    def json(self) -> Any:
        return json.loads(self.body)

    def __str__(self) -> str:
        return f"{self.method} {self.url.path}?{self.url.query.decode()} → {self.status}"


@dataclass
class ResponseRecorder:
    """Records every exchange of the clients it makes; `check()` validates them all."""

    exchanges: list[Exchange] = field(default_factory=list)

    def _on_response(self, response: httpx2.Response) -> None:
        response.read()  # the SDK reads it again from the buffer
        request = response.request
        try:
            sent = request.content
        except httpx2.RequestNotRead:  # a streamed multipart upload
            sent = b""
        self.exchanges.append(
            Exchange(
                request.method, request.url, sent, response.status_code, response.headers, response.content
            )
        )

    def http_client(self, **kwargs: Any) -> httpx2.Client:
        return httpx2.Client(event_hooks={"response": [self._on_response]}, **kwargs)

    def openai_client(
        self, emulator: Any, *, api_version: str = DEFAULT_API_VERSION, api_key: str | None = None
    ):
        from openai import AzureOpenAI

        return AzureOpenAI(
            azure_endpoint=emulator.endpoint,
            api_key=api_key or emulator.api_key,
            api_version=api_version,
            max_retries=0,
            http_client=self.http_client(timeout=10),
        )

    def raw_client(
        self, emulator: Any, *, api_version: str | None = DEFAULT_API_VERSION, headers: dict | None = None
    ):
        """httpx2 client on `{endpoint}/openai` with the key and `api-version` set (override per call)."""
        params = {"api-version": api_version} if api_version else {}
        all_headers = {"api-key": emulator.api_key, **(headers or {})}
        return self.http_client(
            base_url=f"{emulator.endpoint}/openai", params=params, headers=all_headers, timeout=10
        )

    def problems(self, exchange: Exchange) -> list[str]:
        spec = spec_for(exchange.api_version)
        op = spec.match(exchange.method, exchange.api_path)
        if op is None:
            return [f"{exchange}: no operation of spec {spec.api_version} matches"]
        try:
            _, validator = spec.validator_for(op.operation_id, exchange.status)
        except AssertionError as err:
            return [f"{exchange}: {err}"]
        missing_headers = [
            f"{exchange}: {op.operation_id} {exchange.status} lacks the {name} header (an absolute URL) the spec declares"
            for name in op.headers.get(str(exchange.status), [])
            if not exchange.headers.get(name, "").startswith(("http://", "https://"))
        ]
        return missing_headers + self._body_problems(exchange, op, validator)

    @staticmethod
    def _body_problems(exchange: Exchange, op: Operation, validator: Draft4Validator | None) -> list[str]:
        if exchange.status == 204:
            return (
                [f"{exchange}: {op.operation_id} 204 must have no body, got {exchange.body[:80]!r}"]
                if exchange.body
                else []
            )
        content_type = exchange.headers.get("content-type", "").split(";")[0].strip()
        expected = ("application/json",) if validator else op.produces
        if content_type not in expected:
            return [
                f"{exchange}: {op.operation_id} content-type {content_type!r}, spec produces {' or '.join(expected)}"
            ]
        if validator is None:
            return []
        try:
            body = exchange.json()
        except ValueError:
            return [f"{exchange}: body is not JSON: {exchange.body[:120]!r}"]
        return [f"{exchange} [{op.operation_id}] {msg}" for msg in schema_errors(validator, body)]

    def operation_ids(self) -> set[tuple[str, int]]:
        """(operationId, status) of every recorded exchange that matched an operation."""
        seen = set()
        for ex in self.exchanges:
            op = spec_for(ex.api_version).match(ex.method, ex.api_path)
            if op:
                seen.add((op.operation_id, ex.status))
        return seen

    def check(self) -> None:
        """Fail with every violation of every recorded response (not just the first)."""
        assert self.exchanges, "no HTTP exchange was recorded"
        problems = [p for ex in self.exchanges for p in self.problems(ex)]
        assert not problems, "responses violate the spec:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------- scenario helpers

TERMINAL_JOB_STATES = {"succeeded", "failed", "cancelled"}


def chat_jsonl(examples: int = 12) -> bytes:
    """A small, valid chat-format training file (Azure wants at least 10 examples)."""
    lines = [
        {
            "messages": [
                {"role": "system", "content": "You answer in one short sentence."},
                {"role": "user", "content": f"What is {i} plus {i}?"},
                {"role": "assistant", "content": f"{i} plus {i} is {2 * i}."},
            ]
        }
        for i in range(examples)
    ]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def upload(
    client: httpx2.Client, data: bytes, *, name: str = "train.jsonl", purpose: str = "fine-tune"
) -> httpx2.Response:
    return client.post("/files", data={"purpose": purpose}, files={"file": (name, data, "application/jsonl")})


def poll_until(emulator: Any, fetch, done, *, step: float = 120.0, max_steps: int = 500) -> dict:
    """Advance the simulated clock by `step` until `done(fetch())`; the last body fetched."""
    body = fetch()
    for _ in range(max_steps):
        if done(body):
            return body
        emulator.advance(step)
        body = fetch()
    raise AssertionError(f"not done after {step * max_steps:.0f} simulated seconds: {body}")


def processed_file(client: httpx2.Client, emulator: Any, data: bytes | None = None, **kwargs: Any) -> dict:
    """Upload a file and wait until the service processed it (status `processed`)."""
    response = upload(client, data if data is not None else chat_jsonl(), **kwargs)
    assert response.status_code == 201, response.text
    file_id = response.json()["id"]
    body = poll_until(
        emulator,
        lambda: client.get(f"/files/{file_id}").json(),
        lambda f: f["status"] in ("processed", "error"),
        step=5,
    )
    assert body["status"] == "processed", body
    return body
