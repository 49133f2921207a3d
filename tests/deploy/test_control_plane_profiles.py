"""Where the control plane's names and sign-in come from: the active profile first, then the
environment, then `[deploy]`; a missing resource group/account is found from the endpoint."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aoft_tui.cli import main
from aoft_tui.emulator import control_plane_state as cps
from aoft_tui.services.account_discovery import match_account
from aoft_tui.services.control_plane import control_plane_config, credential_for
from aoft_tui.services.deployments import DeploymentService, DeployUnavailable
from aoft_tui.services.settings import Secret, load_settings

PROFILE = """
default_profile = "prod"
[deploy]
subscription_id = "from-deploy-table"
resource_group = "rg-from-deploy-table"
account_name = "account-from-deploy-table"
[profiles.prod]
endpoint = "https://prod-aoai.openai.azure.com"
auth = "azure-cli"
subscription_id = "sub-from-profile"
resource_group = "rg-from-profile"
"""


def test_profile_names_come_first_then_environment_then_deploy_table(write_config) -> None:
    write_config(PROFILE)
    env = {"AZURE_SUBSCRIPTION_ID": "sub-from-env", "AZURE_RESOURCE_GROUP": "rg-from-env"}
    config = control_plane_config(env, load_settings())
    assert (config.subscription_id, config.resource_group) == ("sub-from-profile", "rg-from-profile")
    assert config.account_name == "account-from-deploy-table"  # neither profile nor environment has it
    assert config.sources["subscription_id"] == "profile prod"
    assert config.sources["account_name"].startswith("deploy.account_name")
    assert config.data_endpoint == "https://prod-aoai.openai.azure.com" and config.auth == "azure-cli"


def test_environment_fills_what_the_profile_leaves_out(write_config) -> None:
    write_config('[profiles.p]\nendpoint = "https://x.openai.azure.com"\nsubscription_id = "s"\n')
    config = control_plane_config({"AZURE_OPENAI_ACCOUNT": "acct-env"}, load_settings(profile="p"))
    assert (config.subscription_id, config.account_name, config.resource_group) == ("s", "acct-env", None)
    assert config.sources["account_name"] == "AZURE_OPENAI_ACCOUNT"


def test_the_profile_auth_picks_the_credential(write_config) -> None:
    pytest.importorskip("azure.identity")
    from azure.identity import AzureCliCredential, DefaultAzureCredential

    write_config(PROFILE)
    assert isinstance(credential_for(control_plane_config({}, load_settings())), AzureCliCredential)
    keyed = control_plane_config({}, load_settings(auth="key"))
    assert isinstance(credential_for(keyed), DefaultAzureCredential)


def _subscription_only(emu) -> object:
    from aoft_tui.services.control_plane import ControlPlaneConfig

    return ControlPlaneConfig(
        cps.SUBSCRIPTION_ID, None, None, emu.endpoint, Secret(emu.api_key), data_endpoint=emu.endpoint
    )


def test_a_missing_account_is_found_from_the_endpoint(seeded_emulator) -> None:
    service = DeploymentService(_subscription_only(seeded_emulator), poll_interval=0.02)
    try:
        assert (service.config.resource_group, service.config.account_name) == (
            cps.RESOURCE_GROUP,
            cps.ACCOUNT_NAME,
        )
        assert service.found is not None and cps.ACCOUNT_NAME in service.found.note()
        assert any(d.fine_tuned for d in service.list())
    finally:
        service.close()


def test_no_account_serving_the_endpoint_is_one_clear_message(seeded_emulator) -> None:
    from dataclasses import replace

    config = replace(_subscription_only(seeded_emulator), data_endpoint="https://elsewhere.openai.azure.com")
    with pytest.raises(DeployUnavailable) as err:
        DeploymentService(config, poll_interval=0.02)
    text = str(err.value)
    assert "elsewhere.openai.azure.com" in text and cps.ACCOUNT_NAME in text and "account_name" in text
    assert seeded_emulator.api_key not in text


def test_cli_finds_the_account_and_says_which(arm_env, monkeypatch) -> None:
    monkeypatch.delenv("AZURE_RESOURCE_GROUP")
    monkeypatch.delenv("AZURE_OPENAI_ACCOUNT")
    result = CliRunner().invoke(main, ["deployments", "--json"])
    assert result.exit_code == 0, result.output
    assert f"Found account {cps.ACCOUNT_NAME} in resource group {cps.RESOURCE_GROUP}" in result.stderr
    assert any(row["fine_tuned"] for row in json.loads(result.stdout))


class _Props:
    def __init__(self, endpoint: str, endpoints: dict | None = None, custom: str | None = None) -> None:
        self.endpoint, self.endpoints, self.custom_sub_domain_name = endpoint, endpoints, custom


class _Account:
    def __init__(self, name: str, rg: str, props: _Props) -> None:
        self.name, self.properties = name, props
        self.id = (
            f"/subscriptions/s/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{name}"
        )


def test_an_ai_services_account_matches_by_its_openai_endpoint_or_subdomain() -> None:
    # AI Services (Foundry) resources answer on *.cognitiveservices.azure.com and list the
    # *.openai.azure.com address among properties.endpoints
    foundry = _Account(
        "my-foundry",
        "rg-ai",
        _Props(
            "https://my-foundry.cognitiveservices.azure.com/",
            {"OpenAI Language Model Instance API": "https://my-foundry.openai.azure.com/"},
        ),
    )
    other = _Account("speech", "rg-x", _Props("https://westus.api.cognitive.microsoft.com/"))
    found = match_account([other, foundry], "https://my-foundry.openai.azure.com")
    assert found is not None and (found.resource_group, found.account_name) == ("rg-ai", "my-foundry")
    by_subdomain = _Account("renamed", "rg-y", _Props("https://x.example/", custom="team-aoai"))
    assert match_account([by_subdomain], "https://team-aoai.openai.azure.com/").account_name == "renamed"
    assert match_account([other], "https://my-foundry.openai.azure.com") is None
