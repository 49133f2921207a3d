"""Server-side checks Azure runs on an uploaded fine-tune file.

ONE function, `check_fine_tune_file(data, filename) -> str | None`: Azure's
`status_details` text when the service rejects the file, None when it is processed.
The validator helper may replace the body with the project's validator; keep the signature.
The checks below are the first ones Azure makes: parseable JSON lines, at least 10
examples, and the keys of a known format (chat `messages`, DPO `input` + `preferred_output`
+ `non_preferred_output`, legacy `prompt` + `completion`).
"""

from __future__ import annotations

MIN_EXAMPLES = 10


def check_fine_tune_file(data: bytes, filename: str) -> str | None:
    # The project's validator decides (format checks only: no tokenizer in the server);
    # its first blocking problem, in file order, is put in Azure's words. Warnings pass.
    from aoft_tui.domain.validation import validate_bytes

    report = validate_bytes(data, name=filename, count_tokens=False, cap_per_code=1)
    errors = [p for p in report.problems if p.is_error]
    if not errors:
        return None
    # Azure names the first bad line; whole-file verdicts (too few examples) come after.
    first = min(errors, key=lambda p: (p.line is None, p.line or 0))
    if first.code in ("too_few_examples", "empty_file"):
        return (f"Training file has {report.stats.examples} example(s), but must have at least "
                f"{MIN_EXAMPLES} examples")
    if first.code in ("utf16_file", "binary_file"):
        return "Invalid file format. The file must be UTF-8 encoded JSON Lines (.jsonl)."
    if first.line is None:
        return f"Invalid file format. {first.message}"
    if first.code in ("invalid_json", "truncated_last_line", "not_utf8"):
        return (f"Invalid file format. Example {first.line} cannot be parsed. Each line must be a "
                "valid JSON object.")
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
