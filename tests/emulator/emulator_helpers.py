"""Helpers for the emulator's own tests (test_emulator_*.py): SDK clients and files."""

from __future__ import annotations

import json
import time

from openai import AzureOpenAI

API_VERSION = "2025-04-01-preview"
MODEL = "gpt-4o-mini-2024-07-18"


def sdk(
    emu,
    *,
    api_key: str | None = None,
    api_version: str = API_VERSION,
    max_retries: int = 0,
    timeout: float = 10.0,
) -> AzureOpenAI:
    return AzureOpenAI(
        azure_endpoint=emu.endpoint,
        api_key=api_key or emu.api_key,
        api_version=api_version,
        max_retries=max_retries,
        timeout=timeout,
    )


def chat_lines(n: int) -> bytes:
    rows = [
        {"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]}
        for i in range(n)
    ]
    return "\n".join(json.dumps(r) for r in rows).encode() + b"\n"


def processed_file(client: AzureOpenAI, data: bytes | None = None, name: str = "train.jsonl") -> str:
    """Upload and wait for processing (done after <0.5 s of real time even on a frozen clock)."""
    f = client.files.create(file=(name, data if data is not None else chat_lines(20)), purpose="fine-tune")
    deadline = time.monotonic() + 5
    while client.files.retrieve(f.id).status not in ("processed", "error"):
        assert time.monotonic() < deadline, "file never processed"
        time.sleep(0.05)
    return f.id


def create_job(client: AzureOpenAI, training_file: str, **kwargs):
    # a tier, as the live service (and so the emulator by default) needs one for most models
    kwargs.setdefault("extra_body", {"trainingType": "GlobalStandard"})
    return client.fine_tuning.jobs.create(
        model=kwargs.pop("model", MODEL), training_file=training_file, **kwargs
    )


def all_events(client: AzureOpenAI, job_id: str) -> list:
    """Every event, oldest first, following `after` cursors."""
    out, after = [], None
    while True:
        page = client.fine_tuning.jobs.list_events(job_id, limit=50, **({"after": after} if after else {}))
        out.extend(page.data)
        if not page.has_more:
            return out[::-1]
        after = page.data[-1].id
