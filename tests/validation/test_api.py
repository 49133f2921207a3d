"""The validator's public API: validate_file / validate_bytes / ValidationReport."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aoft_tui.domain import tokens
from aoft_tui.domain.validation import (
    DatasetIOError,
    Problem,
    ValidationReport,
    validate_bytes,
    validate_file,
)

from .validation_helpers import chat, jsonl, many_chats, write


def test_clean_chat_file_has_no_problems(tmp_path: Path) -> None:
    report = validate_file(write(tmp_path / "t.jsonl", jsonl(many_chats(12))), model="gpt-4o-mini")
    assert isinstance(report, ValidationReport)
    assert report.problems == [] and not report.has_errors
    assert report.stats.examples == 12 and report.stats.messages == 36
    assert report.stats.format == "chat"


def test_token_counts_are_the_cookbook_count(tmp_path: Path) -> None:
    rec = chat("Wie spät ist es? 今何時ですか", "Es ist <|endoftext|> spät.")
    report = validate_bytes(jsonl([rec] + many_chats(10)), model="gpt-4.1")
    enc = tokens.get_encoding("o200k_base")
    expected = 3 + sum(
        3 + len(enc.encode_ordinary(m["content"])) + len(enc.encode_ordinary(m["role"]))
        for m in rec["messages"]
    )
    assert report.token_lengths[0] == expected
    assert report.stats.tokens.max >= expected
    # Refused (the service fails the job on it), yet counted as the text it is.
    assert report.counts == {"special_token": 1}


def test_problem_has_line_location_and_fix(tmp_path: Path) -> None:
    lines = many_chats(11)
    lines[4] = {
        "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 2}]
    }
    report = validate_file(write(tmp_path / "t.jsonl", jsonl(lines)))
    (p,) = report.errors
    assert p == Problem(
        "error", "invalid_weight", 5, "messages[1].weight", p.message, str(tmp_path / "t.jsonl")
    )
    assert "0" in p.message and "1" in p.message
    assert report.has_errors


def test_too_few_examples_and_cost(tmp_path: Path) -> None:
    report = validate_bytes(jsonl(many_chats(7)), model="gpt-4o-mini")
    assert [p.code for p in report.errors] == ["too_few_examples"]
    assert "7 example(s)" in report.errors[0].message
    st = report.stats
    assert st.epochs == 14  # cookbook: min(25, 100 // 7)
    assert st.billed_tokens == 14 * st.tokens.total
    assert st.est_cost_usd == round(st.billed_tokens / 1e6 * 3.0, 2)


def test_price_override(tmp_path: Path) -> None:
    report = validate_bytes(jsonl(many_chats(100)), model="gpt-4o-mini", prices={"gpt-4o-mini": 1000.0})
    assert report.stats.price_per_million == 1000.0
    assert report.stats.est_cost_usd == round(report.stats.billed_tokens / 1e6 * 1000.0, 2)


def test_missing_file_is_dataset_io_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetIOError, match="no such file"):
        validate_file(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetIOError, match="directory"):
        validate_file(tmp_path)


def test_validation_file_overlap(tmp_path: Path) -> None:
    train = write(tmp_path / "t.jsonl", jsonl(many_chats(12)))
    valid = write(tmp_path / "v.jsonl", jsonl([chat("new?", "yes"), many_chats(12)[3]]))
    report = validate_file(train, validation=valid)
    (p,) = [p for p in report.problems if p.code == "train_valid_overlap"]
    assert p.file == str(valid) and p.line == 2 and "line 4" in p.message
    assert report.validation_stats is not None and report.validation_stats.overlap_with_training == 1


def test_listing_is_capped_but_counted(tmp_path: Path) -> None:
    lines = [json.dumps({"messages": "oops"})] * 50
    report = validate_bytes("\n".join(lines).encode(), cap_per_code=5)
    assert report.counts["messages_not_list"] == 50
    assert len([p for p in report.problems if p.code == "messages_not_list"]) == 5
    assert report.to_json()["summary"]["errors"] == 50


def test_parallel_scan_equals_serial(tmp_path: Path) -> None:
    # Big enough for several chunks and the worker pool; a problem near a chunk seam.
    recs = [chat(f"q{i} " + "word " * 200, f"a{i} " + "réponse " * 100) for i in range(6000)]
    recs[4321] = {"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": "x"}]}
    path = write(tmp_path / "big.jsonl", jsonl(recs) + jsonl(recs[:3]))
    import aoft_tui.domain.validation.runner.engine as engine

    old = engine.PARALLEL_MIN_BYTES
    engine.PARALLEL_MIN_BYTES = 1
    try:
        par = validate_file(path, workers=2).to_json()
    finally:
        engine.PARALLEL_MIN_BYTES = old
    ser = validate_file(path, workers=1).to_json()
    assert par == ser
    # From a thread (as the TUI's worker does) the pool comes from a fork server instead.
    import threading

    box: dict = {}
    engine.PARALLEL_MIN_BYTES = 1
    try:
        t = threading.Thread(target=lambda: box.update(r=validate_file(path, workers=2).to_json()))
        t.start()
        t.join(120)
    finally:
        engine.PARALLEL_MIN_BYTES = old
    assert box["r"] == ser
    assert ser["problem_counts"]["null_content"]["count"] == 1
    assert ser["problems"][0]["line"] == 4322
    assert ser["problem_counts"]["duplicate_example"]["count"] == 3


def test_counting_deferred_while_the_tokenizer_loads_is_the_same(tmp_path: Path) -> None:
    from aoft_tui.domain.validation.runner.scan import ScanConfig, count_pending, scan_chunk

    recs = many_chats(30)
    recs[7] = chat(reply="word " * 300)
    data = jsonl(recs) + b'{"messages": [{"role": "user", "content": "x\\ud800"}, {"role": "assistant"}]}\n'
    cfg = ScanConfig(fmt="chat", method_given=False, encoding="o200k_base", context=100)
    direct = scan_chunk(data, cfg, at_file_start=True, at_file_end=True)
    deferred = scan_chunk(data, cfg, at_file_start=True, at_file_end=True, defer_counting=True)
    assert deferred.token_lengths == [] and len(deferred.pending) == 31
    counted = count_pending(deferred, cfg, data)
    assert sorted(counted.problems) == sorted(direct.problems)  # over_context is found later
    counted.problems = direct.problems
    assert counted == direct
    assert direct.counts["over_context"] == 1 and direct.counts["missing_content"] == 1
