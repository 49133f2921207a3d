"""Graders: the hand check (domain/graders.py) against the spec's own grader schemas, and
the messages a grader file gets (file, line, field, fix)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from aoft_tui.domain.graders import check_grader, describe_grader, parse_grader_text
from aoft_tui.services.api_mapping import job_create_body
from aoft_tui.services.job_form import JobForm, check_form
from tests.start.start_support import STRING_CHECK, TEXT_SIMILARITY

SPEC = Path(__file__).parents[2] / "spec/azure-openai/2025-04-01-preview/azureopenai.json"
SPEC_SCHEMAS = {
    "string_check": "EvalStringCheckGrader",
    "text_similarity": "EvalTextSimilarityGrader",
    "score_model": "EvalScoreModelGrader",
}

SCORE_MODEL = {
    "type": "score_model",
    "name": "judge",
    "model": "o3-mini",
    "range": [0, 1],
    "input": [{"role": "user", "content": "Score {{sample.output_text}} against {{item.answer}}"}],
}
PYTHON = {"type": "python", "name": "code", "source": "def grade(sample, item):\n    return 1.0\n"}
MULTI = {
    "type": "multi",
    "name": "both",
    "graders": {"exact": STRING_CHECK, "close": TEXT_SIMILARITY},
    "calculate_output": "0.5 * exact + 0.5 * close",
}


def _unions(node):
    """The spec writes its unions (a message's content: a string or an object; testing_criteria:
    one of the graders) as `allOf` beside `x-ms-discriminator-value`; an allOf of a string and
    an object admits nothing, so these are read as the anyOf they mean."""
    if isinstance(node, dict):
        out = {k: _unions(v) for k, v in node.items()}
        if "x-ms-discriminator-value" in node and "allOf" in node:
            out["anyOf"] = out.pop("allOf")
            out.pop("required", None)  # the discriminator's `type`: a plain string has none
        return out
    if isinstance(node, list):
        return [_unions(v) for v in node]
    return node


def _spec_validator(kind: str) -> jsonschema.Draft4Validator:
    definitions = _unions(json.loads(SPEC.read_text())["definitions"])
    schema = {**definitions[SPEC_SCHEMAS[kind]], "definitions": definitions}
    return jsonschema.Draft4Validator(schema)


def _variants(grader: dict) -> list[dict]:
    """The grader, and one copy per required field with that field dropped or mistyped."""
    out = [grader]
    for key in grader:
        if key == "type":
            continue
        dropped = {k: v for k, v in grader.items() if k != key}
        mistyped = copy.deepcopy(grader)
        mistyped[key] = {"not": "right"} if not isinstance(grader[key], dict) else 7
        out += [dropped, mistyped]
    bad_enum = copy.deepcopy(grader)
    for key in ("operation", "evaluation_metric"):
        if key in bad_enum:
            bad_enum[key] = "sort_of_equal"
    out.append(bad_enum)
    return out


@pytest.mark.parametrize("grader", [STRING_CHECK, TEXT_SIMILARITY, SCORE_MODEL], ids=lambda g: g["type"])
def test_the_hand_check_agrees_with_the_spec_schema(grader) -> None:
    validator = _spec_validator(grader["type"])
    for variant in _variants(grader):
        spec_ok = validator.is_valid(variant)
        ours_ok = not check_grader(variant)
        assert spec_ok == ours_ok, (variant, list(validator.iter_errors(variant)), check_grader(variant))
    assert any(not validator.is_valid(v) for v in _variants(grader))  # the variants do break the schema


@pytest.mark.parametrize(
    "grader", [STRING_CHECK, TEXT_SIMILARITY, SCORE_MODEL, PYTHON, MULTI], ids=lambda g: g["type"]
)
def test_each_grader_type_is_accepted_and_described(grader) -> None:
    assert check_grader(grader) == []
    assert describe_grader(grader).startswith(grader["type"])


def test_a_broken_grader_inside_a_multi_grader_is_named_by_its_path() -> None:
    broken = copy.deepcopy(MULTI)
    del broken["graders"]["close"]["evaluation_metric"]
    problems = check_grader(broken)
    assert [p.field for p in problems] == ["graders.close.evaluation_metric"]
    assert "fuzzy_match" in problems[0].fix


def test_label_model_is_refused_with_the_grader_to_use_instead() -> None:
    problems = check_grader(
        {"type": "label_model", "name": "x", "model": "m", "input": [], "labels": [], "passing_labels": []}
    )
    assert problems[0].field == "type" and "score_model" in problems[0].fix


def test_a_grader_file_message_names_the_file_the_line_the_field_and_the_fix() -> None:
    text = json.dumps({**STRING_CHECK, "operation": "equals"}, indent=2)
    grader, messages = parse_grader_text(text, "grader.json")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"operation"' in ln)
    assert grader is None
    assert messages == [
        f"grader.json:{line}: operation: 'equals' is not an operation. Fix: use one of eq, ne, like, ilike."
    ]


def test_a_grader_file_that_is_not_json_names_the_line() -> None:
    grader, messages = parse_grader_text('{\n  "type": "string_check",\n  "name": \n}', "g.json")
    assert grader is None and messages[0].startswith("g.json:4: not valid JSON")


def test_the_form_requires_a_grader_for_reinforcement_and_sends_it_with_the_rft_settings() -> None:
    missing = check_form(JobForm(model="o4-mini-2025-04-16", method="reinforcement"))
    assert "needs a grader" in missing.errors["grader"]
    check = check_form(
        JobForm(
            model="o4-mini-2025-04-16",
            method="reinforcement",
            grader=json.dumps(MULTI),
            reasoning_effort="high",
            compute_multiplier="1.5",
            eval_interval="5",
            eval_samples="10",
            metadata="team=nlp, run=3",
        )
    )
    assert check.ok, check.errors
    body = job_create_body(check.options.spec("file-train", "file-valid"))
    assert body["method"] == {
        "type": "reinforcement",
        "reinforcement": {
            "grader": MULTI,
            "hyperparameters": {
                "compute_multiplier": 1.5,
                "eval_interval": 5,
                "eval_samples": 10,
                "reasoning_effort": "high",
            },
        },
    }
    assert body["metadata"] == {"team": "nlp", "run": "3"}


def test_rft_settings_and_a_grader_are_refused_for_other_methods() -> None:
    check = check_form(
        JobForm(
            model="gpt-4.1-mini-2025-04-14",
            grader=json.dumps(STRING_CHECK),
            eval_samples="3",
            reasoning_effort="low",
        )
    )
    assert set(check.errors) == {"grader", "eval_samples", "reasoning_effort"}
    assert "reinforcement only" in check.errors["eval_samples"]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("team", "KEY=VALUE"),
        ("=x", "KEY=VALUE"),
        ("k=" + "v" * 513, "at most 512"),
        (",".join(f"k{i}=v" for i in range(17)), "at most 16"),
    ],
)
def test_bad_metadata_is_refused_with_the_rule(text, fragment) -> None:
    assert fragment in check_form(JobForm(model="gpt-4.1-mini-2025-04-14", metadata=text)).errors["metadata"]


def test_the_multi_grader_shape_the_service_takes_is_accepted_and_a_single_inner_grader_is_not() -> None:
    real = json.loads((Path(__file__).parents[1] / "fixtures/azure-real/rft_multi_grader.json").read_text())
    assert check_grader(real) == []
    sdk_shape = {**real, "graders": real["graders"]["compliant"]}  # what the SDK's types describe
    assert check_grader(sdk_shape)  # the service refuses it ("graders.input: expected an object")
