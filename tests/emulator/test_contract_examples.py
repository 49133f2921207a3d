"""Replay each request of the spec's files, uploads and fine-tuning examples against the emulator.

The request is built from the example's `parameters` the way the spec places them (path, query,
body, formData), with the example's ids replaced by ids that exist in the emulator. The response
must be equivalent to the example's: same status, the example's headers, and the same keys with the
same shapes (values differ: ids, timestamps). Keys the example lacks are allowed only when the spec
declares them or they are null (Azure sends null for absent optional fields).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .contract_support import (
    SPEC_ROOT,
    TERMINAL_JOB_STATES,
    ResponseRecorder,
    chat_jsonl,
    load_spec,
    poll_until,
    processed_file,
)

VERSION = "2025-04-01-preview"
VERSIONS = [VERSION, "2024-10-21"]  # the GA examples replay against the GA spec
BASE_MODEL = "gpt-4o-mini-2024-07-18"
EXAMPLE_JOB = "ft-72a2792ef7d24ba7b82c7fe4a37e379f"
EXAMPLE_FILE = "file-181a1cbdcdcf4677ada87f63a0928099"
EXAMPLE_UPLOAD = "fine-tune-72a2792ef7d24ba7b82c7fe4a37e379f"
EXAMPLE_PARTS = ["LnmictL3p0u4LH/ko343nw==", "LmmictL3p0u4LH/ko343nw=="]


class World:
    """The emulator state an example needs, made on demand through the API itself."""

    def __init__(self, emulator, api) -> None:
        self.emulator, self.api = emulator, api

    def training_file(self) -> str:
        return processed_file(self.api, self.emulator)["id"]

    def raw_file(self) -> str:
        files = {"file": ("puppy.jsonl", b"raw file content", "application/octet-stream")}
        return self.api.post("/files", data={"purpose": "fine-tune"}, files=files).json()["id"]

    def job(self, *, until: set[str] | None = None) -> dict:
        body = {
            "model": BASE_MODEL,
            "training_file": self.training_file(),
            "validation_file": self.training_file(),
        }
        created = self.api.post("/fine_tuning/jobs", json=body)
        assert created.status_code == 201, created.text
        return self.wait(created.json()["id"], until) if until else created.json()

    def wait(self, job_id: str, states: set[str]) -> dict:
        fetch = lambda: self.api.get(f"/fine_tuning/jobs/{job_id}").json()  # noqa: E731
        return poll_until(
            self.emulator, fetch, lambda j: j["status"] in states | TERMINAL_JOB_STATES, step=60
        )

    def succeeded_job(self) -> dict:
        job = self.job(until={"succeeded"})
        assert job["status"] == "succeeded", job
        return job

    def paused_job(self) -> dict:
        job = self.job(until={"running"})
        assert self.api.post(f"/fine_tuning/jobs/{job['id']}/pause").status_code == 200
        return self.wait(job["id"], {"paused"})

    def upload(self, size: int = 32) -> str:
        start = {
            "purpose": "fine-tune",
            "filename": "training_data_v21.jsonl",
            "bytes": size,
            "mime_type": "application/json",
        }
        return self.api.post("/uploads", json=start).json()["id"]

    def upload_parts(self) -> tuple[str, list[str]]:
        data = chat_jsonl(12)
        upload_id = self.upload(len(data))
        parts = [data[: len(data) // 2], data[len(data) // 2 :]]
        ids = [
            self.api.post(
                f"/uploads/{upload_id}/parts", files={"data": ("blob", part, "application/octet-stream")}
            ).json()["id"]
            for part in parts
        ]
        return upload_id, ids


# example file → what it needs: {example id or value: the emulator's}
def _substitutions(example: str, world: World) -> dict[str, Any]:
    if example in ("upload_file", "import_file"):
        return {}
    if example in ("get_files", "get_file", "delete_file"):  # (a list must not be empty either)
        return {EXAMPLE_FILE: world.training_file()}
    if example == "get_file_content":  # the example's body is its file's content
        return {EXAMPLE_FILE: world.raw_file()}
    if example == "post_finetuning_job":
        return {EXAMPLE_FILE: world.training_file(), "curie": BASE_MODEL}
    if example in (
        "get_finetuning_job",
        "get_finetuning_jobs",
        "get_finetuning_job_events",
        "delete_finetuning_job",
    ):
        return {EXAMPLE_JOB: world.succeeded_job()["id"]}
    if example == "get_finetuning_job_checkpoints":
        return {"ftjob-72a2792ef7d24ba7b82c7fe4a37e379f": world.succeeded_job()["id"]}
    if example == "get_model_finetune":
        return {"curie.ft-72a2792ef7d24ba7b82c7fe4a37e379f": world.succeeded_job()["fine_tuned_model"]}
    if example == "cancel_finetuning_job":
        return {EXAMPLE_JOB: world.job()["id"]}
    if example == "pause_finetuning_job":
        return {EXAMPLE_JOB: world.job(until={"running"})["id"]}
    if example == "resume_finetuning_job":
        return {EXAMPLE_JOB: world.paused_job()["id"]}
    if example == "upload_file_start":
        return {}
    if example in ("upload_file_part", "upload_file_cancel"):
        return {EXAMPLE_UPLOAD: world.upload()}
    if example == "upload_file_complete":
        upload_id, part_ids = world.upload_parts()
        return {EXAMPLE_UPLOAD: upload_id, **dict(zip(EXAMPLE_PARTS, part_ids, strict=True))}
    raise AssertionError(f"no recipe for example {example}")


# ---------------------------------------------------------------- replay


def _examples() -> list:
    return [example for version in VERSIONS for example in _examples_of(version)]


def _examples_of(version: str) -> list:
    spec = load_spec(version)
    found = []
    for op in spec.operations:
        if op.operation_id.split("_")[0] not in ("Files", "FineTuning", "Models", "UploadFile"):
            continue
        doc = spec.document["paths"][op.template][op.method.lower()]
        for ref in doc.get("x-ms-examples", {}).values():
            path = SPEC_ROOT / version / ref["$ref"].removeprefix("./")
            if path.is_file():
                found.append(pytest.param(version, op.operation_id, path, id=f"{version}-{path.stem}"))
    return found


def _substitute(value: Any, subs: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _substitute(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, subs) for v in value]
    return subs.get(value, value) if isinstance(value, str) else value


def _parameter(spec, param: dict) -> dict:
    if "$ref" in param:
        return spec.document["parameters"][param["$ref"].rsplit("/", 1)[-1]]
    return param


def build_request(spec, operation_id: str, parameters: dict, subs: dict[str, Any]) -> dict[str, Any]:
    """httpx2 request arguments, each example parameter placed where the spec says it goes."""
    op = spec.operation(operation_id)
    declared = spec.document["paths"][op.template][op.method.lower()].get("parameters", [])
    url, request = op.template, {"params": {}}
    for param in (_parameter(spec, p) for p in declared):
        # The uploads examples call the body `body` where their operation names it `requestBody`.
        name = param["name"] if param["name"] in parameters or param["in"] != "body" else "body"
        if name not in parameters:
            continue
        value = _substitute(parameters[name], subs)
        where = param["in"]
        if where == "path":
            url = url.replace("{" + param["name"] + "}", value)
        elif where == "query":
            request["params"][param["name"]] = value
        elif where == "body":
            request["json"] = value
        elif where == "formData" and param.get("type") == "file":
            name = "puppy.jsonl" if param["name"] == "file" else "blob"
            request.setdefault("files", {})[param["name"]] = (
                name,
                value.encode(),
                "application/octet-stream",
            )
        elif where == "formData":
            request.setdefault("data", {})[param["name"]] = value
    assert "{" not in url, f"path parameter left in {url}"
    return {"method": op.method, "url": url, **request}


def _declared(spec, schema: dict | None) -> tuple[dict[str, Any], set[str], bool]:
    """(properties, required, open to any key) of a Swagger schema, through $ref and allOf."""
    if not schema:
        return {}, set(), True
    if "$ref" in schema:
        return _declared(spec, spec.document["definitions"][schema["$ref"].rsplit("/", 1)[-1]])
    props, required = dict(schema.get("properties", {})), set(schema.get("required", []))
    open_ = isinstance(schema.get("additionalProperties"), dict)
    for part in schema.get("allOf", []):
        more, more_required, more_open = _declared(spec, part)
        props, required, open_ = {**more, **props}, required | more_required, open_ or more_open
    return props, required, open_


def _additional(spec, schema: dict | None) -> dict | None:
    while schema and "$ref" in schema:
        schema = spec.document["definitions"][schema["$ref"].rsplit("/", 1)[-1]]
    extra = (schema or {}).get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _items(spec, schema: dict | None) -> dict | None:
    while schema and "$ref" in schema:
        schema = spec.document["definitions"][schema["$ref"].rsplit("/", 1)[-1]]
    return (schema or {}).get("items")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "integer" if isinstance(value, int) else "number"
    return {str: "string", dict: "object", list: "array", type(None): "null"}[type(value)]


def _type(spec, schema: dict | None) -> str | None:
    while schema and "$ref" in schema:
        schema = spec.document["definitions"][schema["$ref"].rsplit("/", 1)[-1]]
    return (schema or {}).get("type")


def shape_differences(
    example: Any, actual: Any, schema: dict | None, where: str = "", *, spec=None
) -> list[str]:
    spec = spec or load_spec(VERSION)
    kinds = (_kind(example), _kind(actual))
    if kinds[0] == "null" or kinds == ("number", "integer"):
        return []
    if kinds == ("integer", "number") and _type(spec, schema) == "number":
        return []  # the spec says double; the example merely shows a whole number
    if kinds[0] != kinds[1]:
        return [
            f"{where or '<body>'}: example has {kinds[0]} {example!r}, emulator sent {kinds[1]} {actual!r}"
        ]
    if isinstance(example, list):
        if example and not actual:
            return [f"{where}: example has items, emulator sent an empty list"]
        merged: Any = (
            {k: v for item in example for k, v in item.items()}
            if example and isinstance(example[0], dict)
            else (example or [None])[0]
        )
        item_schema = _items(spec, schema)
        return [
            d
            for i, item in enumerate(actual)
            for d in shape_differences(merged, item, item_schema, f"{where}[{i}]", spec=spec)
        ]
    if not isinstance(example, dict):
        return []
    props, required, open_ = _declared(spec, schema)
    additional = _additional(spec, schema)
    found = []
    for key, value in example.items():
        path = f"{where}/{key}"
        if key not in actual:
            found.append(f"{path}: missing (the example has {value!r})")
        elif actual[key] is None and value is not None and key not in required:
            continue  # Azure's null for an optional field the example happens to fill
        else:
            found += shape_differences(value, actual[key], props.get(key, additional), path, spec=spec)
    found += [
        f"{where}/{key}: {actual[key]!r} is in neither the example nor the spec"
        for key in actual.keys() - example.keys()
        if actual[key] is not None and key not in props and not open_
    ]
    return found


@pytest.fixture
def recorder() -> ResponseRecorder:
    return ResponseRecorder()


@pytest.mark.parametrize(("version", "operation_id", "path"), _examples())
def test_example_replays_equivalently(recorder, emulator, version, operation_id, path):
    example = json.loads(path.read_text())
    spec = load_spec(version)
    with recorder.raw_client(emulator, api_version=version) as api:
        subs = _substitutions(path.stem, World(emulator, api))
        request = build_request(spec, operation_id, example["parameters"], subs)
        response = api.request(**request)
    [(status, expected)] = example["responses"].items()
    assert response.status_code == int(status), f"{request['method']} {request['url']}: {response.text}"
    for header in expected.get("headers", {}):
        assert response.headers.get(header, "").endswith("/" + response.json()["id"]), (
            f"{header}: {response.headers}"
        )
    if status == "204":
        assert response.content == b""
    elif isinstance(expected["body"], str):  # file content
        assert response.text == expected["body"]
    else:
        schema = spec.operation(operation_id).responses[status]
        assert shape_differences(expected["body"], response.json(), schema, spec=spec) == []
    recorder.check()


# ---------------------------------------------------------------- the comparison itself


@pytest.mark.parametrize(("version", "operation_id", "path"), _examples())
def test_each_example_is_equivalent_to_itself(version, operation_id, path):
    [(status, expected)] = json.loads(path.read_text())["responses"].items()
    spec = load_spec(version)
    schema = spec.operation(operation_id).responses[status]
    assert shape_differences(expected.get("body"), expected.get("body"), schema, spec=spec) == []


def test_shape_differences_name_what_differs():
    [(_, expected)] = json.loads((SPEC_ROOT / VERSION / "examples/get_finetuning_job.json").read_text())[
        "responses"
    ].items()
    schema = load_spec(VERSION).operation("FineTuning_Get").responses["200"]
    job = expected["body"]
    azure_nulls = {**job, "error": None, "estimated_finish": None, "fine_tuned_model": None}
    assert shape_differences(job, azure_nulls, schema) == []
    assert shape_differences(job, {**job, "seed": 7, "suffix": "x"}, schema) == []  # declared by the spec
    changed = {**job, "hyperparameters": {"n_epochs": "auto"}, "result_files": [], "trainingType": "Standard"}
    del changed["trained_tokens"]
    assert sorted(shape_differences(job, changed, schema)) == [
        "/hyperparameters/n_epochs: example has integer -1, emulator sent string 'auto'",
        "/result_files: example has items, emulator sent an empty list",
        "/trained_tokens: missing (the example has 2342)",
        "/trainingType: 'Standard' is in neither the example nor the spec",
    ]
