"""Small, deterministic training files for seeded jobs (chat SFT and DPO JSON Lines)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

_TOPICS = (
    "invoice",
    "refund",
    "password reset",
    "shipping delay",
    "warranty claim",
    "API quota",
    "billing address",
    "data export",
    "login error",
    "plan upgrade",
    "GPU quota",
    "latency spike",
)
_SYSTEM = "You are a concise support assistant for Contoso."


def chat_jsonl(rng: random.Random, n: int) -> bytes:
    def example(i: int, topic: str) -> dict[str, Any]:
        return {
            "messages": [
                {"role": "system", "content": _SYSTEM},
                {"role": "user", "content": f"Question {i + 1}: I need help with my {topic}."},
                {
                    "role": "assistant",
                    "content": f"Sure - for a {topic}, open Settings > Support and choose "
                    f"'{topic.title()}'. Ticket #{rng.randrange(10_000, 99_999)}.",
                },
            ]
        }

    return _jsonl(rng, n, example)


def dpo_jsonl(rng: random.Random, n: int) -> bytes:
    def example(i: int, topic: str) -> dict[str, Any]:
        return {
            "input": {"messages": [{"role": "user", "content": f"Q{i + 1}: how do I handle a {topic}?"}]},
            "preferred_output": [
                {"role": "assistant", "content": f"Open Settings > Support > {topic.title()}."}
            ],
            "non_preferred_output": [{"role": "assistant", "content": "I don't know."}],
        }

    return _jsonl(rng, n, example)


def _jsonl(rng: random.Random, n: int, example: Callable[[int, str], dict[str, Any]]) -> bytes:
    """`n` JSON lines, example i about a topic drawn from `rng` (before the example's own draws)."""
    lines = [json.dumps(example(i, rng.choice(_TOPICS))) for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def broken_jsonl(rng: random.Random) -> bytes:
    """A file the service rejects: too few examples (Azure's minimum is 10)."""
    return chat_jsonl(rng, 7)
