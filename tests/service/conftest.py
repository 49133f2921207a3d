"""Fixtures for the service tests: datasets on disk and services with custom options."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

API_VERSION = "2025-04-01-preview"


def chat_lines(n: int) -> bytes:
    rows = []
    for i in range(n):
        rows.append(
            json.dumps(
                {
                    "messages": [
                        {"role": "system", "content": "You answer questions about the weather."},
                        {"role": "user", "content": f"What is the weather like in city number {i}?"},
                        {
                            "role": "assistant",
                            "content": f"In city {i} it is sunny with a light breeze, {10 + i % 20} °C.",
                        },
                    ]
                },
                ensure_ascii=False,
            )
        )
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture
def write_dataset(tmp_path: Path) -> Callable[[int, str], Path]:
    """write_dataset(n_examples, name) -> path of a valid chat JSONL file."""

    def write(n: int, name: str = "train.jsonl") -> Path:
        path = tmp_path / name
        path.write_bytes(chat_lines(n))
        return path

    return write


@pytest.fixture
def make_service() -> Iterator[Callable[..., object]]:
    """make_service(emu, **kwargs) -> a FineTuningService to `emu` with options; closed after."""
    from aoft_tui.services.finetuning import FineTuningService

    made: list[FineTuningService] = []

    def make(emu, *, api_key: str | None = None, endpoint: str | None = None, **kwargs) -> FineTuningService:
        kwargs.setdefault("timeout", 10)
        svc = FineTuningService(endpoint or emu.endpoint, api_key or emu.api_key, API_VERSION, **kwargs)
        made.append(svc)
        return svc

    yield make
    for svc in made:
        svc.close()
