"""The full checker for one line, for every line the fast paths leave: decode it, parse
it with json, check the record by the rules of its format, and report what is wrong."""

from __future__ import annotations

import json

from aoft_tui.domain.validation.rules.checks import Texts
from aoft_tui.domain.validation.rules.formats import CHECKERS, FORMAT_LABELS, family_of, shape_of
from aoft_tui.domain.validation.runner.chunk import ChunkResult, ScanConfig

_SCAN_ONCE = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set in __init__: typeshed lacks it
# (the C scanner, without json.loads' Python wrappers)


def _parse(text: str) -> object:
    """json.loads without its Python wrappers on the good path; errors come from json.loads itself."""
    try:
        value, end = _SCAN_ONCE(text, 0)
    except StopIteration:
        return json.loads(text)  # leading whitespace parses; anything else raises its error
    if end != len(text) and text[end:].strip(" \t\r\n"):
        return json.loads(text)  # raises "Extra data"
    return value


def check_line(
    res: ChunkResult, cfg: ScanConfig, raw: bytes, lineno: int, maybe_truncated: bool
) -> tuple[int, list[str], list[str], list[str]] | None:
    """The full path for one non-blank line: decode, parse with json, check the record,
    add its problems to `res`. Returns (tokens known without encoding, prompt, trained,
    weight-0 texts) when the record can be counted, else None."""
    cap = cfg.cap
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        res.add(
            cap,
            "not_utf8",
            lineno,
            None,
            f"Byte {exc.start + 1} of the line is not UTF-8 (0x{raw[exc.start]:02x}): "
            "re-save the file as UTF-8.",
        )
        return None
    try:
        record = _parse(text)
    except (ValueError, RecursionError) as exc:
        if maybe_truncated:
            res.add(
                cap,
                "truncated_last_line",
                lineno,
                None,
                "The last line is cut off (no closing brace / newline): the file was "
                "probably truncated while copying; re-export it.",
            )
        else:
            res.add(cap, "invalid_json", lineno, None, _json_error(exc))
        return None
    if type(record) is not dict:
        res.add(
            cap,
            "not_an_object",
            lineno,
            None,
            f"The line is a JSON {_json_kind(record)}, but every line must be one JSON object.",
        )
        return None
    shape = shape_of(record)
    if shape is None:
        keys = ", ".join(sorted(map(str, record))[:5]) or "none"
        res.add(
            cap,
            "unknown_format",
            lineno,
            None,
            f"The record's keys ({keys}) match no training format: expected {_expected_keys(cfg.fmt)}.",
        )
        return None
    if shape != family_of(cfg.fmt):
        res.add(
            cap,
            "wrong_format_for_method" if cfg.method_given else "mixed_formats",
            lineno,
            None,
            f"This is a {FORMAT_LABELS[_label_key(shape)]} record, but the file is "
            f"{FORMAT_LABELS[cfg.fmt]}"
            + (" as the training method requires" if cfg.method_given else " (from its first record)")
            + ": keep one format per file.",
        )
        return None
    issues: list[tuple[str, str | None, str]] = []
    texts = Texts()
    try:
        rr = CHECKERS[cfg.fmt](record, issues, texts)
    except RecursionError:
        res.add(cap, "invalid_json", lineno, None, "The record is nested too deeply to check.")
        return None
    except Exception as exc:
        res.add(
            cap,
            "unchecked_record",
            lineno,
            None,
            f"This record could not be checked ({type(exc).__name__}: {exc}); please report "
            "it as an aoft-tui bug, with the line.",
        )
        return None
    for code, loc, msg in issues:
        res.add(cap, code, lineno, loc, msg)
    res.messages += rr.messages
    if rr.images:
        res.image_examples += 1
    return rr.overhead + texts.fixed, texts.prompt, texts.trained, texts.untrained


def _json_error(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return (
            f"Not valid JSON: {exc.msg} at column {exc.colno}. Each line must be one complete "
            "JSON object (no trailing commas, double-quoted keys, no line breaks inside)."
        )
    if isinstance(exc, RecursionError):
        return "Not valid JSON: nested too deeply."
    return f"Not valid JSON: {exc}."


def _json_kind(value: object) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null"
    )


def _label_key(shape: str) -> str:
    return "chat" if shape == "messages" else shape


def _expected_keys(fmt: str) -> str:
    return {
        "chat": '{"messages": [...]}',
        "reinforcement": '{"messages": [...]} ending with a user message',
        "dpo": '{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}',
        "prompt_completion": '{"prompt": "...", "completion": "..."}',
    }[fmt]
