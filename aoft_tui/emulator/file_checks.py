"""Server-side checks Azure runs on an uploaded fine-tune file.

ONE function, `check_fine_tune_file(data, filename) -> str | None`: Azure's
`status_details` text when the service rejects the file, None when it is processed.
The validator helper may replace the body with the project's validator; keep the signature.
The checks below are the first ones Azure makes: parseable JSON lines, at least 10
examples, and the keys of a known format (chat `messages`, DPO `input` + `preferred_output`
+ `non_preferred_output`, legacy `prompt` + `completion`).
"""

from __future__ import annotations

import json

MIN_EXAMPLES = 10


def check_fine_tune_file(data: bytes, filename: str) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "Invalid file format. The file must be UTF-8 encoded JSON Lines (.jsonl)."
    examples = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            return (f"Invalid file format. Example {number} cannot be parsed. Each line must be a "
                    "valid JSON object.")
        if not isinstance(record, dict):
            return f"Invalid file format. Example {number} is not a JSON object."
        problem = _format_problem(record)
        if problem:
            return f"Invalid file format. Example {number} {problem}"
        examples += 1
    if examples < MIN_EXAMPLES:
        return f"Training file has {examples} example(s), but must have at least {MIN_EXAMPLES} examples"
    return None


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
