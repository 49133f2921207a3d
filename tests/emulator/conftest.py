"""The contract tests hold the emulator to the Swagger spec alone: their emulators run with
`strict_spec=True` (the other tests see the live service's habits, the default)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def _strict(request: pytest.FixtureRequest) -> bool:
    return request.module.__name__.rsplit(".", 1)[-1].startswith("test_contract")


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[EmbeddedEmulator]:  # noqa: F821
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator(seed_jobs=0, speed=0.0, seed=1, strict_spec=_strict(request)) as emu:
        yield emu


@pytest.fixture
def seeded_emulator(request: pytest.FixtureRequest) -> Iterator[EmbeddedEmulator]:  # noqa: F821
    from aoft_tui.emulator.embedded import EmbeddedEmulator

    with EmbeddedEmulator(seed_jobs=8, speed=0.0, seed=7, strict_spec=_strict(request)) as emu:
        yield emu


@pytest.fixture
def client(emulator):
    """The openai SDK on `emulator` (the module's own, strict or not), closed after the test."""
    from .emulator_helpers import sdk

    c = sdk(emulator)
    yield c
    c.close()
