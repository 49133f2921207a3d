"""The quick evaluation's pieces: examples from chat and preference files, scoring, cost."""

from __future__ import annotations

import json

import pytest

from aoft_tui.domain import catalog
from aoft_tui.services.deployment_chat import Reply, eval_examples
from aoft_tui.services.errors import LocalFileError
from aoft_tui.services.quick_eval import EvalRun, SideTotals, run_eval

FT = "gpt-4o-mini-2024-07-18.ft-abc123-support"


def test_a_dpo_file_gives_its_input_and_preferred_answer(tmp_path) -> None:
    path = tmp_path / "valid.jsonl"
    path.write_text(
        json.dumps(
            {
                "input": {"messages": [{"role": "user", "content": "refund?"}]},
                "preferred_output": [{"role": "assistant", "content": "Open Settings."}],
                "non_preferred_output": [{"role": "assistant", "content": "No."}],
            }
        )
        + "\n"
    )
    assert eval_examples(path, 5) == [([{"role": "user", "content": "refund?"}], "Open Settings.")]


def test_neither_shape_names_the_line(tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n'
        '{"prompt": "x", "completion": "y"}\n'
    )
    with pytest.raises(LocalFileError, match=r"bad.jsonl, line 2: not a chat example"):
        eval_examples(path, 5)


def test_scores_tokens_and_cost_add_up_and_cancel_keeps_what_was_done() -> None:
    replies = {"ft": Reply("Open Settings.", 10, 4), "base": Reply("I am a general assistant.", 10, 6)}
    examples = [([{"role": "user", "content": f"q{i}"}], "Open Settings.") for i in range(3)]
    run = EvalRun([SideTotals("ft", FT), SideTotals("base", "gpt-4o-mini")], planned=3)
    calls = []

    def ask(deployment, messages):
        calls.append(deployment)
        return replies[deployment]

    results = list(run_eval(ask, run, examples, cancelled=lambda: len(calls) >= 4))
    assert len(results) == 2 and run.cancelled and run.done == 2  # stopped before the 3rd example
    ft, base = run.sides
    assert (ft.exact, base.exact, ft.mean_similarity) == (2, 0, 1.0) and base.mean_similarity < 0.5
    assert (ft.prompt_tokens, ft.completion_tokens) == (20, 8)
    fine_tuned_rate = catalog.inference_price_per_million(FT)
    assert fine_tuned_rate == catalog.INFERENCE_PRICE_PER_MILLION["gpt-4o-mini"][0]
    assert ft.cost() == pytest.approx((20 * fine_tuned_rate[0] + 8 * fine_tuned_rate[1]) / 1e6)
    base_rate = catalog.INFERENCE_PRICE_PER_MILLION["gpt-4o-mini"][1]
    assert base.cost() == pytest.approx((20 * base_rate[0] + 12 * base_rate[1]) / 1e6)


def test_prices_can_be_overridden_and_an_unknown_model_has_none() -> None:
    overrides = {"inference.gpt-4o-mini.input": 1.0, "inference.gpt-4o-mini.output": 2.0}
    assert catalog.inference_price_per_million(FT, overrides) == (1.0, 2.0)
    assert SideTotals("x", "some-other-model", prompt_tokens=5).cost() is None  # shown "n/a"
