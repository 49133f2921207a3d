"""HTTP failures become domain errors a person can act on — never with the key in them."""

from __future__ import annotations

import socket

import pytest

from aoft_tui.services.errors import (
    AuthError,
    ConnectionFailed,
    NotFoundError,
    RateLimitError,
    ServerError,
)


def test_wrong_key_names_the_endpoint_and_never_the_key(emulator, make_service) -> None:
    wrong = "wrong-key-0123456789abcdef"
    service = make_service(emulator, api_key=wrong)
    with pytest.raises(AuthError) as info:
        service.list_jobs()
    text = f"{info.value.title} {info.value} {info.value!r}"
    assert emulator.endpoint in text and "AZURE_OPENAI_API_KEY" in text
    assert wrong not in text and emulator.api_key not in text
    assert info.value.status_code == 401


def test_not_found_names_the_id(service) -> None:
    with pytest.raises(NotFoundError, match="file-nope"):
        service.get_file("file-nope")


def test_rate_limit_after_retries_says_it_gave_up_and_after_how_many_tries(emulator, make_service) -> None:
    """The error is what is left once the retries are spent: "retrying in 0 s" was a lie."""
    service = make_service(emulator, max_retries=2)
    emulator.faults.schedule("429", method="GET", path_contains="/fine_tuning/jobs", count=3, retry_after=0.2)
    with pytest.raises(RateLimitError) as info:
        service.list_jobs()
    text = str(info.value)
    assert info.value.retry_after == pytest.approx(0.2)
    assert "gave up after 3 tries" in text
    assert "asked to wait 0.2 s" in text
    assert "retrying" not in text


def test_rate_limit_without_retries_counts_one_try(emulator, make_service) -> None:
    service = make_service(emulator, max_retries=0)
    emulator.faults.schedule("429", method="GET", path_contains="/fine_tuning/jobs", count=1, retry_after=7)
    with pytest.raises(RateLimitError) as info:
        service.list_jobs()
    assert info.value.retry_after == pytest.approx(7)
    assert "gave up after 1 try" in str(info.value) and "wait 7.0 s" in str(info.value)


def test_rate_limit_is_retried_by_the_sdk(emulator, make_service) -> None:
    service = make_service(emulator, max_retries=2)
    emulator.faults.schedule(
        "429", method="GET", path_contains="/fine_tuning/jobs", count=1, retry_after=0.05
    )
    assert service.list_jobs() == []
    assert service.traffic.count("GET", "/fine_tuning/jobs") == 2


def test_server_error(emulator, make_service) -> None:
    service = make_service(emulator, max_retries=0)
    emulator.faults.schedule("500", method="GET", path_contains="/fine_tuning/jobs", count=1)
    with pytest.raises(ServerError, match="HTTP 500") as info:
        service.list_jobs()
    assert info.value.status_code == 500
    # Azure's message ends in a full stop; joining it to ours must not make "request.. This"
    assert "your request. This is a problem" in str(info.value)
    assert ".." not in str(info.value)


def test_unreachable_endpoint_is_a_connection_failure(emulator, make_service) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    service = make_service(emulator, endpoint=endpoint, max_retries=0)
    with pytest.raises(ConnectionFailed, match=endpoint):
        service.list_jobs()


def test_stalled_server_times_out_as_a_connection_failure(emulator, make_service) -> None:
    service = make_service(emulator, max_retries=0, timeout=0.3)
    emulator.faults.schedule("stall", method="GET", path_contains="/fine_tuning/jobs", count=1, seconds=1.0)
    with pytest.raises(ConnectionFailed, match="did not answer"):
        service.list_jobs()


def test_from_settings_requires_endpoint_and_key(monkeypatch) -> None:
    from aoft_tui.services.finetuning import FineTuningService
    from aoft_tui.services.settings import ConfigError, load_settings

    with pytest.raises(ConfigError, match="AZURE_OPENAI_ENDPOINT"):
        FineTuningService.from_settings(load_settings())
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com")
    monkeypatch.setenv("AZURE_OPENAI_KEY", "seed-document-spelling-key")  # the older variable name
    service = FineTuningService.from_settings(load_settings())
    assert service.endpoint == "https://example.openai.azure.com"
    service.close()


def test_truncated_body_is_retried_by_the_sdk(seeded_emulator, make_service) -> None:
    service = make_service(seeded_emulator, max_retries=2)
    seeded_emulator.faults.schedule("truncate", method="GET", path_contains="/fine_tuning/jobs", count=1)
    assert len(service.list_jobs()) == 8


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://res.openai.azure.com/", "https://res.openai.azure.com"),
        ("https://res.openai.azure.com/openai/", "https://res.openai.azure.com"),
        (" https://res.openai.azure.com/openai/v1 ", "https://res.openai.azure.com"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ],
)
def test_endpoint_is_normalised(given: str, expected: str) -> None:
    from aoft_tui.services.endpoint import normalise_endpoint

    assert normalise_endpoint(given) == expected


def test_endpoint_without_scheme_is_a_config_error(monkeypatch) -> None:
    from aoft_tui.services.finetuning import FineTuningService
    from aoft_tui.services.settings import ConfigError, load_settings

    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "res.openai.azure.com")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k" * 32)
    with pytest.raises(ConfigError, match="https://<resource>.openai.azure.com"):
        FineTuningService.from_settings(load_settings())


def test_emulator_works_with_an_openai_suffixed_endpoint(emulator, make_service) -> None:
    service = make_service(emulator, endpoint=emulator.endpoint + "/openai/")
    assert service.list_jobs() == []
    assert service.endpoint == emulator.endpoint


def test_unknown_api_version_says_what_to_set(emulator) -> None:
    from aoft_tui.services.errors import BadRequestError
    from aoft_tui.services.finetuning import FineTuningService

    service = FineTuningService(emulator.endpoint, emulator.api_key, "2023-01-01", max_retries=0)
    try:
        with pytest.raises(BadRequestError, match="OPENAI_API_VERSION") as info:
            service.list_jobs()
        assert "'2023-01-01'" in str(info.value)
    finally:
        service.close()


def test_pause_on_a_version_without_it_explains_instead_of_not_found(seeded_emulator) -> None:
    from aoft_tui.services.errors import BadRequestError
    from aoft_tui.services.finetuning import FineTuningService

    service = FineTuningService(seeded_emulator.endpoint, seeded_emulator.api_key, "2024-10-21")
    try:
        running = service.list_jobs(status="running")[0]
        with pytest.raises(BadRequestError, match="no 'pause' operation in API version '2024-10-21'"):
            service.pause_job(running.id)
        with pytest.raises(NotFoundError, match="ftjob-nope"):
            service.pause_job("ftjob-nope")
    finally:
        service.close()
