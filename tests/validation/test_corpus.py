"""The malformed-file corpus: each file gives its expected problem code at its line (or,
for the files that must pass, no problem at all) — and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aoft_tui.domain.validation import validate_bytes, validate_file

CORPUS = Path(__file__).parent / "corpus"
CASES = json.loads((CORPUS / "expected.json").read_text())


def test_corpus_is_big_enough() -> None:
    assert sum(c["code"] is not None for c in CASES) >= 40
    assert {c["file"] for c in CASES} == {p.name for p in CORPUS.glob("*.jsonl")}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_file(case: dict) -> None:
    path = CORPUS / case["file"]
    report = validate_file(path, model=case.get("model"), method=case.get("method"))
    found = [(p.code, p.line) for p in report.problems]
    if case["code"] is None:
        assert found == [], report.problems
        return
    assert (case["code"], case["line"]) in found, found
    problem = next(p for p in report.problems if (p.code, p.line) == (case["code"], case["line"]))
    assert problem.file == str(path) and len(problem.message) > 20
    # The same verdict for the same bytes uploaded (the emulator's path).
    again = validate_bytes(
        path.read_bytes(), model=case.get("model"), method=case.get("method"), name=str(path)
    )
    assert again.to_json() == report.to_json()


def test_json_reports_follow_the_published_schema() -> None:
    import jsonschema

    schema = json.loads((Path(__file__).parent / "report_schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for case in CASES:
        doc = validate_file(
            CORPUS / case["file"], model=case.get("model"), method=case.get("method")
        ).to_json()
        errors = sorted(validator.iter_errors(json.loads(json.dumps(doc))), key=str)
        assert not errors, (case["file"], errors[0].message)
        assert set(doc["problem_counts"]) >= {p["code"] for p in doc["problems"]}
