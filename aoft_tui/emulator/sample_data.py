"""Small, deterministic training files for seeded jobs (chat SFT and DPO JSON Lines)."""

from __future__ import annotations

import json
import random

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
    lines = []
    for i in range(n):
        topic = rng.choice(_TOPICS)
        lines.append(
            json.dumps(
                {
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
            )
        )
    return ("\n".join(lines) + "\n").encode()


def dpo_jsonl(rng: random.Random, n: int) -> bytes:
    lines = []
    for i in range(n):
        topic = rng.choice(_TOPICS)
        lines.append(
            json.dumps(
                {
                    "input": {
                        "messages": [{"role": "user", "content": f"Q{i + 1}: how do I handle a {topic}?"}]
                    },
                    "preferred_output": [
                        {"role": "assistant", "content": f"Open Settings > Support > {topic.title()}."}
                    ],
                    "non_preferred_output": [{"role": "assistant", "content": "I don't know."}],
                }
            )
        )
    return ("\n".join(lines) + "\n").encode()


def broken_jsonl(rng: random.Random) -> bytes:
    """A file the service rejects: too few examples (Azure's minimum is 10)."""
    return chat_jsonl(rng, 7)
