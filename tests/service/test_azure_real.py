"""The client against the live service's real shapes (tests/fixtures/azure-real/, sources in
SOURCE.md) and against the emulator, which answers in those shapes by default."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import openai
import pytest

from aoft_tui.services.error_mapping import translate
from aoft_tui.services.errors import AuthError, BadRequestError, NotFoundError, RateLimitError

REAL = Path(__file__).parents[1] / "fixtures" / "azure-real"
ENDPOINT = "https://res.openai.azure.com"


def real_error(name: str, status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    """The SDK exception the openai client raises for a real Azure answer stored in `name`."""
    raw = (REAL / name).read_bytes()
    request = httpx2.Request(
        "GET", f"{ENDPOINT}/openai/fine_tuning/jobs/ftjob-x?api-version=2025-04-01-preview"
    )
    response = httpx2.Response(
        status, content=raw, headers={"content-type": "application/json", **(headers or {})}, request=request
    )
    body = json.loads(raw)["error"]
    classes = {401: openai.AuthenticationError, 404: openai.NotFoundError, 429: openai.RateLimitError}
    return classes[status](f"Error code: {status}", response=response, body=body)


def test_real_404_names_the_subject_and_the_request_id() -> None:
    err = translate(
        real_error("404_resource_not_found.json", 404, {"apim-request-id": "a1b2-c3"}),
        endpoint=ENDPOINT,
        subject="Job ftjob-x",
    )
    assert isinstance(err, NotFoundError)
    assert "Job ftjob-x" in str(err) and "Resource not found" in str(err)
    assert "request id: a1b2-c3" in str(err) and err.request_id == "a1b2-c3"


def test_x_request_id_is_used_when_apim_request_id_is_absent() -> None:
    err = translate(real_error("401_access_denied.json", 401, {"x-request-id": "req-77"}), endpoint=ENDPOINT)
    assert isinstance(err, AuthError) and "request id: req-77" in str(err)


def test_a_day_long_wait_in_the_message_is_kept() -> None:
    err = translate(real_error("429_retry_after_a_day.json", 429), endpoint=ENDPOINT)
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 86400
    assert "1 day" in str(err) and "Please retry after 86400 seconds" in str(err)


def test_emulator_unknown_job_is_not_found_not_an_api_version_problem(service) -> None:
    with pytest.raises(NotFoundError, match="ftjob-nope") as info:
        service.get_job("ftjob-nope")
    assert "OPENAI_API_VERSION" not in str(info.value)
    assert info.value.request_id and f"request id: {info.value.request_id}" in str(info.value)


def test_emulator_wrong_api_version_is_told_apart_by_asking_the_models_list(emulator) -> None:
    from aoft_tui.services.finetuning import FineTuningService

    service = FineTuningService(emulator.endpoint, emulator.api_key, "2023-01-01", max_retries=0)
    try:
        with pytest.raises(BadRequestError, match="OPENAI_API_VERSION"):
            service.get_job("ftjob-nope")
        assert service.traffic.count("GET", "/models") == 1
    finally:
        service.close()


def test_emulator_429_with_the_wait_only_in_words(emulator, make_service) -> None:
    service = make_service(emulator, max_retries=0)
    emulator.faults.schedule(
        "429", method="GET", path_contains="/fine_tuning/jobs", retry_after=86400, wait_headers=False
    )
    with pytest.raises(RateLimitError) as info:
        service.list_jobs()
    assert info.value.retry_after == 86400 and "1 day" in str(info.value)
    assert info.value.request_id and info.value.request_id in str(info.value)


def _processed(service, write_dataset) -> str:
    info = service.upload_file(write_dataset(30))
    return service.wait_for_file(info.id, poll_interval=0.05, timeout=10).id


def test_a_tier_is_sent_without_being_asked_and_echoed(service, write_dataset) -> None:
    from aoft_tui.domain.models import JobSpec

    job = service.create_job(
        JobSpec(model="gpt-4.1-mini-2025-04-14", training_file=_processed(service, write_dataset))
    )
    assert job.raw["trainingType"] == "GlobalStandard"


def test_does_not_support_fine_tuning_says_to_try_another_tier(service, write_dataset) -> None:
    from aoft_tui.domain.models import JobSpec

    spec = JobSpec(
        model="gpt-4.1-mini-2025-04-14",
        training_file=_processed(service, write_dataset),
        training_type="standard",
    )  # no Standard training for gpt-4.1-mini in the emulated region
    with pytest.raises(BadRequestError) as info:
        service.create_job(spec)
    text = str(info.value)
    assert "does not support fine-tuning" in text and "--training-type globalstandard" in text
    assert info.value.request_id and info.value.request_id in text


def test_a_new_job_shows_auto_not_minus_one_and_keeps_the_raw_numbers() -> None:
    from aoft_tui.services.api_mapping import job_from_api
    from aoft_tui.ui.widgets.job_overview import hyperparameter_rows

    raw = json.loads((REAL / "job_at_creation.json").read_text())
    job = job_from_api(raw)
    assert job.result_files == () and job.estimated_finish is None
    assert dict(hyperparameter_rows(job)) == {
        "batch_size": "auto",
        "learning_rate_multiplier": "auto",
        "n_epochs": "auto",
    }
    assert job.raw["hyperparameters"]["n_epochs"] == -1  # --json stays the API's JSON
    resolved = job_from_api(
        {**raw, "hyperparameters": {"n_epochs": 3, "batch_size": 1, "learning_rate_multiplier": 1}}
    )
    assert dict(hyperparameter_rows(resolved))["learning_rate_multiplier"] == "1"


def test_a_rejected_file_explains_itself_from_either_field() -> None:
    from aoft_tui.services.api_mapping import file_from_api

    base = {"id": "file-1", "filename": "t.jsonl", "purpose": "fine-tune", "status": "error", "created_at": 1}
    old = file_from_api({**base, "status_details": "Line 3: missing 'messages'."})
    new = file_from_api(
        {
            **base,
            "status_details": None,
            "error": {"code": "invalid_file", "message": "Missing 'messages'.", "line": 3},
        }
    )
    assert old.status_details == "Line 3: missing 'messages'."
    assert new.status_details == "Missing 'messages'. (line 3)"
