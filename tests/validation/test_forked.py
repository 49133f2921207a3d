"""The CLI's forked scan: a head start while the tokenizer loads, then workers; the same
report as a serial scan, and a worker's failure surfaces as the serial scan's would."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from validation_helpers import chat, jsonl, write

import aoft_tui.domain.validation.engine as engine
import aoft_tui.domain.validation.forked as forked
from aoft_tui.domain import tokens
from aoft_tui.domain.validation import DatasetIOError, validate_file

pytestmark = pytest.mark.skipif(threading.active_count() > 1,
                                reason="the forked scan is used only without other threads")


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # ~10 chunks; problems near chunk seams, an example over the context, duplicates.
    recs = [chat(f"q{i} " + "word " * 200, f"a{i} " + "réponse " * 100) for i in range(6000)]
    recs[17] = {"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": "x"}]}
    recs[4321] = chat("<|endoftext|>", reply="weird " * 900)
    recs[5000] = {"messages": [{"role": "user", "content": "q"},
                               {"role": "assistant", "content": "a", "weight": 0}]}
    return write(tmp_path_factory.mktemp("forked") / "big.jsonl", jsonl(recs) + jsonl(recs[:3]))


def test_head_start_and_workers_give_the_serial_report(big_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = validate_file(big_file, model="gpt-4o-mini", workers=1).to_json()
    # Unload the tokenizer, and make loading it slow, so that the head start checks chunks.
    loaded = tokens.get_encoding("o200k_base")
    monkeypatch.setattr(tokens, "_ENCODINGS", {})
    monkeypatch.setattr(tokens.quicktok, "get_encoding", lambda name: time.sleep(0.5) or loaded)
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(forked, "HEAD_START_MAX_BYTES", 3 * 1024 * 1024)
    head_start = []  # chunks the head start checked, counted here
    real_count = forked.count_pending
    monkeypatch.setattr(forked, "count_pending", lambda res, cfg: head_start.append(1) or real_count(res, cfg))
    parallel = validate_file(big_file, model="gpt-4o-mini", workers=2).to_json()
    assert parallel == serial
    chunks = big_file.stat().st_size // engine.CHUNK_BYTES
    assert 2 <= len(head_start) < chunks - 2  # it did some, and stopped at its cap
    assert serial["problem_counts"]["duplicate_example"]["count"] == 3
    assert {p["line"] for p in serial["problems"]} >= {18, 4322, 5001}


def test_a_failing_worker_is_reported_not_hung(big_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 1)
    real_read = forked.read_range

    def read_range(path: str, start: int, end: int) -> bytes:
        if start > 5_000_000:  # the file becomes unreadable halfway (in whichever process)
            raise PermissionError(13, "Permission denied", path)
        return real_read(path, start, end)

    monkeypatch.setattr(forked, "read_range", read_range)
    with pytest.raises(DatasetIOError, match="Permission denied"):
        validate_file(big_file, workers=2)
