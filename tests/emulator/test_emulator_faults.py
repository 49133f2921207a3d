"""Injected faults: what a client sees, and that state stays consistent."""

from __future__ import annotations

import httpx2
import openai
import pytest

from aoft_tui.emulator.embedded import EmbeddedEmulator

from .emulator_helpers import API_VERSION, MODEL, create_job, processed_file, sdk


def test_429_carries_retry_after_and_the_sdk_retries(emulator, client):
    emulator.faults.schedule("429", method="GET", path_contains="/fine_tuning/jobs", retry_after=0.1)
    with pytest.raises(openai.RateLimitError) as err:
        client.fine_tuning.jobs.list()
    assert err.value.response.headers["retry-after"] == "1"
    assert err.value.response.headers["retry-after-ms"] == "100"
    # Azure's shape: code "429", the wait in words, request id, region and x-ratelimit-* headers
    assert err.value.body["code"] == "429" and "Please retry after 0.1 seconds" in err.value.body["message"]
    headers = err.value.response.headers
    assert (
        headers["apim-request-id"]
        and headers["x-ms-region"]
        and headers["x-ratelimit-remaining-requests"] == "0"
    )
    emulator.faults.schedule("429", method="GET", path_contains="/fine_tuning/jobs", retry_after=0.1)
    assert sdk(emulator, max_retries=1).fine_tuning.jobs.list().data == []


@pytest.mark.parametrize(
    ("kind", "error"), [("500", openai.InternalServerError), ("503", openai.InternalServerError)]
)
def test_server_errors(emulator, client, kind, error):
    emulator.faults.schedule(kind, method="GET", path_contains="/files")
    with pytest.raises(error) as err:
        client.files.list()
    assert err.value.status_code == int(kind)


def test_reset_before_drops_the_request_unhandled(emulator, client):
    train = processed_file(client)
    emulator.faults.schedule("reset_before")
    with pytest.raises(openai.APIConnectionError):
        create_job(client, train)
    assert emulator.job_count() == 0


def test_reset_after_commits_then_drops_and_idempotency_makes_the_retry_safe(emulator):
    client = sdk(emulator, max_retries=2)
    train = processed_file(client)
    emulator.faults.schedule("reset_after")
    job = create_job(client, train, extra_headers={"Idempotency-Key": "once"})  # retried by the SDK
    assert emulator.job_count() == 1
    assert client.fine_tuning.jobs.list().data[0].id == job.id
    assert emulator.faults.injected[0][0] == "reset_after"


def test_reset_after_without_a_key_duplicates(emulator):
    """Why the key matters: a blind retry after a lost response makes a second job."""
    client = sdk(emulator, max_retries=2)
    train = processed_file(client)
    emulator.faults.schedule("reset_after")
    create_job(client, train)
    assert emulator.job_count() == 2


def test_truncated_body_is_a_connection_error(emulator, client):
    emulator.faults.schedule("truncate", method="GET", path_contains="/models")
    with pytest.raises(openai.APIConnectionError):
        client.models.list()
    assert len(client.models.list().data) > 5  # the next request is whole


def test_stall_trips_a_client_timeout(emulator):
    emulator.faults.schedule("stall", method="GET", path_contains="/files", seconds=1.0)
    with pytest.raises(openai.APITimeoutError):
        sdk(emulator, timeout=0.3).files.list()


def test_random_faults_are_deterministic_for_a_seed():
    def run() -> list[int]:
        with EmbeddedEmulator(speed=0, seed=5, fault_rate=0.5) as emu, httpx2.Client(timeout=5) as http:
            codes = []
            for _ in range(20):
                try:
                    r = http.get(
                        f"{emu.endpoint}/openai/models",
                        params={"api-version": API_VERSION},
                        headers={"api-key": emu.api_key},
                    )
                    codes.append(r.status_code)
                except httpx2.TransportError:
                    codes.append(-1)
            return codes

    first = run()
    assert first == run()
    assert 200 in first and len(set(first)) > 2


def test_scheduled_faults_match_method_and_path(emulator, client):
    emulator.faults.schedule("500", method="POST", path_contains="/fine_tuning/jobs", count=2)
    client.fine_tuning.jobs.list()  # GET: untouched
    train = processed_file(client)  # POST /files: untouched
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            create_job(client, train)
    assert create_job(client, train).model == MODEL
    with pytest.raises(ValueError, match="unknown fault kind"):
        emulator.faults.schedule("teapot")


def test_a_retrying_client_gets_through_random_faults_with_consistent_state():
    with EmbeddedEmulator(speed=0, seed=11, fault_rate=0.25) as emu:
        client = sdk(emu, max_retries=8)
        train = processed_file(client)
        ids = {create_job(client, train, extra_headers={"Idempotency-Key": f"job-{i}"}).id for i in range(3)}
        emu.advance(4 * 3600)
        jobs = client.fine_tuning.jobs.list().data
        assert {j.id for j in jobs} == ids and {j.status for j in jobs} == {"succeeded"}
        assert {kind for kind, _, _ in emu.faults.injected} >= {"429", "reset_before"}
