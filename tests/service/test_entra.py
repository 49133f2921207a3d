"""Microsoft Entra ID sign-in, end to end: azure-identity's real token provider, the openai
SDK's `azure_ad_token_provider`, and the emulator checking the bearer tokens it issued."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from aoft_tui.services.credentials import COGNITIVE_SERVICES_SCOPE, SignInError
from aoft_tui.services.finetuning import FineTuningService
from aoft_tui.services.settings import ConfigError, Settings


class EmulatorCredential:
    """A TokenCredential whose tokens the emulator issued (what Entra does for Azure)."""

    def __init__(self, emulator, lifetime: float = 3600.0) -> None:
        self.emulator = emulator
        self.lifetime = lifetime
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        self.scopes.append(scopes)
        token, expires_on = self.emulator.issue_token(self.lifetime)
        return AccessToken(token, expires_on)


class FailingCredential:
    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        raise ClientAuthenticationError("AADSTS700016: Application not found in the directory.")


def entra_settings(emulator) -> Settings:
    return Settings(endpoint=emulator.endpoint, auth="entra")


def _listing_error(settings: Settings, error: type[Exception], credential=None) -> str:
    """The message of the `error` that listing the jobs with these settings raises."""
    service = FineTuningService.from_settings(settings, credential=credential)
    try:
        with pytest.raises(error) as err:
            service.list_jobs()
    finally:
        service.close()
    return str(err.value)


def test_jobs_are_listed_with_an_entra_token_and_no_key(seeded_emulator) -> None:
    credential = EmulatorCredential(seeded_emulator)
    service = FineTuningService.from_settings(entra_settings(seeded_emulator), credential=credential)
    try:
        jobs = service.list_jobs()
        job = service.get_job(jobs[0].id)
    finally:
        service.close()
    assert len(jobs) == 8 and job.id == jobs[0].id
    assert credential.scopes and set(credential.scopes) == {(COGNITIVE_SERVICES_SCOPE,)}
    assert seeded_emulator.tokens_accepted >= 2  # the requests went in on the token, not a key


def test_the_prefetched_first_list_carries_the_bearer_token(seeded_emulator) -> None:
    credential = EmulatorCredential(seeded_emulator)
    service = FineTuningService.from_settings(entra_settings(seeded_emulator), credential=credential)
    try:
        service.prefetch_job_list()
        deadline = time.monotonic() + 5
        while not service.first_list_arrived and time.monotonic() < deadline:
            time.sleep(0.01)
        arrived = service.first_list_arrived  # False if the prefetch was refused (then the SDK lists)
        jobs = service.list_jobs()
    finally:
        service.close()
    assert arrived and len(jobs) == 8 and seeded_emulator.tokens_accepted == 1  # one GET, on the token


def test_an_expired_token_is_refreshed_not_reported(seeded_emulator) -> None:
    # short-lived tokens: the first has expired by the second request, so a new one is needed
    credential = EmulatorCredential(seeded_emulator, lifetime=1.0)
    service = FineTuningService.from_settings(entra_settings(seeded_emulator), credential=credential)
    try:
        assert len(service.list_jobs()) == 8
        time.sleep(1.2)
        assert len(service.list_jobs()) == 8
    finally:
        service.close()
    assert len(credential.scopes) >= 2


def test_a_token_the_emulator_did_not_issue_is_refused(seeded_emulator) -> None:
    import httpx

    response = httpx.get(
        f"{seeded_emulator.endpoint}/openai/fine_tuning/jobs?api-version=2025-04-01-preview",
        headers={"Authorization": "Bearer forged"},
    )
    real = json.loads(
        (Path(__file__).parents[1] / "fixtures/azure-real/401_invalid_bearer_token.json").read_text()
    )
    assert response.status_code == 401 and response.json() == real  # Azure's own shape for a bad token


def test_a_failed_sign_in_is_one_message_naming_the_chain(seeded_emulator) -> None:
    text = _listing_error(entra_settings(seeded_emulator), SignInError, FailingCredential())
    assert "tried: FailingCredential" in text and "AADSTS700016" in text and "az login" in text


def test_azure_cli_sign_in_without_the_cli_names_it(seeded_emulator, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `az` anywhere
    settings = Settings(endpoint=seeded_emulator.endpoint, auth="azure-cli")
    text = _listing_error(settings, SignInError)
    assert "tried: AzureCliCredential" in text and "az login" in text and "Traceback" not in text


def test_entra_without_the_extra_installed_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "azure.identity", None)  # what a missing package looks like
    settings = Settings(endpoint="https://x.openai.azure.com", auth="entra")
    with pytest.raises(ConfigError) as err:
        FineTuningService.from_settings(settings)
    assert "pip install 'aoft-tui[entra]'" in str(err.value) and 'auth = "entra"' in str(err.value)


class ForgedCredential:
    """A sign-in that succeeds locally but whose token the resource does not accept (wrong
    tenant, or the identity lacks a role: Azure answers 401 either way)."""

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        return AccessToken("forged-token-not-issued-by-the-emulator", int(time.time()) + 3600)


def test_a_rejected_token_is_reported_as_a_token_with_the_role_to_grant(seeded_emulator) -> None:
    from aoft_tui.services.errors import AuthError

    text = _listing_error(entra_settings(seeded_emulator), AuthError, ForgedCredential())
    assert "API key" not in text and "AZURE_OPENAI_API_KEY" not in text
    assert "token was rejected" in text and "Cognitive Services OpenAI Contributor" in text
    assert "forged-token" not in text  # the token itself never reaches a message
