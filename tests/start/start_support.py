"""Test data for the start-job tests (imported by their conftest and the snapshots)."""

from __future__ import annotations

import json


def chat_examples(n: int, *, tag: str = "") -> str:
    lines = []
    for i in range(n):
        record = {"messages": [
            {"role": "system", "content": "You answer questions about the weather."},
            {"role": "user", "content": f"What is the weather like in city {i}{tag}?"},
            {"role": "assistant", "content": f"It is sunny in city {i}{tag}, around {10 + i} degrees."},
        ]}
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"
