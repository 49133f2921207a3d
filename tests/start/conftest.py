"""Datasets for the start-job tests, written fresh into each test's temp dir; `env`, the
emulator that the `start` command is pointed at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .start_support import chat_examples


@pytest.fixture
def env(emulator, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("aoft_tui.cli.start_cmd.FILE_POLL_INTERVAL", 0.05)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", emulator.api_key)
    return emulator


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    (d / "train.jsonl").write_text(chat_examples(20))
    (d / "valid.jsonl").write_text(chat_examples(10, tag="v"))
    # A record without an assistant reply: the validator calls it an error.
    (d / "broken.jsonl").write_text(
        chat_examples(12) + json.dumps({"messages": [{"role": "user", "content": "hi"}]}) + "\n"
    )
    return d


@pytest.fixture
def warn_file(data_dir: Path) -> Path:
    """Valid, but with a duplicated example: the validator warns."""
    text = chat_examples(12)
    path = data_dir / "dupes.jsonl"
    path.write_text(text + text.splitlines()[0] + "\n")
    return path


@pytest.fixture
def big_file(data_dir: Path) -> Path:
    """About 1.5 MB: many 64 KiB chunks, so a cancel lands mid-upload."""
    path = data_dir / "big.jsonl"
    path.write_text(chat_examples(6000))
    return path
