"""The emulator's ARM stand-in, over raw HTTP: auth, api-version, long-running create,
and Azure's error bodies for each refusal."""

from __future__ import annotations

from aoft_tui.emulator import control_plane_state as cps

from .arm_http import account_url, call, put_body


def test_missing_and_wrong_bearer_are_401_with_arm_codes(seeded_emulator):
    url = account_url(seeded_emulator.endpoint) + "/deployments"
    status, headers, body = call("GET", url, token=None)
    assert (status, body["error"]["code"]) == (401, "AuthenticationFailed")
    assert "www-authenticate" in headers
    status, _, body = call("GET", url, token="not-the-key")
    assert (status, body["error"]["code"]) == (401, "InvalidAuthenticationToken")


def test_api_version_is_required_and_checked(seeded_emulator):
    url = account_url(seeded_emulator.endpoint) + "/deployments"
    status, _, body = call("GET", url, token=seeded_emulator.api_key, api_version=None)
    assert (status, body["error"]["code"]) == (400, "MissingApiVersionParameter")
    status, _, body = call("GET", url, token=seeded_emulator.api_key, api_version="2019-01-01")
    assert (status, body["error"]["code"]) == (400, "NoRegisteredProviderFound")
    assert "2025-09-01" in body["error"]["message"]


def test_put_is_a_long_running_operation_until_the_clock_moves(seeded_emulator, ft_model):
    emu = seeded_emulator
    url = account_url(emu.endpoint) + "/deployments/support-v2"
    status, headers, body = call("PUT", url, token=emu.api_key, body=put_body(ft_model))
    assert status == 201
    assert body["properties"]["provisioningState"] == "Creating"
    operation = headers["azure-asyncoperation"]
    assert headers["location"] == operation and "operationResults" in operation
    status, _, op = call("GET", operation, token=emu.api_key, api_version=None)
    assert (status, op["status"]) == (200, "InProgress")
    emu.advance(cps.PROVISION_SECONDS)
    assert call("GET", operation, token=emu.api_key, api_version=None)[2]["status"] == "Succeeded"
    status, _, body = call("GET", url, token=emu.api_key)
    assert (status, body["properties"]["provisioningState"]) == (200, "Succeeded")
    assert body["properties"]["model"] == {"format": "OpenAI", "name": ft_model, "version": "1"}


def test_same_put_again_creates_nothing_new(seeded_emulator, ft_model, registry):
    url = account_url(seeded_emulator.endpoint) + "/deployments/twice"
    before = len(registry.all())
    first = call("PUT", url, token=seeded_emulator.api_key, body=put_body(ft_model))
    again = call("PUT", url, token=seeded_emulator.api_key, body=put_body(ft_model))
    assert (first[0], again[0]) == (201, 200)
    assert len(registry.all()) == before + 1


def test_wrong_sku_is_invalid_resource_properties(seeded_emulator, ft_model):
    url = account_url(seeded_emulator.endpoint) + "/deployments/bad-sku"
    status, _, body = call(
        "PUT", url, token=seeded_emulator.api_key, body=put_body(ft_model, sku="ProvisionedManaged")
    )
    assert (status, body["error"]["code"]) == (400, "InvalidResourceProperties")
    assert "ProvisionedManaged" in body["error"]["message"] and "Developer" in body["error"]["message"]


def test_name_taken_by_another_model_is_a_conflict(seeded_emulator, ft_model, registry):
    taken = next(d for d in registry.all() if d.fine_tuned).name
    url = account_url(seeded_emulator.endpoint) + "/deployments/" + taken
    status, _, body = call(
        "PUT",
        url,
        token=seeded_emulator.api_key,
        body=put_body("gpt-4o-mini", sku="GlobalStandard", version="2024-07-18"),
    )
    assert (status, body["error"]["code"]) == (409, "Conflict")
    assert taken in body["error"]["message"]


def test_a_sixth_fine_tuned_deployment_is_over_quota(seeded_emulator, ft_model, registry):
    emu = seeded_emulator
    already = registry.fine_tuned_count()
    for i in range(cps.MAX_FINE_TUNED_DEPLOYMENTS - already):
        assert (
            call(
                "PUT",
                account_url(emu.endpoint) + f"/deployments/q{i}",
                token=emu.api_key,
                body=put_body(ft_model),
            )[0]
            == 201
        )
    status, _, body = call(
        "PUT",
        account_url(emu.endpoint) + "/deployments/one-too-many",
        token=emu.api_key,
        body=put_body(ft_model),
    )
    assert (status, body["error"]["code"]) == (409, "InsufficientQuota")
    assert registry.fine_tuned_count() == cps.MAX_FINE_TUNED_DEPLOYMENTS


def test_a_model_that_is_not_fine_tuned_here_is_refused(seeded_emulator):
    url = account_url(seeded_emulator.endpoint) + "/deployments/nope"
    status, _, body = call(
        "PUT", url, token=seeded_emulator.api_key, body=put_body("gpt-4o-mini-2024-07-18.ft-0000-not-ours")
    )
    assert (status, body["error"]["code"]) == (400, "DeploymentModelNotSupported")


def test_unknown_resource_group_is_404(seeded_emulator):
    url = account_url(seeded_emulator.endpoint, rg="elsewhere") + "/deployments"
    status, _, body = call("GET", url, token=seeded_emulator.api_key)
    assert (status, body["error"]["code"]) == (404, "ResourceGroupNotFound")


def test_idle_and_developer_deployments_end_on_the_demo_clock(seeded_emulator, ft_model, registry):
    emu = seeded_emulator
    call(
        "PUT",
        account_url(emu.endpoint) + "/deployments/dev",
        token=emu.api_key,
        body=put_body(ft_model, sku="Developer"),
    )
    emu.advance(cps.DEVELOPER_LIFETIME_SECONDS)
    names = {d.name for d in registry.all()}
    assert "dev" not in names and any(d.fine_tuned for d in registry.all())
    emu.advance(cps.IDLE_LIMIT_SECONDS)
    assert not any(d.fine_tuned for d in registry.all())  # 15 idle days: the demo's one is gone too
    assert any(not d.fine_tuned for d in registry.all())  # a base deployment has no idle limit


def test_delete_is_200_then_204(seeded_emulator, registry):
    name = registry.all()[0].name
    url = account_url(seeded_emulator.endpoint) + "/deployments/" + name
    assert call("DELETE", url, token=seeded_emulator.api_key)[0] == 200
    assert call("DELETE", url, token=seeded_emulator.api_key)[0] == 204
    assert call("GET", url, token=seeded_emulator.api_key)[2]["error"]["code"] == "DeploymentNotFound"


def test_deployments_survive_an_emulator_restart(tmp_path):
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator(seed_jobs=8, speed=0, seed=7, state_dir=tmp_path, api_key="k") as emu:
        model = next(d.model for d in cps.registry_for(emu.store).all() if d.fine_tuned)
        assert (
            call("PUT", account_url(emu.endpoint) + "/deployments/kept", token="k", body=put_body(model))[0]
            == 201
        )
    with EmbeddedEmulator(seed_jobs=8, speed=0, seed=7, state_dir=tmp_path, api_key="k") as emu:
        _, _, body = call("GET", account_url(emu.endpoint) + "/deployments", token="k")
        assert "kept" in {d["name"] for d in body["value"]}
