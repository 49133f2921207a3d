"""Fixtures for deploy tests: the emulator's control plane reached through the real
azure-mgmt-cognitiveservices client, and CLI environment pointing at it."""

from __future__ import annotations

import pytest

from aoft_tui.emulator import control_plane_state as cps


@pytest.fixture
def arm_env(seeded_emulator, monkeypatch):
    """Environment for `aoft-tui deploy …` against the seeded emulator (both planes)."""
    emu = seeded_emulator
    for name, value in {
        "AZURE_OPENAI_ENDPOINT": emu.endpoint,
        "AZURE_OPENAI_API_KEY": emu.api_key,
        "AZURE_MANAGEMENT_ENDPOINT": emu.endpoint,
        "AOFT_MANAGEMENT_TOKEN": emu.api_key,
        "AZURE_SUBSCRIPTION_ID": cps.SUBSCRIPTION_ID,
        "AZURE_RESOURCE_GROUP": cps.RESOURCE_GROUP,
        "AZURE_OPENAI_ACCOUNT": cps.ACCOUNT_NAME,
    }.items():
        monkeypatch.setenv(name, value)
    return emu


@pytest.fixture
def deployments(seeded_emulator):
    from aoft_tui.services.control_plane import ControlPlaneConfig
    from aoft_tui.services.deployments import DeploymentService
    from aoft_tui.services.settings import Secret

    config = ControlPlaneConfig(
        cps.SUBSCRIPTION_ID,
        cps.RESOURCE_GROUP,
        cps.ACCOUNT_NAME,
        seeded_emulator.endpoint,
        Secret(seeded_emulator.api_key),
    )
    service = DeploymentService(config, poll_interval=0.02)
    yield service
    service.close()


@pytest.fixture
def registry(seeded_emulator):
    return cps.registry_for(seeded_emulator.store)


@pytest.fixture
def ft_model(registry):
    """The fine-tuned model the demo deployed (a succeeded job's)."""
    return next(d.model for d in registry.all() if d.fine_tuned)
