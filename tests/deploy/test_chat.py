"""Chat completions on the emulator's deployments through the openai SDK."""

from __future__ import annotations

import openai
import pytest

from aoft_tui.emulator import control_plane_state as cps
from aoft_tui.services.deployment_chat import DeploymentChat


@pytest.fixture
def chat(seeded_emulator):
    client = DeploymentChat(seeded_emulator.endpoint, seeded_emulator.api_key, "2025-04-01-preview")
    yield client
    client.close()


def test_streamed_answer_equals_the_whole_answer(chat, registry):
    ft = next(d for d in registry.all() if d.fine_tuned).name
    messages = [{"role": "user", "content": "help with my invoice please"}]
    pieces = list(chat.stream(ft, messages))
    assert len(pieces) > 3 and "".join(pieces) == chat.ask(ft, messages).text


def test_v1_route_takes_the_deployment_as_model(seeded_emulator, registry):
    base = next(d for d in registry.all() if not d.fine_tuned).name
    client = openai.OpenAI(base_url=seeded_emulator.endpoint + "/openai/v1", api_key=seeded_emulator.api_key)
    answer = client.chat.completions.create(model=base, messages=[{"role": "user", "content": "hello"}])
    assert "general-purpose assistant" in answer.choices[0].message.content and answer.usage.total_tokens > 0


def test_a_creating_deployment_answers_404_deployment_not_found(seeded_emulator, chat, registry):
    from aoft_tui.services.errors import NotFoundError

    model = next(d for d in registry.all() if d.fine_tuned).model
    registry.create("still-creating", model, "1", "Standard", 1, fine_tuned=True)
    with pytest.raises(NotFoundError):
        chat.ask("still-creating", [{"role": "user", "content": "hi"}])
    seeded_emulator.advance(cps.PROVISION_SECONDS)
    assert chat.ask("still-creating", [{"role": "user", "content": "hi"}]).text


def test_use_restarts_the_idle_clock(seeded_emulator, chat, registry):
    ft = next(d for d in registry.all() if d.fine_tuned).name
    seeded_emulator.advance(cps.IDLE_LIMIT_SECONDS - 3600)
    chat.ask(ft, [{"role": "user", "content": "refund"}])
    seeded_emulator.advance(2 * 3600)
    assert registry.get(ft) is not None


def test_chat_credentials_carry_the_services_sign_in_without_showing_it(seeded_emulator, registry):
    """The try screen's chat is built from the jobs service's public chat_credentials(): with
    an Entra sign-in (a token provider, no key) it still reaches the deployment."""
    from aoft_tui.services.finetuning import FineTuningService

    ft = next(d for d in registry.all() if d.fine_tuned).name
    signed_in = FineTuningService(
        seeded_emulator.endpoint, "", "2025-04-01-preview", token_provider=lambda: seeded_emulator.api_key
    )
    keyed = FineTuningService(seeded_emulator.endpoint, seeded_emulator.api_key, "2025-04-01-preview")
    for service in (signed_in, keyed):
        credentials = service.chat_credentials()
        assert seeded_emulator.api_key not in repr(credentials)
        chat = DeploymentChat.from_credentials(credentials)
        try:
            assert chat.ask(ft, [{"role": "user", "content": "refund please"}]).text
        finally:
            chat.close()
        service.close()
