"""Server-side checks Azure runs on an uploaded fine-tune file.

`check_training_file(data, filename) -> FileVerdict`: what the service says about a file,
and when. Most problems are found while the upload is processed (the file's status is
"error", `status_details` holds Azure's text); a few only when a job's tokenizer reads the
file: then the upload is "processed" and the job fails with a file-format error. That is
what users really meet: a file that spells a special token uploads fine and fails the job
("The job failed due to a file format error in the training file. Invalid file format.
Example 6174 message contains an invalid token: <|fim_suffix|>.", johny-b/llmcomp#59).

`check_fine_tune_file(data, filename) -> str | None` is the upload half (its signature kept).
The upload checks are the first ones Azure makes: parseable JSON lines, at least 10
examples, and the keys of a known format (chat `messages`, DPO `input` + `preferred_output`
+ `non_preferred_output`, legacy `prompt` + `completion`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_EXAMPLES = 10
# Problems the service finds only when a job tokenizes the file, not at upload.
JOB_TIME_CODES = frozenset({"special_token"})
_TOKEN = re.compile(r"<\|[A-Za-z0-9_]+\|>")


@dataclass(frozen=True, slots=True)
class FileVerdict:
    status_details: str | None  # the upload fails processing with this text
    job_failure: str | None  # the upload processes; a job on it fails with this text


def check_fine_tune_file(data: bytes, filename: str) -> str | None:
    return check_training_file(data, filename).status_details


def check_training_file(data: bytes, filename: str) -> FileVerdict:
    # The project's validator decides (format checks only: no tokenizer in the server);
    # its first blocking problem, in file order, is put in Azure's words. Warnings pass.
    from aoft_tui.domain.validation import validate_bytes

    report = validate_bytes(data, name=filename, count_tokens=False, cap_per_code=1)
    errors = [p for p in report.problems if p.is_error]
    at_upload = [p for p in errors if p.code not in JOB_TIME_CODES]
    if at_upload:
        return FileVerdict(_upload_details(report, at_upload), None)
    if errors:
        return FileVerdict(None, _job_details(min(errors, key=lambda p: p.line or 0)))
    return FileVerdict(None, None)


def job_failure_message(details: str, which: str) -> str:
    """A failed job's error message for a file-format error in its `which` ("training" or
    "validation") file, in the service's words."""
    return f"The job failed due to a file format error in the {which} file. {details}"


def _job_details(first) -> str:
    token = _TOKEN.search(first.message)
    return (
        f"Invalid file format. Example {first.line} message contains an invalid token: "
        f"{token.group(0) if token else first.location}."
    )


def _upload_details(report, errors) -> str:
    # Azure names the first bad line; whole-file verdicts (too few examples) come after.
    first = min(errors, key=lambda p: (p.line is None, p.line or 0))
    if first.code in ("too_few_examples", "empty_file"):
        return (
            f"Training file has {report.stats.examples} example(s), but must have at least "
            f"{MIN_EXAMPLES} examples"
        )
    if first.code in ("utf16_file", "binary_file"):
        return "Invalid file format. The file must be UTF-8 encoded JSON Lines (.jsonl)."
    if first.line is None:
        return f"Invalid file format. {first.message}"
    if first.code in ("invalid_json", "truncated_last_line", "not_utf8"):
        return (
            f"Invalid file format. Example {first.line} cannot be parsed. Each line must be a "
            "valid JSON object."
        )
    if first.code == "not_an_object":
        return f"Invalid file format. Example {first.line} is not a JSON object."
    where = f" ({first.location})" if first.location else ""
    return f"Invalid file format. Example {first.line}{where}: {first.message}"


def _format_problem(record: dict) -> str | None:
    if "messages" in record:
        messages = record["messages"]
        if not isinstance(messages, list) or not messages:
            return "has an empty or invalid 'messages' list."
        for m in messages:
            if not isinstance(m, dict) or "role" not in m:
                return "has a message without a 'role'."
        if not any(m.get("role") == "assistant" for m in messages):
            return "has no message with role 'assistant'."
        return None
    if "input" in record:
        if "preferred_output" not in record or "non_preferred_output" not in record:
            return "is missing 'preferred_output' or 'non_preferred_output'."
        return None
    if "prompt" in record and "completion" in record:
        return None
    return "is missing the 'messages' key."


def count_examples(data: bytes) -> int:
    return sum(1 for line in data.splitlines() if line.strip())
