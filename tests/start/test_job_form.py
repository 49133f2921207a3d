"""Form checks: each bad value gets a message on its own field; good values become a spec."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoft_tui.services.job_form import JobForm, check_form


def test_blank_hyperparameters_mean_auto_and_build_a_spec() -> None:
    check = check_form(JobForm(model="gpt-4o-mini-2024-07-18", suffix="my-run_1", n_epochs="auto"))
    assert check.ok and check.options is not None
    spec = check.options.spec("file-a", "file-b")
    assert spec.hyperparameters == {}
    assert (spec.model, spec.suffix, spec.method, spec.training_file, spec.validation_file) == (
        "gpt-4o-mini-2024-07-18",
        "my-run_1",
        "supervised",
        "file-a",
        "file-b",
    )


def test_numbers_are_parsed_to_the_right_types() -> None:
    check = check_form(
        JobForm(
            model="gpt-4.1-mini-2025-04-14",
            method="dpo",
            n_epochs="3",
            batch_size="8",
            learning_rate_multiplier="0.1",
            beta="0.2",
            seed="42",
            training_type="GlobalStandard",
        )
    )
    assert check.options is not None
    assert check.options.hyperparameters == {
        "n_epochs": 3,
        "batch_size": 8,
        "learning_rate_multiplier": 0.1,
        "beta": 0.2,
    }
    assert isinstance(check.options.hyperparameters["n_epochs"], int)
    assert check.options.seed == 42
    assert check.options.training_type == "globalstandard"


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("suffix", "a" * 41, "up to 40"),
        ("suffix", "bad suffix!", "a-z, A-Z, 0-9"),
        ("n_epochs", "0", "from 1 to 50"),
        ("n_epochs", "51", "from 1 to 50"),
        ("n_epochs", "2.5", "whole number"),
        ("batch_size", "257", "from 1 to 256"),
        ("learning_rate_multiplier", "0", "above 0"),
        ("learning_rate_multiplier", "nan", "above 0"),
        ("learning_rate_multiplier", "fast", "number"),
        ("seed", "-1", "from 0"),
        ("seed", "x", "whole number"),
        ("training_type", "premium", "globalstandard"),
    ],
)
def test_bad_values_get_a_message_on_their_field(field: str, value: str, fragment: str) -> None:
    check = check_form(JobForm(model="gpt-4o-mini-2024-07-18", **{field: value}))
    assert not check.ok and check.options is None
    assert list(check.errors) == [field]
    assert fragment in check.errors[field]


def test_beta_is_dpo_only() -> None:
    check = check_form(JobForm(model="gpt-4o-mini-2024-07-18", method="supervised", beta="0.1"))
    assert "DPO only" in check.errors["beta"]
    assert check_form(JobForm(model="gpt-4o-mini-2024-07-18", method="dpo", beta="0.1")).ok
    assert (
        "at most 2" in check_form(JobForm(model="gpt-4o-2024-08-06", method="dpo", beta="3")).errors["beta"]
    )


def test_model_must_support_the_method() -> None:
    check = check_form(JobForm(model="gpt-35-turbo-0125", method="dpo"))
    assert "does not support dpo" in check.errors["method"]
    assert "supervised" in check.errors["method"]
    # A continuation of a fine-tune is judged by its base; unknown new models pass.
    assert check_form(JobForm(model="gpt-4o-mini-2024-07-18.ft-abc123", method="dpo")).ok
    assert check_form(JobForm(model="gpt-7-2027-01-01", method="dpo")).ok
    assert "Choose a base model" in check_form(JobForm(model="  ")).errors["model"]
    assert "one of" in check_form(JobForm(model="gpt-4o", method="magic")).errors["method"]


@given(st.text(max_size=60))
def test_suffix_rule_matches_azure(suffix: str) -> None:
    import re

    ok = check_form(JobForm(model="gpt-4o", suffix=suffix)).ok
    stripped = suffix.strip()
    assert ok == (not stripped or bool(re.fullmatch(r"[A-Za-z0-9_-]{1,40}", stripped)))


@pytest.mark.parametrize(
    ("model", "tier"),
    [
        ("gpt-4.1-mini-2025-04-14", "globalstandard"),
        ("o4-mini", "globalstandard"),
        ("gpt-35-turbo-0125", "standard"),
    ],
)
def test_a_tier_is_always_chosen_from_the_model(model: str, tier: str) -> None:
    rft = model == "o4-mini"  # reinforcement needs a grader
    grader = '{"type": "python", "name": "g", "source": "def grade(s, i): return 1"}' if rft else ""
    check = check_form(JobForm(model=model, method="reinforcement" if rft else "supervised", grader=grader))
    assert check.options is not None and check.options.training_type == tier


def test_a_tier_the_model_lacks_is_refused_with_the_ones_it_has() -> None:
    check = check_form(JobForm(model="o4-mini", method="reinforcement", training_type="developer"))
    assert (
        check.errors["training_type"] == "o4-mini has no developer training; use globalstandard or standard."
    )
