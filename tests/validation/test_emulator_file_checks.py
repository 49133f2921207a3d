"""The emulator's server-side file check is the validator, in Azure's words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aoft_tui.emulator.file_checks import check_fine_tune_file

CORPUS = Path(__file__).parent / "corpus"
CASES = json.loads((CORPUS / "expected.json").read_text())


def _chat(n: int) -> bytes:
    return "".join(json.dumps({"messages": [{"role": "user", "content": f"q{i}"},
                                            {"role": "assistant", "content": f"a{i}"}]}) + "\n"
                   for i in range(n)).encode()


def test_azure_wording() -> None:
    assert check_fine_tune_file(_chat(12), "t.jsonl") is None
    assert check_fine_tune_file(_chat(7), "t.jsonl") == \
        "Training file has 7 example(s), but must have at least 10 examples"
    assert check_fine_tune_file(b"", "t.jsonl") == \
        "Training file has 0 example(s), but must have at least 10 examples"
    bad = _chat(11).replace(b"\n", b"\n{not json\n", 1)
    assert check_fine_tune_file(bad, "t.jsonl") == (
        "Invalid file format. Example 2 cannot be parsed. Each line must be a valid JSON object.")
    assert check_fine_tune_file(_chat(12).decode().encode("utf-16"), "t.jsonl") == \
        "Invalid file format. The file must be UTF-8 encoded JSON Lines (.jsonl)."
    weight = _chat(12).replace(b'"a3"}', b'"a3", "weight": 2}')
    assert check_fine_tune_file(weight, "t.jsonl").startswith(
        "Invalid file format. Example 4 (messages[1].weight): weight is 2")


def test_first_bad_line_wins_over_too_few() -> None:
    assert check_fine_tune_file(_chat(3) + b"[1]\n", "t.jsonl") == \
        "Invalid file format. Example 4 is not a JSON object."


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("model") and not c.get("method")],
                         ids=lambda c: c["file"])
def test_corpus_verdicts(case: dict) -> None:
    """Files with errors are rejected and files with only warnings pass — as the CLI says."""
    from aoft_tui.domain.validation import validate_bytes

    data = (CORPUS / case["file"]).read_bytes()
    details = check_fine_tune_file(data, case["file"])
    assert (details is not None) == validate_bytes(data).has_errors, details
