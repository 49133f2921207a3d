"""Scanning one chunk of a JSONL file: every line read, parsed, checked and counted.

A chunk is a byte range that starts at a line start. Line numbers here are relative to
the chunk (1 = its first line); the caller adds the chunk's offset. The function is pure
and picklable-in/picklable-out so it can run in a worker process.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from aoft_tui.domain import tokens
from aoft_tui.domain.validation.checks import TRAINED, UNTRAINED, Texts
from aoft_tui.domain.validation.formats import CHECKERS, FORMAT_LABELS, family_of, shape_of
from aoft_tui.domain.validation.reader import UTF8_BOM

# (code, line relative to the chunk, location, message)
RawProblem = tuple[str, int | None, str | None, str]


@dataclass(frozen=True, slots=True)
class ScanConfig:
    fmt: str  # the file's format (detected or required by the method)
    method_given: bool  # a record of another format is then "wrong for the method", not "mixed"
    encoding: str  # tiktoken encoding name
    context: int  # training context of the model, in tokens
    cap: int = 20  # problems listed per code per chunk (the merge caps again)


@dataclass(slots=True)
class ChunkResult:
    lines: int = 0
    examples: int = 0  # non-blank lines
    messages: int = 0
    image_examples: int = 0
    problems: list[RawProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    token_lengths: list[int] = field(default_factory=list)  # per example that was counted
    assistant_tokens: int = 0
    trained_tokens: int = 0
    digests: list[bytes] = field(default_factory=list)  # per non-blank line, for duplicates
    digest_lines: list[int] = field(default_factory=list)

    def add(self, cap: int, code: str, line: int | None, location: str | None, message: str) -> None:
        n = self.counts.get(code, 0)
        self.counts[code] = n + 1
        if n < cap:
            self.problems.append((code, line, location, message))


def scan_chunk(data: bytes, cfg: ScanConfig, *, at_file_start: bool, at_file_end: bool) -> ChunkResult:
    res = ChunkResult()
    cap = cfg.cap
    checker = CHECKERS[cfg.fmt]
    family = family_of(cfg.fmt)
    mismatch_code = "wrong_format_for_method" if cfg.method_given else "mixed_formats"
    if at_file_start and data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    lines = data.split(b"\n")
    unterminated = lines[-1] != b""
    if not unterminated:
        lines.pop()  # the empty piece after the final newline
    res.lines = len(lines)

    all_texts: list[str] = []
    all_cats: list[int] = []
    text_owner: list[int] = []  # index into counted examples
    overheads: list[int] = []
    counted_lines: list[int] = []
    loads = json.loads
    blake = hashlib.blake2b
    last = len(lines)

    for lineno, raw in enumerate(lines, 1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if not raw or raw.isspace():
            res.add(cap, "blank_line", lineno, None,
                    "Blank line: delete it (every line must hold one JSON object).")
            continue
        res.examples += 1
        res.digests.append(blake(raw.strip(), digest_size=12).digest())
        res.digest_lines.append(lineno)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            res.add(cap, "not_utf8", lineno, None,
                    f"Byte {exc.start + 1} of the line is not UTF-8 (0x{raw[exc.start]:02x}): "
                    "re-save the file as UTF-8.")
            continue
        try:
            record = loads(text)
        except (ValueError, RecursionError) as exc:
            if at_file_end and unterminated and lineno == last:
                res.add(cap, "truncated_last_line", lineno, None,
                        "The last line is cut off (no closing brace / newline): the file was "
                        "probably truncated while copying; re-export it.")
            else:
                res.add(cap, "invalid_json", lineno, None, _json_error(exc))
            continue
        if type(record) is not dict:
            res.add(cap, "not_an_object", lineno, None,
                    f"The line is a JSON {_json_kind(record)}, but every line must be one JSON object.")
            continue
        shape = shape_of(record)
        if shape is None:
            keys = ", ".join(sorted(map(str, record))[:5]) or "none"
            res.add(cap, "unknown_format", lineno, None,
                    f"The record's keys ({keys}) match no training format: expected "
                    f"{_expected_keys(cfg.fmt)}.")
            continue
        if shape != family:
            res.add(cap, mismatch_code, lineno, None,
                    f"This is a {FORMAT_LABELS[_label_key(shape)]} record, but the file is "
                    f"{FORMAT_LABELS[cfg.fmt]}"
                    + (" as the training method requires" if cfg.method_given else
                       " (from its first record)")
                    + ": keep one format per file.")
            continue
        issues: list[tuple[str, str | None, str]] = []
        texts = Texts()
        try:
            rr = checker(record, issues, texts)
        except RecursionError:
            res.add(cap, "invalid_json", lineno, None, "The record is nested too deeply to check.")
            continue
        for code, loc, msg in issues:
            res.add(cap, code, lineno, loc, msg)
        res.messages += rr.messages
        if rr.images:
            res.image_examples += 1
        idx = len(overheads)
        overheads.append(rr.overhead)
        counted_lines.append(lineno)
        all_texts.extend(texts.texts)
        all_cats.extend(texts.cats)
        text_owner.extend([idx] * len(texts.texts))

    _count_tokens(res, cfg, all_texts, all_cats, text_owner, overheads, counted_lines)
    return res


def _count_tokens(res: ChunkResult, cfg: ScanConfig, texts: list[str], cats: list[int],
                  owner: list[int], overheads: list[int], lines: list[int]) -> None:
    n = len(overheads)
    if n == 0:
        return
    enc = tokens.get_encoding(cfg.encoding)
    counts = np.asarray(tokens.count_texts(enc, texts), dtype=np.int64) if texts else np.zeros(0, np.int64)
    owner_a = np.asarray(owner, dtype=np.int64)
    cats_a = np.asarray(cats, dtype=np.int8)
    per_example = np.bincount(owner_a, weights=counts, minlength=n).astype(np.int64)
    per_example += np.asarray(overheads, dtype=np.int64)
    res.token_lengths = per_example.tolist()
    assistant = (cats_a == TRAINED) | (cats_a == UNTRAINED)
    res.assistant_tokens = int(counts[assistant].sum())
    res.trained_tokens = int(counts[cats_a == TRAINED].sum())
    for i in np.flatnonzero(per_example > cfg.context).tolist():
        res.add(cfg.cap, "over_context", lines[i], None,
                f"The example has {int(per_example[i]):,} tokens, over the model's training context "
                f"of {cfg.context:,}: it will be truncated. Shorten or split it.")


def _json_error(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return (f"Not valid JSON: {exc.msg} at column {exc.colno}. Each line must be one complete "
                "JSON object (no trailing commas, double-quoted keys, no line breaks inside).")
    if isinstance(exc, RecursionError):
        return "Not valid JSON: nested too deeply."
    return f"Not valid JSON: {exc}."


def _json_kind(value: object) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null")


def _label_key(shape: str) -> str:
    return "chat" if shape == "messages" else shape


def _expected_keys(fmt: str) -> str:
    return {
        "chat": '{"messages": [...]}',
        "reinforcement": '{"messages": [...]} ending with a user message',
        "dpo": '{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}',
        "prompt_completion": '{"prompt": "...", "completion": "..."}',
    }[fmt]
