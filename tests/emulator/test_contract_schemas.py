"""Every files, fine-tuning, models and uploads operation of the 2025-04-01-preview spec, driven
against the emulator over loopback HTTP; every response (success and error) must validate against
the operation's schema in the spec (`default` = ErrorResponse for errors)."""

from __future__ import annotations

import functools
import json

import pytest

from .contract_support import (
    TERMINAL_JOB_STATES,
    ResponseRecorder,
    chat_jsonl,
    definition_errors,
    load_spec,
    poll_until,
    processed_file,
    upload,
)

BASE_MODEL = "gpt-4o-mini-2024-07-18"
OPERATIONS = {
    "Files_List", "Files_Upload", "Files_Import", "Files_Get", "Files_Delete", "Files_GetContent",
    "FineTuning_List", "FineTuning_Create", "FineTuning_Get", "FineTuning_Delete", "FineTuning_Cancel",
    "FineTuning_GetCheckpoints", "FineTuning_GetEvents", "FineTuning_Pause", "FineTuning_Resume",
    "Models_List", "Models_Get",
    "UploadFile_Start", "UploadFile_Part", "UploadFile_Complete", "UploadFile_Cancel",
}  # fmt: skip
COVERED: dict[str, set[str]] = {}  # test name → the operations it drives to a 2xx


def covers(*operation_ids: str):
    """The test must get a successful, spec-valid answer from each of these operations."""

    def mark(test):
        COVERED[test.__name__] = set(operation_ids)

        @functools.wraps(test)
        def checked(*args, **kwargs):
            test(*args, **kwargs)
            succeeded = {op for op, status in kwargs["recorder"].operation_ids() if 200 <= status < 300}
            assert not set(operation_ids) - succeeded, f"no 2xx from {sorted(set(operation_ids) - succeeded)}"

        return checked

    return mark


@pytest.fixture
def recorder() -> ResponseRecorder:
    return ResponseRecorder()


@pytest.fixture
def api(recorder, emulator):
    with recorder.raw_client(emulator) as client:
        yield client


# Error paths change nothing: one emulator serves them all (a fresh one costs ~0.2 s to stop).
@pytest.fixture(scope="module")
def shared_emulator():
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=5, strict_spec=True) as emu:
        yield emu


@pytest.fixture(scope="module")
def shared_train(shared_emulator) -> str:
    with ResponseRecorder().raw_client(shared_emulator) as client:
        return processed_file(client, shared_emulator)["id"]


@pytest.fixture
def shared_api(recorder, shared_emulator):
    with recorder.raw_client(shared_emulator) as client:
        yield client


def assert_exercised(recorder: ResponseRecorder, *expected: tuple[str, int]) -> None:
    missing = set(expected) - recorder.operation_ids()
    assert not missing, f"not exercised: {sorted(missing)}"


def test_every_operation_of_the_spec_is_driven():
    in_spec = {
        op.operation_id
        for op in load_spec().operations
        if op.operation_id.split("_")[0] in ("Files", "FineTuning", "Models", "UploadFile")
    }
    assert in_spec == OPERATIONS
    assert set().union(*COVERED.values()) == OPERATIONS


@covers("Models_List", "Models_Get")
def test_models(recorder, api):
    models = api.get("/models").json()["data"]
    assert models, "the emulator lists no models"
    fine_tunable = [m["id"] for m in models if m["capabilities"]["fine_tune"]]
    assert BASE_MODEL in fine_tunable
    for model_id in fine_tunable:
        assert api.get(f"/models/{model_id}").status_code == 200
    assert api.get("/models/no-such-model").status_code == 404
    recorder.check()
    assert_exercised(recorder, ("Models_List", 200), ("Models_Get", 200), ("Models_Get", 404))


@covers("Files_Upload", "Files_List", "Files_Get", "Files_GetContent", "Files_Delete")
def test_files(recorder, api, emulator):
    data = chat_jsonl()
    created = upload(api, data)
    assert created.status_code == 201
    file_id = created.json()["id"]
    processed = processed_file(api, emulator)
    assert api.get("/files", params={"purpose": "fine-tune", "limit": 1}).status_code == 200
    assert api.get("/files").status_code == 200
    content = api.get(f"/files/{file_id}/content")
    assert (content.status_code, content.content) == (200, data)
    assert api.delete(f"/files/{processed['id']}").json()["deleted"] is True
    assert api.get(f"/files/{processed['id']}").status_code == 404
    assert api.get("/files/file-doesnotexist/content").status_code == 404
    assert api.delete("/files/file-doesnotexist").status_code == 404
    recorder.check()
    assert_exercised(
        recorder, ("Files_Upload", 201), ("Files_Get", 200), ("Files_List", 200), ("Files_GetContent", 200),
        ("Files_Delete", 200), ("Files_Get", 404), ("Files_GetContent", 404), ("Files_Delete", 404),
    )  # fmt: skip


def test_rejected_files_carry_status_details(recorder, api, emulator):
    too_few = upload(api, chat_jsonl(7))
    not_json = upload(api, chat_jsonl(12) + b"{not json\n")
    for response in (too_few, not_json):
        assert response.status_code == 201
        file_id = response.json()["id"]
        body = poll_until(
            emulator,
            lambda file_id=file_id: api.get(f"/files/{file_id}").json(),
            lambda f: f["status"] in ("processed", "error"),
            step=5,
        )
        assert body["status"] == "error" and body["status_details"], body
    no_purpose = api.post("/files", files={"file": ("t.jsonl", chat_jsonl(), "application/jsonl")})
    assert no_purpose.status_code == 400
    recorder.check()


@covers("Files_Import")
def test_file_import(recorder, api, emulator):
    request = {
        "purpose": "fine-tune",
        "filename": "puppy.jsonl",
        "content_url": "https://www.contoso.com/puppy.jsonl",
    }
    response = api.post("/files/import", json=request)
    assert response.status_code == 201, response.text
    file_id = response.json()["id"]
    # No internet here: the import ends in `error`, with Azure's explanation.
    final = poll_until(
        emulator,
        lambda: api.get(f"/files/{file_id}").json(),
        lambda f: f["status"] in ("processed", "error"),
        step=5,
    )
    assert final["status"] == "error" and final["status_details"], final
    assert api.post("/files/import", json={"purpose": "fine-tune"}).status_code == 400
    assert api.post("/files/import", json={**request, "content_url": "not a url"}).status_code == 400
    recorder.check()
    assert_exercised(recorder, ("Files_Import", 201), ("Files_Import", 400))


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/files", {"purpose": "nope"}),
        ("/files", {"limit": 0}),
        ("/fine_tuning/jobs", {"limit": "abc"}),
        ("/fine_tuning/jobs", {"limit": -1}),
    ],
)
def test_bad_list_queries_are_400(recorder, shared_api, path, params):
    assert shared_api.get(path, params=params).status_code == 400
    recorder.check()


@covers("UploadFile_Start", "UploadFile_Part", "UploadFile_Complete", "UploadFile_Cancel")
def test_uploads(recorder, api):
    data = chat_jsonl(12)
    half = len(data) // 2
    start = {
        "purpose": "fine-tune",
        "filename": "big.jsonl",
        "bytes": len(data),
        "mime_type": "application/jsonl",
    }
    started = api.post("/uploads", json=start)
    assert started.status_code == 200, started.text
    upload_id = started.json()["id"]
    part_ids = []
    for chunk in (data[:half], data[half:]):
        part = api.post(
            f"/uploads/{upload_id}/parts", files={"data": ("blob", chunk, "application/octet-stream")}
        )
        assert part.status_code == 200, part.text
        part_ids.append(part.json()["id"])
    completed = api.post(f"/uploads/{upload_id}/complete", json={"part_ids": part_ids})
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "completed"
    file_id = completed.json()["file"]["id"]
    assert api.get(f"/files/{file_id}/content").content == data

    other = api.post("/uploads", json=start).json()["id"]
    assert api.post(f"/uploads/{other}/cancel").json()["status"] == "cancelled"
    assert api.post("/uploads/upload-doesnotexist/cancel").status_code == 404
    assert api.post("/uploads", json={"purpose": "fine-tune"}).status_code == 400
    recorder.check()
    assert_exercised(
        recorder, ("UploadFile_Start", 200), ("UploadFile_Part", 200), ("UploadFile_Complete", 200),
        ("UploadFile_Cancel", 200), ("UploadFile_Cancel", 404), ("UploadFile_Start", 400),
    )  # fmt: skip


@covers(
    "FineTuning_Create", "FineTuning_List", "FineTuning_Get", "FineTuning_GetEvents", "FineTuning_Pause",
    "FineTuning_Resume", "FineTuning_GetCheckpoints", "FineTuning_Delete",
)  # fmt: skip
def test_job_lifecycle(recorder, api, emulator):
    train = processed_file(api, emulator)
    valid = processed_file(api, emulator, name="valid.jsonl")
    request = {
        "model": BASE_MODEL, "training_file": train["id"], "validation_file": valid["id"], "suffix": "contract",
        "seed": 42, "hyperparameters": {"n_epochs": 2},
    }  # fmt: skip
    created = api.post("/fine_tuning/jobs", json=request)
    assert created.status_code == 201, created.text
    job_id = created.json()["id"]

    def job() -> dict:
        return api.get(f"/fine_tuning/jobs/{job_id}").json()

    poll_until(emulator, job, lambda j: j["status"] == "running", step=30)
    assert api.post(f"/fine_tuning/jobs/{job_id}/pause").status_code == 200
    poll_until(emulator, job, lambda j: j["status"] == "paused", step=30)
    assert api.post(f"/fine_tuning/jobs/{job_id}/resume").status_code == 200
    done = poll_until(emulator, job, lambda j: j["status"] in TERMINAL_JOB_STATES)
    assert done["status"] == "succeeded", done
    assert api.get("/fine_tuning/jobs", params={"limit": 1}).status_code == 200
    assert api.get(f"/fine_tuning/jobs/{job_id}/events", params={"limit": 5}).status_code == 200
    assert api.get(f"/fine_tuning/jobs/{job_id}/events", params={"limit": 1000}).status_code == 200
    checkpoints = api.get(f"/fine_tuning/jobs/{job_id}/checkpoints").json()["data"]
    assert checkpoints, "a succeeded job has checkpoints"
    for file_id in done["result_files"]:
        assert api.get(f"/files/{file_id}").status_code == 200
        assert api.get(f"/files/{file_id}/content").status_code == 200
    # Pausing a finished job is a state error, not a success.
    assert api.post(f"/fine_tuning/jobs/{job_id}/pause").status_code >= 400
    assert api.delete(f"/fine_tuning/jobs/{job_id}").status_code == 204
    assert api.get(f"/fine_tuning/jobs/{job_id}").status_code == 404
    recorder.check()
    assert_exercised(
        recorder, ("FineTuning_Create", 201), ("FineTuning_Pause", 200), ("FineTuning_Resume", 200),
        ("FineTuning_List", 200), ("FineTuning_GetEvents", 200), ("FineTuning_GetCheckpoints", 200),
        ("FineTuning_Delete", 204), ("FineTuning_Get", 404),
    )  # fmt: skip


@covers("FineTuning_Cancel")
def test_cancel(recorder, api, emulator):
    train = processed_file(api, emulator)
    job_id = api.post("/fine_tuning/jobs", json={"model": BASE_MODEL, "training_file": train["id"]}).json()[
        "id"
    ]
    cancelled = api.post(f"/fine_tuning/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    poll_until(
        emulator,
        lambda: api.get(f"/fine_tuning/jobs/{job_id}").json(),
        lambda j: j["status"] == "cancelled",
        step=30,
    )
    assert api.post(f"/fine_tuning/jobs/{job_id}/resume").status_code >= 400
    recorder.check()
    assert_exercised(recorder, ("FineTuning_Cancel", 200))


@pytest.mark.parametrize("verb", ["get", "events", "checkpoints", "cancel", "pause", "resume", "delete"])
def test_unknown_job_is_404(recorder, shared_api, verb):
    api = shared_api
    job = "/fine_tuning/jobs/ftjob-doesnotexist"
    response = {
        "get": lambda: api.get(job), "events": lambda: api.get(f"{job}/events"),
        "checkpoints": lambda: api.get(f"{job}/checkpoints"), "delete": lambda: api.delete(job),
    }.get(verb, lambda: api.post(f"{job}/{verb}"))()  # fmt: skip
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "notFound"
    recorder.check()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"model": BASE_MODEL}, id="no-training-file"),
        pytest.param({"model": "no-such-model", "training_file": "{train}"}, id="unknown-model"),
        pytest.param({"model": BASE_MODEL, "training_file": "file-doesnotexist"}, id="unknown-file"),
        pytest.param(
            {"model": BASE_MODEL, "training_file": "{train}", "suffix": "x" * 41}, id="suffix-too-long"
        ),
        pytest.param(
            {"model": BASE_MODEL, "training_file": "{train}", "suffix": "no spaces"}, id="suffix-charset"
        ),
        pytest.param(
            {"model": BASE_MODEL, "training_file": "{train}", "hyperparameters": {"n_epochs": "x"}},
            id="epochs-type",
        ),
    ],
)
def test_bad_job_requests_are_4xx(recorder, shared_api, shared_train, body):
    body = {k: (shared_train if v == "{train}" else v) for k, v in body.items()}
    response = shared_api.post("/fine_tuning/jobs", json=body)
    assert response.status_code in (400, 404), response.text
    recorder.check()


def test_unparseable_body_is_400(recorder, shared_api):
    response = shared_api.post(
        "/fine_tuning/jobs", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    recorder.check()


@pytest.mark.parametrize(
    "headers",
    [{"api-key": "wrong"}, {"api-key": ""}, {"Authorization": "Bearer wrong"}, {}],
    ids=["wrong-key", "empty-key", "wrong-bearer", "no-key"],
)
def test_bad_credentials_are_401(recorder, shared_emulator, headers):
    emulator = shared_emulator
    with recorder.raw_client(emulator, headers=headers) as client:
        if "api-key" not in headers:
            del client.headers["api-key"]
        for path in ("/fine_tuning/jobs", "/files", "/models"):
            response = client.get(path)
            assert response.status_code == 401
            assert emulator.api_key not in response.text
    recorder.check()


@pytest.mark.parametrize("version", [None, "1999-01-01"], ids=["missing", "unknown"])
def test_bad_api_version_gets_an_error_body(recorder, shared_emulator, version):
    with recorder.raw_client(shared_emulator, api_version=version) as client:
        response = client.get("/fine_tuning/jobs")
    assert 400 <= response.status_code < 500
    recorder.check()


def test_seeded_demo_mix(recorder, seeded_emulator):
    """The demo jobs (every status, DPO, failed with an error, with and without validation files)."""
    with recorder.raw_client(seeded_emulator) as api:
        jobs, after = [], None
        while True:
            page = api.get(
                "/fine_tuning/jobs", params={"limit": 3, **({"after": after} if after else {})}
            ).json()
            jobs += page["data"]
            if not page["has_more"]:
                break
            after = page["data"][-1]["id"]
        assert len(jobs) == 8
        # The mix must hold every shape worth validating.
        assert {"succeeded", "running", "failed", "cancelled", "paused", "pending"} <= {
            j["status"] for j in jobs
        }
        assert all(j["error"] and j["error"]["message"] for j in jobs if j["status"] == "failed")
        assert {"supervised", "dpo"} <= {(j.get("method") or {}).get("type") for j in jobs}
        assert {True, False} == {bool(j.get("validation_file")) for j in jobs}
        for job in jobs:
            api.get(f"/fine_tuning/jobs/{job['id']}")
            api.get(f"/fine_tuning/jobs/{job['id']}/events", params={"limit": 1000})
            api.get(f"/fine_tuning/jobs/{job['id']}/checkpoints")
            for file_id in job.get("result_files") or []:
                api.get(f"/files/{file_id}")
        api.get("/files")
    recorder.check()


def test_ga_api_version(recorder, seeded_emulator):
    """Requests made with api-version=2024-10-21 are answered per the GA spec."""
    with recorder.raw_client(seeded_emulator, api_version="2024-10-21") as api:
        jobs = api.get("/fine_tuning/jobs").json()["data"]
        api.get(f"/fine_tuning/jobs/{jobs[0]['id']}")
        api.get(f"/fine_tuning/jobs/{jobs[0]['id']}/events")
        api.get("/files")
        api.get("/models")
    recorder.check()


def _dpo_jsonl(examples: int = 12) -> bytes:
    rows = [
        {
            "input": {"messages": [{"role": "user", "content": f"Say {i} politely."}]},
            "preferred_output": [{"role": "assistant", "content": f"Certainly: {i}."}],
            "non_preferred_output": [{"role": "assistant", "content": f"{i}. Go away."}],
        }
        for i in range(examples)
    ]
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def test_every_model_and_method_combination(recorder, api, emulator):
    """Every fine-tunable model × every method the spec or the issue names: a spec body either way."""
    models = [m["id"] for m in api.get("/models").json()["data"] if m["capabilities"]["fine_tune"]]
    train = processed_file(api, emulator)["id"]
    accepted = set()
    for model in models:
        for method in ("supervised", "dpo", "reinforcement"):
            response = api.post(
                "/fine_tuning/jobs", json={"model": model, "training_file": train, "method": {"type": method}}
            )
            assert response.status_code in (201, 400), response.text
            if response.status_code == 201:
                accepted.add(method)
                assert api.post(f"/fine_tuning/jobs/{response.json()['id']}/cancel").status_code == 200
    assert {"supervised", "dpo"} <= accepted
    recorder.check()


def test_dpo_job_runs_with_spec_events_and_checkpoints(recorder, api, emulator):
    train = processed_file(api, emulator, _dpo_jsonl(), name="dpo.jsonl")["id"]
    body = {
        "model": BASE_MODEL,
        "training_file": train,
        "method": {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.2}}},
    }
    created = api.post("/fine_tuning/jobs", json=body)
    assert created.status_code == 201, created.text
    job_id = created.json()["id"]
    done = poll_until(
        emulator,
        lambda: api.get(f"/fine_tuning/jobs/{job_id}").json(),
        lambda j: j["status"] in TERMINAL_JOB_STATES,
    )
    assert done["status"] == "succeeded", done
    assert done["method"]["type"] == "dpo"
    events = api.get(f"/fine_tuning/jobs/{job_id}/events", params={"limit": 1000}).json()["data"]
    assert any(e["type"] == "metrics" for e in events)
    assert api.get(f"/fine_tuning/jobs/{job_id}/checkpoints").json()["data"]
    recorder.check()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nothing/here"),
        ("PUT", "/fine_tuning/jobs"),
        ("PATCH", "/files/file-x"),
        ("GET", "/fine_tuning/jobs/x/y/z"),
    ],
)
def test_paths_outside_the_spec_get_error_bodies(shared_api, method, path):
    """No operation to check them against, but clients still parse `error.code` / `error.message`."""
    response = shared_api.request(method, path)
    assert 400 <= response.status_code < 500
    assert definition_errors("ErrorResponse", response.json()) == []
