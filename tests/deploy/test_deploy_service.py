"""DeploymentService through the real azure-mgmt-cognitiveservices client against the emulator."""

from __future__ import annotations

import threading

import pytest

from aoft_tui.emulator import control_plane_state as cps
from aoft_tui.services.errors import AuthError, BadRequestError


def test_deploy_and_wait_follows_creating_to_succeeded(seeded_emulator, deployments, ft_model):
    states = []
    timer = threading.Timer(0.3, seeded_emulator.advance, [cps.PROVISION_SECONDS])
    timer.start()
    outcome = deployments.deploy(
        "waited",
        ft_model,
        sku="GlobalStandard",
        capacity=2,
        wait=True,
        progress=lambda d: states.append(d.state),
    )
    timer.join()
    assert outcome.created and outcome.deployment.state == "Succeeded"
    assert states[0] == "Creating" and states[-1] == "Succeeded"
    assert (outcome.deployment.sku, outcome.deployment.capacity) == ("GlobalStandard", 2)


def test_an_existing_deployment_is_reported_not_created_again(deployments, ft_model, registry):
    first = deployments.deploy("once", ft_model, sku="Standard")
    count = len(registry.all())
    second = deployments.deploy("once", ft_model, sku="Standard")
    assert first.created and not second.created
    assert len(registry.all()) == count
    assert second.deployment.state == "Creating"  # an interrupted deploy is found as it is


def test_an_interrupted_deploy_is_finished_by_running_it_again(seeded_emulator, deployments, ft_model):
    deployments.deploy("resumed", ft_model, sku="Standard")  # no wait: as if the user left
    seeded_emulator.advance(cps.PROVISION_SECONDS)
    outcome = deployments.deploy("resumed", ft_model, sku="Standard", wait=True)
    assert (outcome.created, outcome.deployment.state) == (False, "Succeeded")


def test_a_name_used_by_another_model_is_refused_before_any_put(deployments, registry):
    taken = registry.all()[0]
    with pytest.raises(BadRequestError, match="already exists"):
        deployments.deploy(taken.name, "gpt-4o-mini-2024-07-18.ft-other", sku="Standard")


@pytest.mark.parametrize(
    ("model", "sku", "code"),
    [
        (None, "Bogus", "InvalidResourceProperties"),
        ("gpt-4o-mini-2024-07-18.ft-0000-unknown", "Standard", "DeploymentModelNotSupported"),
    ],
)
def test_control_plane_refusals_keep_azure_code_and_message(deployments, ft_model, model, sku, code):
    with pytest.raises(BadRequestError) as info:
        deployments.deploy("refused", model or ft_model, sku=sku)
    assert str(info.value).startswith(code + ": ")


def test_quota_of_five_fine_tuned_deployments(deployments, ft_model, registry):
    for i in range(cps.MAX_FINE_TUNED_DEPLOYMENTS - registry.fine_tuned_count()):
        deployments.deploy(f"fill{i}", ft_model, sku="Developer")
    with pytest.raises(BadRequestError, match="InsufficientQuota"):
        deployments.deploy("sixth", ft_model, sku="Developer")


def test_only_a_key_configured_says_keys_do_not_work_on_the_control_plane(seeded_emulator):
    from aoft_tui.services.control_plane import ControlPlaneConfig
    from aoft_tui.services.deployments import DeploymentService

    class RefusingCredential:  # what DefaultAzureCredential does with no sign-in at hand
        def get_token(self, *scopes, **kwargs):
            from azure.core.exceptions import ClientAuthenticationError

            raise ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token")

    config = ControlPlaneConfig(
        cps.SUBSCRIPTION_ID, cps.RESOURCE_GROUP, cps.ACCOUNT_NAME, seeded_emulator.endpoint
    )
    service = DeploymentService(config, api_key_configured=True, credential=RefusingCredential())
    with pytest.raises(AuthError) as info:
        service.list()
    assert "does not accept API keys" in str(info.value) and "az login" in str(info.value)
    assert seeded_emulator.api_key not in str(info.value)


def test_wrong_token_is_an_auth_error_without_the_token(seeded_emulator):
    from aoft_tui.services.control_plane import ControlPlaneConfig
    from aoft_tui.services.deployments import DeploymentService
    from aoft_tui.services.settings import Secret

    config = ControlPlaneConfig(
        cps.SUBSCRIPTION_ID,
        cps.RESOURCE_GROUP,
        cps.ACCOUNT_NAME,
        seeded_emulator.endpoint,
        Secret("wrong-token-value"),
    )
    with pytest.raises(AuthError) as info:
        DeploymentService(config).list()
    assert "The access token is invalid." in str(info.value) and "wrong-token-value" not in str(info.value)


def test_plain_http_bearer_is_allowed_only_for_loopback():
    from azure.core.exceptions import ServiceRequestError

    from aoft_tui.services.control_plane import ControlPlaneConfig
    from aoft_tui.services.deployments import DeploymentService
    from aoft_tui.services.settings import Secret

    config = ControlPlaneConfig("s", "r", "a", "http://management.example.invalid", Secret("t"))
    service = DeploymentService(config)
    with pytest.raises(ServiceRequestError, match="non-TLS"):
        # the error is raised before anything is sent (the ConnectionFailed mapping is bypassed)
        service._client.deployments.get("r", "a", "x")


def test_delete_removes_and_reports_absence(deployments, registry):
    name = registry.all()[0].name
    assert deployments.delete(name) is True
    assert deployments.delete(name) is False
    assert deployments.get(name) is None


def test_config_reads_env_over_deploy_table(write_config, monkeypatch):
    from aoft_tui.services.control_plane import control_plane_config

    write_config(
        '[deploy]\nsubscription_id = "sub-file"\nresource_group = "rg-file"\naccount_name = "acct"\n'
    )
    monkeypatch.setenv("AZURE_RESOURCE_GROUP", "rg-env")
    config = control_plane_config()
    assert (config.subscription_id, config.resource_group, config.account_name) == (
        "sub-file",
        "rg-env",
        "acct",
    )
    assert config.management_endpoint == "https://management.azure.com" and config.token is None
