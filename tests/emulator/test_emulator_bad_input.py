"""Client mistakes are 400s in Azure's error shape, and never reach the stored state:
non-finite numbers, JSON nested past any real body, bad base64 in a files/import data URL."""

from __future__ import annotations

import json

import httpx2
import pytest

from aoft_tui.emulator.embedded import EmbeddedEmulator
from aoft_tui.emulator.persistence import QUARANTINE_FILE

from .contract_support import definition_errors
from .emulator_helpers import API_VERSION, MODEL, processed_file, sdk


@pytest.fixture
def http(emulator):
    with httpx2.Client(
        base_url=f"{emulator.endpoint}/openai",
        params={"api-version": API_VERSION},
        headers={"api-key": emulator.api_key, "content-type": "application/json"},
        timeout=10,
    ) as c:
        yield c


def _create_body(training_file: str, hp_json: str) -> bytes:
    return (
        f'{{"model": "{MODEL}", "training_file": "{training_file}", '
        f'"method": {{"type": "dpo", "dpo": {{"hyperparameters": {hp_json}}}}}}}'
    ).encode()


def _assert_azure_400(reply: httpx2.Response, *words: str) -> None:
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert definition_errors("ErrorResponse", body) == []
    assert body["error"]["type"] == "invalid_request_error"
    for word in words:
        assert word in body["error"]["message"]


@pytest.mark.parametrize(
    "hp_json",
    [
        '{"learning_rate_multiplier": 1e400}',
        '{"learning_rate_multiplier": Infinity}',
        '{"learning_rate_multiplier": NaN}',
        '{"beta": 1e999}',
        '{"beta": -Infinity}',
        '{"learning_rate_multiplier": 1' + "0" * 400 + "}",  # an integer no float can hold
    ],
)
def test_a_non_finite_number_is_a_400_and_never_stored(emulator, http, hp_json):
    training = processed_file(sdk(emulator))
    reply = http.post("/fine_tuning/jobs", content=_create_body(training, hp_json))
    _assert_azure_400(reply)
    assert emulator.job_count() == 0
    listed = http.get("/fine_tuning/jobs")
    assert listed.status_code == 200 and listed.json()["data"] == []


def test_the_message_names_the_number(emulator, http):
    training = processed_file(sdk(emulator))
    reply = http.post(
        "/fine_tuning/jobs", content=_create_body(training, '{"learning_rate_multiplier": 1e400}')
    )
    _assert_azure_400(reply, "1e400", "finite")


def test_json_nested_past_64_levels_is_a_400(emulator, http):
    for depth in (65, 5_000, 100_000):
        body = '{"model": ' + "[" * depth + "]" * depth + "}"
        _assert_azure_400(http.post("/fine_tuning/jobs", content=body.encode()), "nested")
        _assert_azure_400(http.post("/files/import", content=body.encode()), "nested")
    assert emulator.job_count() == 0


def test_deep_but_acceptable_nesting_still_reaches_validation(emulator, http):
    body = '{"model": ' + "[" * 60 + "]" * 60 + "}"
    _assert_azure_400(http.post("/fine_tuning/jobs", content=body.encode()), "'model'")


@pytest.mark.parametrize(
    "url",
    [
        "data:application/jsonl;base64,@@@not-base64@@@",
        "data:application/jsonl;base64,abc",  # bad padding
        "data:application/jsonl;base64,é",
    ],
)
def test_bad_base64_in_a_data_url_is_a_400(emulator, http, url):
    reply = http.post(
        "/files/import",
        content=json.dumps({"purpose": "fine-tune", "filename": "t.jsonl", "content_url": url}).encode(),
    )
    _assert_azure_400(reply, "base64")
    assert sdk(emulator).files.list().data == []


def test_good_base64_imports(emulator, http):
    import base64

    data = b'{"messages": []}\n'
    reply = http.post(
        "/files/import",
        content=json.dumps(
            {
                "purpose": "fine-tune",
                "filename": "t.jsonl",
                "content_url": "data:application/jsonl;base64," + base64.b64encode(data).decode(),
            }
        ).encode(),
    )
    assert reply.status_code == 201, reply.text
    assert sdk(emulator).files.content(reply.json()["id"]).content == data


def test_a_state_file_with_a_poisoned_job_is_repaired_with_a_warning(tmp_path):
    with EmbeddedEmulator(seed_jobs=3, speed=0, seed=4, state_dir=tmp_path) as first:
        ids = [j.id for j in sdk(first).fine_tuning.jobs.list().data]
    path = tmp_path / "emulator-state.json"
    state = json.loads(path.read_text())
    state["jobs"][0]["plan"]["learning_rate_multiplier"] = float("inf")  # what an old emulator saved
    state["jobs"][1]["status"] = 42
    path.write_text(json.dumps(state))  # writes the token Infinity, as json.dumps does
    bad = {state["jobs"][0]["id"], state["jobs"][1]["id"]}

    with EmbeddedEmulator(speed=0, seed=4, state_dir=tmp_path) as second:
        warnings = second.store.load_warnings
        assert len(warnings) == 2 and all(any(i in w for w in warnings) for i in bad)
        assert any("inf" in w.lower() for w in warnings)
        listed = [j.id for j in sdk(second).fine_tuning.jobs.list().data]
        assert listed == [i for i in ids if i not in bad]
    quarantined = [
        json.loads(line)["record"]["id"] for line in (tmp_path / QUARANTINE_FILE).read_text().splitlines()
    ]
    assert set(quarantined) == bad
    assert "Infinity" not in path.read_text()  # the repaired state was written back
