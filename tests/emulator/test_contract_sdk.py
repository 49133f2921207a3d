"""The openai SDK pointed at the emulator: it parses every response, and drops nothing.

The SDK builds its objects leniently (`construct`), so a wrong field would pass silently. Each
recorded 2xx body is therefore also (a) rebuilt the SDK's way and compared with the raw JSON (no data
dropped or altered) and (b) validated strictly with the SDK type's `model_validate`. The SDK's types
follow OpenAI, not Azure, so a strict error is tolerated only where the Azure spec itself allows the
value: an Azure enum value OpenAI lacks (`pending`, `paused`, `warning`, ...), a field Azure's
definition does not have (Model.owned_by) or an optional Azure field absent or null.
"""

from __future__ import annotations

import json
from typing import Any

import openai
import pydantic
import pytest
from openai._models import construct_type
from openai.types import FileDeleted, FileObject, Model, Upload
from openai.types.fine_tuning import FineTuningJob, FineTuningJobEvent
from openai.types.fine_tuning.jobs import FineTuningJobCheckpoint
from openai.types.uploads import UploadPart

from .contract_support import TERMINAL_JOB_STATES, ResponseRecorder, chat_jsonl, load_spec, poll_until

BASE_MODEL = "gpt-4o-mini-2024-07-18"

# operationId → (SDK type, Azure definition, whether the body is a list page of them)
SDK_TYPES: dict[str, tuple[type, str, bool]] = {
    "Files_List": (FileObject, "File", True),
    "Files_Upload": (FileObject, "File", False),
    "Files_Import": (FileObject, "File", False),
    "Files_Get": (FileObject, "File", False),
    "Files_Delete": (FileDeleted, "FileDelete", False),
    "FineTuning_List": (FineTuningJob, "FineTuningJob", True),
    "FineTuning_Create": (FineTuningJob, "FineTuningJob", False),
    "FineTuning_Get": (FineTuningJob, "FineTuningJob", False),
    "FineTuning_Cancel": (FineTuningJob, "FineTuningJob", False),
    "FineTuning_Pause": (FineTuningJob, "FineTuningJob", False),
    "FineTuning_Resume": (FineTuningJob, "FineTuningJob", False),
    "FineTuning_GetEvents": (FineTuningJobEvent, "FineTuningJobEvent", True),
    "FineTuning_GetCheckpoints": (FineTuningJobCheckpoint, "FineTuningJobCheckpoint", True),
    "Models_List": (Model, "Model", True),
    "Models_Get": (Model, "Model", False),
    "UploadFile_Start": (Upload, "UploadResource", False),
    "UploadFile_Part": (UploadPart, "UploadPartResource", False),
    "UploadFile_Complete": (Upload, "UploadResource", False),
    "UploadFile_Cancel": (Upload, "UploadResource", False),
}


def _resolve(schema: dict | None) -> dict:
    """A Swagger schema with its $ref and allOf folded in (properties, required, items, enum)."""
    definitions = load_spec().document["definitions"]
    schema = dict(schema or {})
    while "$ref" in schema:
        schema = {**definitions[schema.pop("$ref").rsplit("/", 1)[-1]], **schema}
    for part in schema.pop("allOf", []):
        inherited = _resolve(part)
        schema["properties"] = {**inherited.get("properties", {}), **schema.get("properties", {})}
        schema["required"] = [*inherited.get("required", []), *schema.get("required", [])]
    return schema


def azure_allows(definition: str, error: dict) -> bool:
    """Whether the Azure spec allows what the SDK's strict type rejected (see module docstring)."""
    schema: dict | None = {"$ref": f"#/definitions/{definition}"}
    *parents, field = error["loc"]
    if field == "object":  # Azure's TypeDiscriminator lists every type; each object has exactly one
        return False
    for step in parents:
        resolved = _resolve(schema)
        schema = resolved.get("items") if isinstance(step, int) else resolved.get("properties", {}).get(step)
        if schema is None:
            return False
    owner = _resolve(schema)
    if isinstance(field, int) or field not in owner.get("properties", {}):
        return error["type"] == "missing" and not isinstance(field, int)  # a field Azure does not have
    optional = field not in owner.get("required", [])
    if error["type"] == "missing" or error["input"] is None:
        return optional
    return error["type"] == "literal_error" and error["input"] in _resolve(owner["properties"][field]).get(
        "enum", []
    )


def sdk_problems(operation_id: str, body: Any) -> list[str]:
    sdk_type, definition, is_page = SDK_TYPES[operation_id]
    items = body["data"] if is_page else [body]
    problems = (
        []
        if not is_page or body.get("object") == "list"
        else [f"{operation_id}: a list's object is {body.get('object')!r}"]
    )
    for i, item in enumerate(items):
        where = f"{operation_id} {sdk_type.__name__}#{i}"
        built = construct_type(value=item, type_=sdk_type)
        if not isinstance(built, sdk_type):
            problems.append(f"{where}: the SDK built {type(built).__name__}")
            continue
        rebuilt = built.to_dict(mode="json", warnings=False)
        if rebuilt != item:
            problems.append(f"{where}: the SDK's object differs from the JSON: {rebuilt} != {item}")
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}: no id (every object is keyed by its id)")
        try:
            sdk_type.model_validate(item)
        except pydantic.ValidationError as err:
            problems += [
                f"{where}: {'.'.join(map(str, e['loc']))}: {e['msg']} (got {e.get('input')!r}); Azure's {definition} does not allow it either"
                for e in err.errors()
                if not azure_allows(definition, e)
            ]
    return problems


def check_sdk_parses_everything(recorder: ResponseRecorder) -> set[str]:
    """Validate every recorded 2xx JSON body; the operationIds checked."""
    problems, checked = [], set()
    for exchange in recorder.exchanges:
        op = load_spec().match(exchange.method, exchange.api_path)
        if op is None or not 200 <= exchange.status < 300 or op.operation_id not in SDK_TYPES:
            continue
        checked.add(op.operation_id)
        problems += sdk_problems(op.operation_id, exchange.json())
    assert not problems, "\n".join(problems)
    return checked


@pytest.fixture
def recorder() -> ResponseRecorder:
    return ResponseRecorder()


@pytest.fixture
def client(recorder, emulator):
    with recorder.openai_client(emulator) as sdk:
        yield sdk


def _processed(client, emulator, data: bytes, name: str = "train.jsonl") -> FileObject:
    created = client.files.create(file=(name, data), purpose="fine-tune")
    assert isinstance(created, FileObject) and created.filename == name
    return poll_until(
        emulator,
        lambda: client.files.retrieve(created.id),
        lambda f: f.status in ("processed", "error"),
        step=5,
    )


def test_sdk_parses_every_files_uploads_and_models_response(recorder, client, emulator):
    data = chat_jsonl()
    uploaded = _processed(client, emulator, data)
    assert uploaded.status == "processed" and uploaded.bytes == len(data)
    assert [f.id for f in client.files.list(purpose="fine-tune")] == [uploaded.id]
    assert client.files.content(uploaded.id).read() == data
    assert client.files.delete(uploaded.id).deleted is True

    upload = client.uploads.create(
        bytes=len(data), filename="big.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    )
    parts = [client.uploads.parts.create(upload.id, data=chunk) for chunk in (data[:100], data[100:])]
    completed = client.uploads.complete(upload.id, part_ids=[p.id for p in parts])
    assert completed.status == "completed" and completed.file is not None
    assert client.files.content(completed.file.id).read() == data
    other = client.uploads.create(
        bytes=1, filename="x.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    )
    assert client.uploads.cancel(other.id).status == "cancelled"

    models = list(client.models.list())
    assert BASE_MODEL in {m.id for m in models}
    assert client.models.retrieve(BASE_MODEL).id == BASE_MODEL

    checked = check_sdk_parses_everything(recorder)
    assert checked >= {"Files_Upload", "Files_Get", "Files_List", "Files_Delete", "UploadFile_Start",
                       "UploadFile_Part", "UploadFile_Complete", "UploadFile_Cancel", "Models_List", "Models_Get"}  # fmt: skip
    recorder.check()


def test_sdk_parses_every_fine_tuning_response(recorder, client, emulator):
    train = _processed(client, emulator, chat_jsonl())
    job = client.fine_tuning.jobs.create(model=BASE_MODEL, training_file=train.id, suffix="sdk", seed=3)
    assert isinstance(job, FineTuningJob) and job.training_file == train.id
    second = client.fine_tuning.jobs.create(model=BASE_MODEL, training_file=train.id)
    assert client.fine_tuning.jobs.cancel(second.id).id == second.id
    poll_until(
        emulator, lambda: client.fine_tuning.jobs.retrieve(job.id), lambda j: j.status == "running", step=30
    )
    assert client.fine_tuning.jobs.pause(job.id).id == job.id
    poll_until(
        emulator, lambda: client.fine_tuning.jobs.retrieve(job.id), lambda j: j.status == "paused", step=30
    )
    assert client.fine_tuning.jobs.resume(job.id).id == job.id
    done = poll_until(
        emulator, lambda: client.fine_tuning.jobs.retrieve(job.id), lambda j: j.status in TERMINAL_JOB_STATES
    )
    assert done.status == "succeeded"
    assert {j.id for j in client.fine_tuning.jobs.list()} == {job.id, second.id}  # auto-paging
    assert list(client.fine_tuning.jobs.list_events(job.id, limit=1000))
    assert list(client.fine_tuning.jobs.checkpoints.list(job.id))

    checked = check_sdk_parses_everything(recorder)
    assert checked >= {"FineTuning_Create", "FineTuning_Get", "FineTuning_List", "FineTuning_Cancel",
                       "FineTuning_Pause", "FineTuning_Resume", "FineTuning_GetEvents", "FineTuning_GetCheckpoints"}  # fmt: skip
    recorder.check()


def test_sdk_parses_the_seeded_demo_mix(recorder, seeded_emulator):
    with recorder.openai_client(seeded_emulator) as client:
        for job in client.fine_tuning.jobs.list():
            client.fine_tuning.jobs.retrieve(job.id)
            list(client.fine_tuning.jobs.list_events(job.id, limit=1000))
            list(client.fine_tuning.jobs.checkpoints.list(job.id))
        list(client.files.list())
    assert check_sdk_parses_everything(recorder) >= {"FineTuning_List", "FineTuning_GetEvents", "Files_List"}
    recorder.check()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.fine_tuning.jobs.retrieve("ftjob-doesnotexist"), openai.NotFoundError),
        (lambda c: c.files.retrieve("file-doesnotexist"), openai.NotFoundError),
        (
            lambda c: c.fine_tuning.jobs.create(model=BASE_MODEL, training_file="file-doesnotexist"),
            openai.APIStatusError,
        ),
        (lambda c: c.fine_tuning.jobs.create(model=BASE_MODEL, training_file=""), openai.BadRequestError),
    ],
    ids=["unknown-job", "unknown-file", "unknown-training-file", "empty-training-file"],
)
def test_sdk_maps_error_bodies(recorder, client, call, error):
    with pytest.raises(error) as raised:
        call(client)
    assert 400 <= raised.value.status_code < 500
    assert isinstance(raised.value.body, dict) and raised.value.body.get("message"), raised.value.body
    recorder.check()


def test_sdk_with_a_wrong_key_gets_an_authentication_error(recorder, emulator):
    with (
        recorder.openai_client(emulator, api_key="not-the-key") as client,
        pytest.raises(openai.AuthenticationError) as raised,
    ):
        client.fine_tuning.jobs.list()
    assert raised.value.status_code == 401
    assert emulator.api_key not in json.dumps(raised.value.body)
    recorder.check()


def test_tolerated_divergences_are_only_what_azure_allows():
    job = {"id": "ftjob-1", "object": "fine_tuning.job", "created_at": 1, "model": "m", "training_file": "f",
           "status": "paused", "hyperparameters": {"n_epochs": 1}, "result_files": [], "seed": None}  # fmt: skip
    assert sdk_problems("FineTuning_Get", job) == []  # paused: Azure-only status; seed: optional in Azure
    wrong = sdk_problems(
        "FineTuning_Get", {**job, "status": "queued!", "created_at": "yesterday", "training_file": None}
    )
    assert [p.split(": ")[1] for p in wrong] == ["created_at", "status", "training_file"]
    event = {
        "id": "e",
        "object": "fine_tuning.job.event",
        "created_at": 1,
        "level": "warning",
        "message": "m",
        "type": "message",
    }
    assert sdk_problems("FineTuning_GetEvents", {"object": "list", "data": [event]}) == []
    assert (
        sdk_problems("FineTuning_GetEvents", {"object": "list", "data": [{**event, "level": "fatal"}]}) != []
    )
    assert (
        sdk_problems("FineTuning_GetEvents", {"object": "list", "data": [{**event, "object": "file"}]}) != []
    )
    assert sdk_problems("FineTuning_GetEvents", {"object": "fine_tuning.job.event", "data": [event]}) != []
    model = {
        "id": "m",
        "object": "model",
        "created_at": 1,
        "capabilities": {},
        "lifecycle_status": "preview",
        "deprecation": {"inference": 1},
    }
    assert sdk_problems("Models_Get", model) == []  # created, owned_by: OpenAI's fields, not Azure's
    assert sdk_problems("Models_Get", {**model, "id": None}) != []


def test_the_specs_own_examples_pass_the_sdk_check():
    from .contract_support import SPEC_ROOT

    spec = load_spec()
    checked = 0
    for op in spec.operations:
        doc = spec.document["paths"][op.template][op.method.lower()]
        for ref in doc.get("x-ms-examples", {}).values():
            path = SPEC_ROOT / spec.api_version / ref["$ref"].removeprefix("./")
            if op.operation_id in SDK_TYPES and path.is_file():
                [body] = [r["body"] for r in json.loads(path.read_text())["responses"].values()]
                assert sdk_problems(op.operation_id, body) == [], path.name
                checked += 1
    assert checked >= 15
