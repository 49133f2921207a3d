"""The HTTP surface: auth, api-version, /openai/v1, Azure error bodies, idempotency, uploads."""

from __future__ import annotations

import hashlib

import httpx2
import openai
import pytest

from aoft_tui.emulator.errors import ACCESS_DENIED

from .emulator_helpers import API_VERSION, MODEL, chat_lines, create_job, processed_file, sdk


@pytest.fixture
def http(emulator):
    with httpx2.Client(base_url=emulator.endpoint, timeout=10) as c:
        yield c


def test_wrong_or_missing_key_is_401_with_azures_words(emulator, http):
    bad = sdk(emulator, api_key="not-the-key")
    with pytest.raises(openai.AuthenticationError) as err:
        bad.fine_tuning.jobs.list()
    assert (
        err.value.body["message"] == ACCESS_DENIED and err.value.body["code"] == "401"
    )  # the gateway's code
    r = http.get("/openai/fine_tuning/jobs", params={"api-version": API_VERSION})
    assert r.status_code == 401 and r.json() == {"error": {"code": "401", "message": ACCESS_DENIED}}
    assert "not-the-key" not in r.text


def test_bearer_token_is_accepted(emulator, http):
    r = http.get(
        "/openai/fine_tuning/jobs",
        params={"api-version": API_VERSION},
        headers={"Authorization": f"Bearer {emulator.api_key}"},
    )
    assert r.status_code == 200 and r.json()["object"] == "list"


@pytest.mark.parametrize("params", [{}, {"api-version": "2099-01-01"}])
def test_missing_or_unknown_api_version_is_azures_bare_404(emulator, http, params):
    r = http.get("/openai/fine_tuning/jobs", params=params, headers={"api-key": emulator.api_key})
    assert r.status_code == 404
    # the live gateway's body, exactly (tests/fixtures/azure-real/404_resource_not_found.json)
    assert r.json() == {"error": {"code": "404", "message": "Resource not found"}}


@pytest.mark.parametrize("params", [{}, {"api-version": "2099-01-01"}])
def test_strict_spec_404_keeps_the_spec_shape_and_names_the_parameter(params):
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with (
        EmbeddedEmulator(speed=0.0, strict_spec=True) as strict,
        httpx2.Client(base_url=strict.endpoint) as http,
    ):
        r = http.get("/openai/fine_tuning/jobs", params=params, headers={"api-key": strict.api_key})
    assert r.status_code == 404
    assert r.json()["error"] == {
        "code": "notFound",
        "message": "Resource not found",
        "param": "api-version",
        "type": "invalid_request_error",
    }


def test_unknown_job_is_the_same_bare_404_and_every_answer_has_a_request_id(emulator, http):
    r = http.get(
        "/openai/fine_tuning/jobs/ftjob-nope",
        params={"api-version": API_VERSION},
        headers={"api-key": emulator.api_key},
    )
    assert r.status_code == 404 and r.json() == {"error": {"code": "404", "message": "Resource not found"}}
    assert r.headers["apim-request-id"] == r.headers["x-request-id"] and r.headers["x-ms-region"]
    ok = http.get(
        "/openai/fine_tuning/jobs", params={"api-version": API_VERSION}, headers={"api-key": emulator.api_key}
    )
    assert ok.headers["apim-request-id"] != r.headers["apim-request-id"]


@pytest.mark.parametrize(
    "version", ["2024-10-21", "2024-05-01-preview", "2024-08-01-preview", "2025-02-01-preview"]
)
def test_known_api_versions_are_accepted(emulator, version):
    assert sdk(emulator, api_version=version).fine_tuning.jobs.list().data == []


def test_v1_paths_need_no_api_version(emulator, http, client):
    job = create_job(client, processed_file(client))
    r = http.get(f"/openai/v1/fine_tuning/jobs/{job.id}", headers={"api-key": emulator.api_key})
    assert r.status_code == 200 and r.json()["id"] == job.id
    assert r.json()["method"]["supervised"]["hyperparameters"]["n_epochs"] == -1  # OpenAI's shape on v1
    v1 = openai.OpenAI(base_url=f"{emulator.endpoint}/openai/v1", api_key=emulator.api_key, max_retries=0)
    assert [j.id for j in v1.fine_tuning.jobs.list().data] == [job.id]


def test_ga_version_has_no_pause(emulator, client):
    job = create_job(client, processed_file(client))
    emulator.advance(130)
    client.fine_tuning.jobs.pause(job.id)
    ga = sdk(emulator, api_version="2024-10-21")
    assert ga.fine_tuning.jobs.retrieve(job.id).status == "running"
    with pytest.raises(openai.NotFoundError):
        ga.fine_tuning.jobs.resume(job.id)


def test_unknown_route_is_an_azure_404(emulator, http):
    r = http.get("/openai/nope", params={"api-version": API_VERSION}, headers={"api-key": emulator.api_key})
    assert r.status_code == 404 and r.json()["error"]["code"] == "404"


@pytest.mark.parametrize(
    ("kwargs", "param", "fragment"),
    [
        ({"suffix": "x" * 41}, "suffix", "up to 40 characters"),
        ({"suffix": "has space"}, "suffix", "a-z, A-Z, 0-9, - and _"),
        ({"model": "gpt-9"}, "model", "does not support fine-tuning"),
        ({"training_file": "file-doesnotexist"}, "training_file", "does not exist"),
        ({"hyperparameters": {"n_epochs": 0}}, "n_epochs", "from 1 to 50"),
        ({"method": {"type": "magic"}}, "method", "method.type"),
        ({"extra_body": {"trainingType": "premium"}}, "trainingType", "GlobalStandard"),
    ],
)
def test_bad_create_requests_are_400_with_the_param(client, kwargs, param, fragment):
    train = processed_file(client)
    args = {"model": MODEL, "training_file": train, **kwargs}
    with pytest.raises(openai.BadRequestError) as err:
        client.fine_tuning.jobs.create(**args)
    assert err.value.body["param"] == param and fragment in err.value.body["message"]
    assert client.fine_tuning.jobs.list().data == []


@pytest.mark.parametrize(
    "spelling", ["GlobalStandard", "globalstandard", "Standard", "developer", "developerTier", 1]
)
def test_training_type_spellings(client, spelling):
    # gpt-4o: every tier, Standard included, in the emulated region
    job = create_job(
        client, processed_file(client), model="gpt-4o-2024-08-06", extra_body={"trainingType": spelling}
    )
    assert job.status == "pending"


def test_idempotency_key_returns_the_same_job(emulator, client):
    train = processed_file(client)
    headers = {"Idempotency-Key": "abc-123"}
    a = create_job(client, train, extra_headers=headers)
    b = create_job(client, train, extra_headers=headers)
    c = create_job(client, train, extra_headers={"Idempotency-Key": "other"})
    assert a.id == b.id != c.id
    assert emulator.job_count() == 2


def test_unknown_ids_are_404(client):
    with pytest.raises(openai.NotFoundError):
        client.fine_tuning.jobs.retrieve("ftjob-0")
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve("file-0")
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-9")


def test_files_list_filters_orders_and_deletes(client):
    a = processed_file(client, name="a.jsonl")
    b = processed_file(client, name="b.jsonl")
    assert [f.id for f in client.files.list(purpose="fine-tune").data] == [b, a]
    assert [f.id for f in client.files.list(order="asc").data] == [a, b]
    assert client.files.list(purpose="fine-tune-results").data == []
    assert client.files.delete(a).deleted is True
    assert [f.id for f in client.files.list().data] == [b]
    assert client.files.content(b).content == chat_lines(20)


def test_uploads_api_assembles_parts_into_a_file(client):
    data = chat_lines(30)
    upload = client.uploads.create(
        bytes=len(data), filename="big.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    )
    assert upload.status == "pending"
    half = len(data) // 2
    parts = [client.uploads.parts.create(upload.id, data=chunk) for chunk in (data[:half], data[half:])]
    done = client.uploads.complete(
        upload.id, part_ids=[p.id for p in parts], md5=hashlib.md5(data).hexdigest()
    )
    assert done.status == "completed" and done.file.filename == "big.jsonl"
    assert client.files.content(done.file.id).content == data
    other = client.uploads.create(
        bytes=10, filename="x.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    )
    assert client.uploads.cancel(other.id).status == "cancelled"
    with pytest.raises(openai.BadRequestError):
        client.uploads.complete(other.id, part_ids=["x"])


def test_upload_with_wrong_total_size_is_refused(client):
    upload = client.uploads.create(
        bytes=999, filename="x.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    )
    part = client.uploads.parts.create(upload.id, data=b"{}\n")
    with pytest.raises(openai.BadRequestError, match="bytes=999"):
        client.uploads.complete(upload.id, part_ids=[part.id])


def test_models_come_from_the_catalog(client):
    models = {m.id: m for m in client.models.list().data}
    assert "gpt-4o-mini-2024-07-18" in models
    raw = client.models.with_raw_response.retrieve("gpt-35-turbo-0613").http_response.json()
    assert raw["lifecycle_status"] == "deprecated" and raw["capabilities"]["fine_tune"] is False
    feb_2025 = 1738368000  # the catalog's 2025-02-01, as a unix timestamp
    assert raw["deprecation"] == {"fine_tune": feb_2025, "inference": feb_2025}


def test_reinforcement_is_a_v1_method(emulator, client):
    train = processed_file(client)
    with pytest.raises(openai.BadRequestError, match="/openai/v1") as err:
        create_job(client, train, model="o4-mini-2025-04-16", method={"type": "reinforcement"})
    assert err.value.body["param"] == "method"
    v1 = openai.OpenAI(base_url=f"{emulator.endpoint}/openai/v1", api_key=emulator.api_key, max_retries=0)
    grader = {
        "type": "string_check",
        "name": "exact",
        "input": "{{sample.output_text}}",
        "reference": "{{item.answer}}",
        "operation": "eq",
    }
    job = v1.fine_tuning.jobs.create(
        model="o4-mini-2025-04-16",
        training_file=train,
        method={"type": "reinforcement", "reinforcement": {"grader": grader}},
    )
    assert job.method.type == "reinforcement"
    with pytest.raises(openai.BadRequestError, match="not supported for model"):
        v1.fine_tuning.jobs.create(
            model="o4-mini-2025-04-16", training_file=train, method={"type": "supervised"}
        )


@pytest.mark.parametrize(
    ("model", "extra_body"),
    [
        (
            "gpt-4.1-mini-2025-04-14",
            None,
        ),  # no tier: Azure trains in Standard, absent in this region for gpt-4.1
        ("gpt-4o-mini-2024-07-18", {"trainingType": "Standard"}),
        ("gpt-35-turbo-0125", {"trainingType": "GlobalStandard"}),  # older models train regionally only
    ],
)
def test_a_tier_the_model_cannot_train_in_gets_azures_misleading_answer(client, model, extra_body):
    with pytest.raises(openai.BadRequestError) as err:
        create_job(client, processed_file(client), model=model, extra_body=extra_body or {})
    assert err.value.body["message"] == "The specified base model does not support fine-tuning."


def test_the_tier_is_echoed_on_the_job_and_standard_works_where_the_region_has_it(client, http, emulator):
    job = create_job(
        client, processed_file(client), model="gpt-4o-2024-08-06", extra_body={"trainingType": "Standard"}
    )
    r = http.get(
        f"/openai/fine_tuning/jobs/{job.id}",
        params={"api-version": API_VERSION},
        headers={"api-key": emulator.api_key},
    )
    assert r.json()["trainingType"] == "Standard"
    assert create_job(client, processed_file(client)).model_extra["trainingType"] == "GlobalStandard"
