"""Small builders for dataset lines used across the validation tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def chat(user: str = "Hi", reply: str = "Hello!", **extra: Any) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": user},
            {"role": "assistant", "content": reply},
        ],
        **extra,
    }


def jsonl(records: list[Any]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def many_chats(n: int = 12) -> list[dict[str, Any]]:
    return [chat(f"Question {i}?", f"Answer {i}.") for i in range(n)]


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def write_large_chats(path: Path, n: int) -> Path:
    """`n` plain chat examples (a user question, an assistant answer), ~330 bytes each."""
    filler = "lorem ipsum dolor sit amet " * 4
    with path.open("w") as f:
        for i in range(n):
            f.write(
                json.dumps(
                    {
                        "messages": [
                            {"role": "user", "content": f"Question {i}: {filler}"},
                            {"role": "assistant", "content": f"Answer {i}: {filler}"},
                        ]
                    }
                )
                + "\n"
            )
    return path
