"""Test data for the start-job tests (imported by their conftest and the snapshots)."""

from __future__ import annotations

import json


def chat_examples(n: int, *, tag: str = "") -> str:
    lines = []
    for i in range(n):
        record = {
            "messages": [
                {"role": "system", "content": "You answer questions about the weather."},
                {"role": "user", "content": f"What is the weather like in city {i}{tag}?"},
                {"role": "assistant", "content": f"It is sunny in city {i}{tag}, around {10 + i} degrees."},
            ]
        }
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


def dpo_examples(n: int) -> str:
    lines = []
    for i in range(n):
        record = {
            "input": {"messages": [{"role": "user", "content": f"Describe the weather in city {i}."}]},
            "preferred_output": [
                {"role": "assistant", "content": f"Sunny and {10 + i} degrees in city {i}."}
            ],
            "non_preferred_output": [{"role": "assistant", "content": "Weather happens."}],
        }
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"
