"""Reinforcement fine-tuning graders, checked before anything is uploaded (pure: no I/O).

The rules per grader type follow the 2025-04-01-preview spec's grader schemas
(EvalStringCheckGrader, EvalTextSimilarityGrader, EvalScoreModelGrader: required fields,
types, enums; tests/start/test_graders.py checks them against the spec with jsonschema).
`python` and `multi` are not in the Azure spec files; their fields are OpenAI's
(`method.reinforcement.grader` on /openai/v1, which Azure's RFT guide uses). The CLI,
the new-job form and the emulator all use `check_grader`, so a grader is refused with
the same words wherever it comes from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STRING_CHECK, TEXT_SIMILARITY, SCORE_MODEL = "string_check", "text_similarity", "score_model"
PYTHON, MULTI, LABEL_MODEL = "python", "multi", "label_model"
GRADER_TYPES = (STRING_CHECK, TEXT_SIMILARITY, SCORE_MODEL, PYTHON, MULTI)
STRING_OPERATIONS = ("eq", "ne", "like", "ilike")
SIMILARITY_METRICS = (
    "fuzzy_match",
    "bleu",
    "gleu",
    "meteor",
    "rouge_1",
    "rouge_2",
    "rouge_3",
    "rouge_4",
    "rouge_5",
    "rouge_l",
)
MESSAGE_ROLES = ("user", "assistant", "system", "developer")

# type -> (required field -> kind); kinds: "str", "number", "list", "object"
_REQUIRED: dict[str, dict[str, str]] = {
    STRING_CHECK: {"name": "str", "input": "str", "reference": "str", "operation": "str"},
    TEXT_SIMILARITY: {
        "input": "str",
        "reference": "str",
        "pass_threshold": "number",
        "evaluation_metric": "str",
    },
    SCORE_MODEL: {"name": "str", "input": "list", "model": "str"},
    PYTHON: {"name": "str", "source": "str"},
    MULTI: {"name": "str", "graders": "object", "calculate_output": "str"},
}
_OPTIONAL: dict[str, dict[str, str]] = {
    TEXT_SIMILARITY: {"name": "str"},
    SCORE_MODEL: {"pass_threshold": "number", "range": "list", "sampling_params": "object"},
    PYTHON: {"image_tag": "str"},
}
# What to write for a missing field: the fix a message suggests.
_EXAMPLES = {
    "name": '"name": "my_grader"',
    "input": '"input": "{{sample.output_text}}"',
    "reference": '"reference": "{{item.reference_answer}}"',
    "operation": f'"operation": "eq" (one of {", ".join(STRING_OPERATIONS)})',
    "pass_threshold": '"pass_threshold": 0.8',
    "evaluation_metric": f'"evaluation_metric": "fuzzy_match" (one of {", ".join(SIMILARITY_METRICS)})',
    "model": '"model": "o3-mini"',
    "source": '"source": "def grade(sample, item) -> float: ..."',
    "graders": '"graders": {"a": {…a grader…}, "b": {…}}',
    "calculate_output": '"calculate_output": "0.5 * a + 0.5 * b"',
}
_KIND_WORDS = {"str": "a string", "number": "a number", "list": "a list", "object": "an object"}


@dataclass(frozen=True, slots=True)
class GraderProblem:
    """`field` is a dotted path inside the grader ("graders.exact.reference"); "" is the grader."""

    field: str
    message: str
    fix: str

    def text(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message} Fix: {self.fix}"


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, Mapping)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def check_grader(grader: Any, *, path: str = "", nested: bool = False) -> list[GraderProblem]:
    """Every problem found (empty: the grader can be sent)."""
    if not isinstance(grader, Mapping):
        return [
            GraderProblem(
                path,
                "a grader must be a JSON object.",
                '{"type": "string_check", "name": …, "input": …, "reference": …, "operation": "eq"}',
            )
        ]
    kind = grader.get("type")
    type_path = _join(path, "type")
    if kind == LABEL_MODEL:
        return [
            GraderProblem(
                type_path,
                "label_model grades evaluations, not reinforcement fine-tuning.",
                'use "type": "score_model" (a model that returns a score).',
            )
        ]
    if kind not in _REQUIRED:
        got = "missing" if kind is None else f"{kind!r} is not a grader type"
        return [GraderProblem(type_path, f"{got}.", f'"type": one of {", ".join(GRADER_TYPES)}.')]
    if kind == MULTI and nested:
        return [
            GraderProblem(
                type_path,
                "a multi grader cannot contain another multi grader.",
                "list its graders directly in the outer multi grader.",
            )
        ]
    problems: list[GraderProblem] = []
    for name, want in _REQUIRED[kind].items():
        field = _join(path, name)
        if name not in grader or grader[name] is None:
            problems.append(
                GraderProblem(field, f"required for {kind} but missing.", f"add {_EXAMPLES[name]}.")
            )
        elif not _is_kind(grader[name], want):
            problems.append(
                GraderProblem(
                    field,
                    f"must be {_KIND_WORDS[want]} (got {_shown(grader[name])}).",
                    f"write {_EXAMPLES[name]}.",
                )
            )
    for name, want in _OPTIONAL.get(kind, {}).items():
        if grader.get(name) is not None and not _is_kind(grader[name], want):
            problems.append(
                GraderProblem(
                    _join(path, name),
                    f"must be {_KIND_WORDS[want]} (got {_shown(grader[name])}).",
                    f"fix or remove {name}.",
                )
            )
    if problems:
        return problems
    problems.extend(_type_rules(kind, grader, path))
    return problems


def _type_rules(kind: str, grader: Mapping[str, Any], path: str) -> list[GraderProblem]:
    problems: list[GraderProblem] = []
    if kind == STRING_CHECK and grader["operation"] not in STRING_OPERATIONS:
        problems.append(
            GraderProblem(
                _join(path, "operation"),
                f"{grader['operation']!r} is not an operation.",
                f"use one of {', '.join(STRING_OPERATIONS)}.",
            )
        )
    if kind == TEXT_SIMILARITY and grader["evaluation_metric"] not in SIMILARITY_METRICS:
        problems.append(
            GraderProblem(
                _join(path, "evaluation_metric"),
                f"{grader['evaluation_metric']!r} is not a metric.",
                f"use one of {', '.join(SIMILARITY_METRICS)}.",
            )
        )
    if kind == SCORE_MODEL:
        problems.extend(_score_model_rules(grader, path))
    if kind == MULTI:
        graders = grader["graders"]
        if not graders:
            problems.append(
                GraderProblem(_join(path, "graders"), "is empty.", f"add {_EXAMPLES['graders']}.")
            )
        for name, inner in graders.items():
            problems.extend(check_grader(inner, path=_join(path, f"graders.{name}"), nested=True))
    return problems


def _score_model_rules(grader: Mapping[str, Any], path: str) -> list[GraderProblem]:
    problems: list[GraderProblem] = []
    if not grader["input"]:
        problems.append(
            GraderProblem(
                _join(path, "input"),
                "is empty.",
                'add at least one message: [{"role": "user", "content": "…"}].',
            )
        )
    for i, item in enumerate(grader["input"]):
        where = _join(path, f"input[{i}]")
        if not isinstance(item, Mapping) or "content" not in item:
            problems.append(
                GraderProblem(
                    where,
                    "must be a message with role and content.",
                    'write {"role": "user", "content": "Grade {{sample.output_text}}"}.',
                )
            )
        elif item.get("role") not in MESSAGE_ROLES:
            problems.append(
                GraderProblem(
                    _join(where, "role"),
                    f"{item.get('role')!r} is not a role.",
                    f"use one of {', '.join(MESSAGE_ROLES)}.",
                )
            )
    rng = grader.get("range")
    if rng is not None and not (
        len(rng) == 2 and all(_is_kind(v, "number") for v in rng) and rng[0] < rng[1]
    ):
        problems.append(
            GraderProblem(
                _join(path, "range"),
                f"must be two numbers, low < high (got {_shown(rng)}).",
                'write "range": [0, 1].',
            )
        )
    return problems


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def describe_grader(grader: Mapping[str, Any]) -> str:
    """One line for the form and the pre-flight: `string_check "exact": eq`."""
    kind = str(grader.get("type"))
    name = f' "{grader["name"]}"' if grader.get("name") else ""
    detail = {
        STRING_CHECK: lambda: str(grader.get("operation")),
        TEXT_SIMILARITY: lambda: f"{grader.get('evaluation_metric')} ≥ {grader.get('pass_threshold')}",
        SCORE_MODEL: lambda: f"model {grader.get('model')}",
        PYTHON: lambda: f"{len(str(grader.get('source') or '').splitlines())} lines of Python",
        MULTI: lambda: f"{', '.join(grader.get('graders') or {})} → {grader.get('calculate_output')}",
    }.get(kind, lambda: "")()
    return f"{kind}{name}: {detail}" if detail else f"{kind}{name}"


def parse_grader_text(text: str, source: str) -> tuple[dict[str, Any] | None, list[str]]:
    """(grader, []) or (None, messages naming `source`, the line and the field)."""
    try:
        grader = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            f"{source}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno}). "
            "Fix: a grader file holds one JSON object."
        ]
    problems = check_grader(grader)
    if not problems:
        return grader, []
    return None, [f"{source}:{_line_of(text, p.field)}: {p.text()}" for p in problems]


def _line_of(text: str, field: str) -> int:
    """The line where the field (its last part) is written, else its parent's, else 1."""
    parts = [p.split("[", 1)[0] for p in field.split(".") if p] if field else []
    lines = text.splitlines()
    for part in reversed(parts):
        needle = json.dumps(part) + ":"
        for number, line in enumerate(lines, 1):
            if needle in line.replace('" :', '":'):
                return number
    return 1
