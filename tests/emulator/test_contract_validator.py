"""The contract validator itself: it must accept what the spec allows and nothing more.

No emulator here: these pin the Swagger 2.0 handling in contract_support so that a green contract
suite means something.
"""

from __future__ import annotations

import json

import httpx2
import pytest
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from .contract_support import (
    SPEC_ROOT,
    Exchange,
    ResponseRecorder,
    definition_errors,
    draft4_definitions,
    load_spec,
    schema_errors,
)

VERSIONS = ["2025-04-01-preview", "2024-10-21"]


def _example_responses():
    for version in VERSIONS:
        spec = load_spec(version)
        for op in spec.operations:
            doc = spec.document["paths"][op.template][op.method.lower()]
            for ref in doc.get("x-ms-examples", {}).values():
                path = SPEC_ROOT / version / ref["$ref"].removeprefix("./")
                if path.is_file():  # only files, fine-tuning and upload examples were copied
                    for status in json.loads(path.read_text())["responses"]:
                        yield pytest.param(
                            version, op.operation_id, path, status, id=f"{version}-{path.stem}-{status}"
                        )


@pytest.mark.parametrize(("version", "operation_id", "path", "status"), list(_example_responses()))
def test_every_spec_example_response_conforms(version, operation_id, path, status):
    spec = load_spec(version)
    body = json.loads(path.read_text())["responses"][status].get("body")
    _, validator = spec.validator_for(operation_id, int(status))
    if validator is None:  # 204 / file content: no schema
        assert operation_id in ("FineTuning_Delete", "Files_GetContent")
        return
    assert schema_errors(validator, body) == []


JOB = {
    "model": "gpt-4o-mini-2024-07-18",
    "training_file": "file-1",
    "object": "fine_tuning.job",
    "status": "running",
}


def test_optional_fields_accept_null_but_required_ones_do_not():
    nulls = {
        "fine_tuned_model": None,
        "finished_at": None,
        "error": None,
        "seed": None,
        "validation_file": None,
    }
    assert definition_errors("FineTuningJob", {**JOB, **nulls}) == []
    assert definition_errors("FineTuningJob", {**JOB, "model": None}) == [
        "at model: None is not of type 'string'"
    ]
    errors = definition_errors(
        "FineTuningJobEvent", {"created_at": 1, "level": "info", "message": None, "type": "message"}
    )
    assert errors == ["at message: None is not of type 'string'"]
    # Required inside a nested object: Capabilities.fine_tune.
    model = {
        "capabilities": {"fine_tune": None},
        "deprecation": {"inference": 1},
        "lifecycle_status": "preview",
    }
    assert any(e.startswith("at capabilities/fine_tune: None") for e in definition_errors("Model", model))


def test_required_fields_must_be_present():
    errors = definition_errors("FineTuningJob", {"model": "m"})
    assert errors == ["at <body>: 'training_file' is a required property"]


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"status": "queued"}, "at status: 'queued' is not one of"),  # OpenAI's word, not Azure's
        ({"seed": "7"}, "at seed: '7' is not of type 'integer'"),
        ({"created_at": 1.5}, "at created_at: 1.5 is not of type 'integer'"),
        ({"finished_at": 2**31}, "at finished_at: 2147483648 is not a 'int32'"),
        (
            {"hyperparameters": {"n_epochs": "auto"}},
            "at hyperparameters/n_epochs: 'auto' is not of type 'integer'",
        ),
        ({"method": {"type": "reinforcement"}}, "at method/type: 'reinforcement' is not one of"),
        ({"error": {"code": 1}}, "at error/code: 1 is not of type 'string'"),
    ],
)
def test_types_enums_and_formats_stay_strict(patch, expected):
    errors = definition_errors("FineTuningJob", {**JOB, **patch})
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_error_codes_are_the_specs_enum():
    assert definition_errors("ErrorResponse", {"error": {"code": "notFound", "message": "gone"}}) == []
    errors = definition_errors("ErrorResponse", {"error": {"code": "NotFound", "message": "gone"}})
    assert errors and errors[0].startswith("at error/code: 'NotFound' is not one of")
    assert definition_errors("ErrorResponse", {"error": None}) == ["at error: None is not of type 'object'"]


def test_checkpoint_metrics_values_must_be_numbers():
    checkpoint = {
        "created_at": 1, "fine_tuned_model_checkpoint": "m:ckpt-step-10", "fine_tuning_job_id": "ftjob-1",
        "step_number": 10, "metrics": {"step": 10, "train_loss": 0.5},
    }  # fmt: skip
    assert definition_errors("FineTuningJobCheckpoint", checkpoint) == []
    bad = {**checkpoint, "metrics": {"step": 10, "train_loss": None}}
    assert definition_errors("FineTuningJobCheckpoint", bad) == [
        "at metrics/train_loss: None is not of type 'number'"
    ]


def test_discriminator_dispatches_to_the_named_subtype():
    definitions = {
        "Pet": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}, "discriminator": "kind"},
        "Cat": {
            "allOf": [{"$ref": "#/definitions/Pet"}], "required": ["claws"],
            "properties": {"claws": {"type": "integer"}}, "x-ms-discriminator-value": "cat",
        },
        "Dog": {"allOf": [{"$ref": "#/definitions/Pet"}], "required": ["bark"], "properties": {"bark": {"type": "string"}}},
    }  # fmt: skip
    root = {"definitions": draft4_definitions(definitions)}
    registry = Registry().with_resource("urn:t", DRAFT4.create_resource(root))
    pet = Draft4Validator({"$ref": "urn:t#/definitions/Pet"}, registry=registry)
    assert pet.is_valid({"kind": "cat", "claws": 4})
    assert not pet.is_valid({"kind": "cat"})  # a cat must have claws
    assert pet.is_valid({"kind": "Dog", "bark": "woof"})  # no x-ms-discriminator-value: the name
    assert not pet.is_valid({"kind": "Dog", "bark": None})  # required in the subtype: never null
    assert pet.is_valid({"kind": "fish"})  # unknown value: the base alone
    assert not pet.is_valid({})


def _exchange(
    method: str,
    path: str,
    status: int,
    body: object,
    *,
    query: str = "api-version=2025-04-01-preview",
    content_type: str = "application/json",
):
    return Exchange(
        method, httpx2.URL(f"http://127.0.0.1:1{path}?{query}"), b"", status,
        httpx2.Headers({"content-type": content_type}), json.dumps(body).encode(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [
        ("POST", "/openai/files/import", "Files_Import"),
        ("GET", "/openai/files/file-abc", "Files_Get"),
        ("GET", "/openai/files/file-abc/content", "Files_GetContent"),
        ("POST", "/openai/fine_tuning/jobs/ftjob-1/pause", "FineTuning_Pause"),
        ("GET", "/openai/v1/fine_tuning/jobs", "FineTuning_List"),
        ("POST", "/openai/uploads/upl-1/parts", "UploadFile_Part"),
    ],
)
def test_requests_match_their_operation(method, path, operation_id):
    exchange = _exchange(method, path, 200, {})
    assert load_spec().match(method, exchange.api_path).operation_id == operation_id


def test_recorder_reports_every_violation():
    recorder = ResponseRecorder()
    recorder.exchanges += [
        _exchange("POST", "/openai/files", 200, {"filename": "a", "purpose": "fine-tune"}),  # spec: 201
        _exchange("GET", "/openai/fine_tuning/jobs/x", 404, {"error": {"code": "404", "message": "no"}}),
        _exchange("GET", "/openai/nothing/here", 404, {}),
        _exchange("DELETE", "/openai/fine_tuning/jobs/x", 204, {"gone": True}),
        _exchange("GET", "/openai/models", 200, {"object": "list", "data": []}),  # fine
        _exchange("POST", "/openai/fine_tuning/jobs", 201, JOB),  # no Location header
        _exchange("GET", "/openai/files/f/content", 200, "a,b", content_type="text/csv"),
        _exchange(
            "GET", "/openai/files/f/content", 200, "{}", content_type="application/octet-stream"
        ),  # fine
    ]
    with pytest.raises(AssertionError) as raised:
        recorder.check()
    text = str(raised.value)
    assert "Files_Upload: status 200 is not declared (spec: ['201'])" in text
    assert "[FineTuning_Get] at error/code: '404' is not one of" in text
    assert "no operation of spec 2025-04-01-preview matches" in text
    assert "204 must have no body" in text
    assert "FineTuning_Create 201 lacks the Location header" in text
    assert (
        "Files_GetContent content-type 'text/csv', spec produces application/octet-stream or application/json"
        in text
    )
    assert text.count("\n  ") == 6


def test_ga_requests_are_checked_against_the_ga_spec():
    # 2024-10-21 has no pause: a pause response on that version matches nothing.
    recorder = ResponseRecorder(
        [_exchange("POST", "/openai/fine_tuning/jobs/x/pause", 200, JOB, query="api-version=2024-10-21")]
    )
    assert recorder.problems(recorder.exchanges[0]) == [
        "POST /openai/fine_tuning/jobs/x/pause?api-version=2024-10-21 → 200: no operation of spec 2024-10-21 matches"
    ]
