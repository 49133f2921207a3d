"""Fuzz: every input ends in a report (or a clear DatasetIOError) — never another exception."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aoft_tui.domain.validation import DatasetIOError, ValidationReport, validate_bytes, validate_file

KEYS = [
    "messages",
    "role",
    "content",
    "weight",
    "name",
    "tool_calls",
    "tool_call_id",
    "function_call",
    "functions",
    "tools",
    "type",
    "function",
    "arguments",
    "id",
    "text",
    "image_url",
    "url",
    "detail",
    "input",
    "preferred_output",
    "non_preferred_output",
    "prompt",
    "completion",
    "parameters",
]
WORDS = [
    "system",
    "user",
    "assistant",
    "tool",
    "developer",
    "function",
    "text",
    "image_url",
    "low",
    "auto",
    "https://x.test/a.png",
    "data:image/png;base64,AAAA",
    "data:image/gif;base64,",
    "{}",
    "{bad",
    "<|endoftext|>",
    "x\ud800y",
    "",
    "call_1",
]
MODELS = [None, "gpt-4o-mini", "gpt-4.1-nano", "o4-mini", "babbage-002", "gpt-35-turbo", "nonsense-model"]
METHODS = [None, "supervised", "dpo", "reinforcement"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.sampled_from(WORDS),
    st.text(max_size=20),
)
json_ish = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)
records = st.one_of(
    json_ish,
    st.fixed_dictionaries(
        {"messages": st.lists(st.dictionaries(st.sampled_from(KEYS), json_ish, max_size=5), max_size=5)}
    ),
)


def _check(report: ValidationReport) -> None:
    assert isinstance(report, ValidationReport)
    assert "unchecked_record" not in report.counts, report.problems  # the safety net never fires
    json.dumps(report.to_json())  # the JSON document always serialises
    assert report.has_errors == (report.to_json()["summary"]["errors"] > 0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), model=st.sampled_from(MODELS), method=st.sampled_from(METHODS))
def test_any_bytes(data: bytes, model: str | None, method: str | None) -> None:
    _check(validate_bytes(data, model=model, method=method))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    recs=st.lists(records, min_size=0, max_size=14),
    bom=st.booleans(),
    crlf=st.booleans(),
    blank=st.booleans(),
    cut=st.integers(0, 30),
    model=st.sampled_from(MODELS),
    method=st.sampled_from(METHODS),
)
def test_json_structures(
    recs: list, bom: bool, crlf: bool, blank: bool, cut: int, model: str | None, method: str | None
) -> None:
    lines = [json.dumps(r, ensure_ascii=bool(cut % 2)) for r in recs]
    if blank:
        lines.insert(len(lines) // 2, "")
    text = ("\r\n" if crlf else "\n").join(lines)
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8", "surrogatepass")
    if cut and data:
        data = data[: max(1, len(data) - cut)]
    _check(validate_bytes(data, model=model, method=method))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=500))
def test_files_too(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    _check(validate_file(path, validation=path))


def test_unreadable_is_dataset_io_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.jsonl"
    path.write_text("{}\n")
    path.chmod(0)
    try:
        import os

        if os.geteuid() == 0:  # root reads anything: use a path that cannot be opened instead
            path = tmp_path / "missing" / "x.jsonl"
        try:
            validate_file(path)
        except DatasetIOError as exc:
            assert str(path) in str(exc)
        else:
            raise AssertionError("expected DatasetIOError")
    finally:
        (tmp_path / "locked.jsonl").chmod(0o644)
