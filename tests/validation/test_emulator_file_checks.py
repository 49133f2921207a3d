"""The emulator's server-side file check is the validator, in Azure's words."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from aoft_tui.domain.validation.rules.codes import WARNING, severity_of
from aoft_tui.emulator.file_checks import FileVerdict, check_fine_tune_file, check_training_file
from aoft_tui.emulator.simulator import VALIDATION_SECONDS

CORPUS = Path(__file__).parent / "corpus"
AZURE_REAL = Path(__file__).parent.parent / "fixtures" / "azure-real"
CASES = json.loads((CORPUS / "expected.json").read_text())


def _chat(n: int) -> bytes:
    return "".join(
        json.dumps(
            {"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]}
        )
        + "\n"
        for i in range(n)
    ).encode()


def test_azure_wording() -> None:
    assert check_fine_tune_file(_chat(12), "t.jsonl") is None
    assert (
        check_fine_tune_file(_chat(7), "t.jsonl")
        == "Training file has 7 example(s), but must have at least 10 examples"
    )
    assert (
        check_fine_tune_file(b"", "t.jsonl")
        == "Training file has 0 example(s), but must have at least 10 examples"
    )
    bad = _chat(11).replace(b"\n", b"\n{not json\n", 1)
    assert check_fine_tune_file(bad, "t.jsonl") == (
        "Invalid file format. Example 2 cannot be parsed. Each line must be a valid JSON object."
    )
    assert (
        check_fine_tune_file(_chat(12).decode().encode("utf-16"), "t.jsonl")
        == "Invalid file format. The file must be UTF-8 encoded JSON Lines (.jsonl)."
    )
    weight = _chat(12).replace(b'"a3"}', b'"a3", "weight": 2}')
    assert check_fine_tune_file(weight, "t.jsonl").startswith(
        "Invalid file format. Example 4 (messages[1].weight): weight is 2"
    )


def test_first_bad_line_wins_over_too_few() -> None:
    assert (
        check_fine_tune_file(_chat(3) + b"[1]\n", "t.jsonl")
        == "Invalid file format. Example 4 is not a JSON object."
    )


def expected_verdict(case: dict) -> str:
    """The service's verdict on a corpus file (expected.json): "job_fails" where a case says
    so; otherwise errors are rejected at upload and warnings pass."""
    if "service" in case:
        return case["service"]
    if case["code"] is None or severity_of(case["code"]) == WARNING:
        return "processed"
    return "rejected"


def _verdict(data: bytes, name: str) -> tuple[str, FileVerdict]:
    v = check_training_file(data, name)
    return ("rejected" if v.status_details else "job_fails" if v.job_failure else "processed"), v


# The verdict on a file does not depend on a model or method, except where the case names one
# only to pick the format's rules (DPO, prompt/completion) and says what the service does.
FILE_CASES = [c for c in CASES if "service" in c or not c.get("model") and not c.get("method")]


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c["file"])
def test_corpus_verdicts(case: dict) -> None:
    """Each corpus file gets the service's verdict: rejected at upload, processed, or
    processed and then the job fails — and a file with errors never simply passes."""
    from aoft_tui.domain.validation import validate_bytes

    data = (CORPUS / case["file"]).read_bytes()
    got, verdict = _verdict(data, case["file"])
    assert got == expected_verdict(case), verdict
    assert (got != "processed") == validate_bytes(data).has_errors, verdict
    if got == "job_fails":  # the service's words, naming the example and the token
        line = data.decode().splitlines()[case["line"] - 1]
        token = re.search(r"<\|[a-z_]+\|>", line).group(0)
        assert (
            verdict.job_failure
            == f"Invalid file format. Example {case['line']} message contains an invalid token: {token}."
        )


def test_a_special_token_uploads_then_fails_the_job(emulator) -> None:
    """Over HTTP, as a user meets it: the upload processes, the job is created, and after
    validation the job fails with the file-format error (johny-b/llmcomp#59)."""
    from openai import AzureOpenAI

    client = AzureOpenAI(
        azure_endpoint=emulator.endpoint,
        api_key=emulator.api_key,
        api_version="2025-04-01-preview",
        max_retries=0,
        timeout=10,
    )
    data = (CORPUS / "fim_suffix_in_reply.jsonl").read_bytes()
    f = client.files.create(file=("train.jsonl", data), purpose="fine-tune")
    deadline = time.monotonic() + 5
    while (status := client.files.retrieve(f.id).status) not in ("processed", "error"):
        assert time.monotonic() < deadline, "file never processed"
        time.sleep(0.05)
    assert status == "processed"
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini-2024-07-18", training_file=f.id, extra_body={"trainingType": "GlobalStandard"}
    )
    assert job.status in ("pending", "validating_files")
    emulator.advance(VALIDATION_SECONDS + 1)
    job = client.fine_tuning.jobs.retrieve(job.id)
    assert job.status == "failed"
    assert (job.error.code, job.error.param) == ("invalid_training_file", "training_file")
    # The live service's words (tests/fixtures/azure-real), for this file's example and token.
    real = json.loads((AZURE_REAL / "job_error_invalid_token.json").read_text())["message"]
    assert job.error.message == real.replace("Example 6174", "Example 7")
    client.close()
