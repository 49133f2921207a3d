"""Endpoints of every current form, checked with one clear message, shown masked."""

from __future__ import annotations

import pytest

from aoft_tui.services.endpoint import (
    checked_endpoint,
    endpoint_warnings,
    masked_endpoint,
    normalise_endpoint,
)
from aoft_tui.services.settings import ConfigError


@pytest.mark.parametrize(
    "host", ["my-res.openai.azure.com", "my-res.cognitiveservices.azure.com", "my-res.services.ai.azure.com"]
)
@pytest.mark.parametrize(
    "tail",
    [
        "",
        "/",
        "/openai",
        "/openai/",
        "/openai/v1",
        "/openai/v1/",
        "/OpenAI/V1",
        "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
    ],
)
def test_every_endpoint_form_normalises_to_the_resource(host: str, tail: str) -> None:
    assert checked_endpoint(f"  https://{host}{tail} ") == f"https://{host}"


def test_a_path_before_openai_is_kept() -> None:  # a gateway in front of the resource (APIM)
    assert normalise_endpoint("https://apim.example.com/aoai/openai/v1") == "https://apim.example.com/aoai"


@pytest.mark.parametrize("bad", ["http://[::1", "https://x.openai.azure.com:99999", "https://x:port/"])
def test_an_unparsable_endpoint_is_a_config_error_naming_its_source(bad: str) -> None:
    with pytest.raises(ConfigError) as err:
        checked_endpoint(bad, "AZURE_OPENAI_ENDPOINT")
    text = str(err.value)
    assert (
        text.startswith("AZURE_OPENAI_ENDPOINT is not a valid URL")
        and "https://<resource>.openai.azure.com" in text
    )


def test_an_endpoint_without_a_scheme_says_what_one_looks_like() -> None:
    with pytest.raises(ConfigError) as err:
        checked_endpoint("my-res.openai.azure.com", "profiles.dev.endpoint in /c/config.toml")
    assert str(err.value).startswith("profiles.dev.endpoint in /c/config.toml must be a URL like https://")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:pw@host.example:8080/x", "http://***@host.example:8080/x"),
        ("https://token@my.openai.azure.com", "https://***@my.openai.azure.com"),
        ("https://my.openai.azure.com", "https://my.openai.azure.com"),
        ("http://user:pw@[::1", "http://***"),
    ],
)
def test_credentials_in_the_url_are_masked(url: str, shown: str) -> None:
    assert masked_endpoint(url) == shown


def test_an_unparsable_endpoint_with_credentials_is_masked_in_the_error() -> None:
    with pytest.raises(ConfigError) as err:
        checked_endpoint("http://user:hunter2@[::1")
    assert "hunter2" not in str(err.value)


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://aoai.example.com", True),
        ("http://127.0.0.1:8080", False),
        ("http://localhost:1", False),
        ("http://[::1]:8080", False),
        ("https://x.openai.azure.com", False),
    ],
)
def test_plain_http_off_this_machine_is_warned_about(url: str, warned: bool) -> None:
    warnings = endpoint_warnings(url)
    assert bool(warnings) is warned
    if warned:
        assert "plain http" in warnings[0] and "https://" in warnings[0]
