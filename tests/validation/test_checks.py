"""Focused checks that the corpus files cannot carry cheaply (large images) and format rules."""

from __future__ import annotations

import base64

from aoft_tui.domain.validation import auto_epochs, validate_bytes

from .validation_helpers import chat, jsonl, many_chats


def test_image_over_10_mb() -> None:
    big = "data:image/jpeg;base64," + base64.b64encode(b"\xff" * (10 * 1024 * 1024 + 10)).decode()
    rec = {
        "messages": [
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": big}}]},
            {"role": "assistant", "content": "A cat."},
        ]
    }
    report = validate_bytes(jsonl([rec] + many_chats(10)), model="gpt-4o")
    (p,) = [p for p in report.problems if p.code == "image_too_large"]
    assert p.line == 1 and p.location == "messages[0].content[0].image_url.url" and "10 MiB" in p.message
    assert report.stats.image_examples == 1


def test_format_is_detected_from_the_first_record() -> None:
    dpo = {
        "input": {"messages": [{"role": "user", "content": "q"}]},
        "preferred_output": [{"role": "assistant", "content": "good"}],
        "non_preferred_output": [{"role": "assistant", "content": "bad"}],
    }
    assert validate_bytes(jsonl([dpo] * 10)).stats.format == "dpo"
    assert validate_bytes(jsonl(many_chats(10))).stats.format == "chat"
    rft = {"messages": [{"role": "user", "content": "2+2?"}], "answer": "4"}
    assert validate_bytes(jsonl([rft] * 10)).stats.format == "reinforcement"
    assert (
        validate_bytes(jsonl([{"prompt": "a", "completion": "b"}] * 10)).stats.format == "prompt_completion"
    )


def test_dpo_counts_preferred_as_trained() -> None:
    dpo = {
        "input": {"messages": [{"role": "user", "content": "q"}]},
        "preferred_output": [{"role": "assistant", "content": "good answer here"}],
        "non_preferred_output": [{"role": "assistant", "content": "bad"}],
    }
    st = validate_bytes(jsonl([dpo] * 10), method="dpo").stats
    assert st.trained_tokens > 0 and st.assistant_tokens > st.trained_tokens


def test_weight_zero_reply_is_not_trained() -> None:
    rec = {
        "messages": [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": "draft answer words", "weight": 0},
            {"role": "user", "content": "again"},
            {"role": "assistant", "content": "final"},
        ]
    }
    st = validate_bytes(jsonl([rec] * 10)).stats
    assert st.assistant_tokens > st.trained_tokens > 0


def test_cookbook_epoch_rule() -> None:
    assert auto_epochs(10) == 10 and auto_epochs(5) == 20 and auto_epochs(3) == 25
    assert auto_epochs(1000) == 3 and auto_epochs(10_000) == 2 and auto_epochs(100_000) == 1


def test_context_per_model() -> None:
    long = chat(reply="word " * 40_000)  # ~40k tokens: over gpt-4.1-nano's 32,768, under gpt-4.1's 65,536
    data = jsonl([long] + many_chats(10))
    assert validate_bytes(data, model="gpt-4.1-nano").counts.get("over_context") == 1
    assert "over_context" not in validate_bytes(data, model="gpt-4.1").counts
    st = validate_bytes(data, model="gpt-4.1-nano").stats
    assert st.context_tokens == 32_768 and st.billed_tokens == st.epochs * (
        32_768 + st.tokens.total - st.tokens.max
    )


def test_format_checks_without_the_tokenizer() -> None:
    recs = many_chats(12)
    recs[5] = {"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": "x"}]}
    fast = validate_bytes(jsonl(recs), count_tokens=False)
    full = validate_bytes(jsonl(recs))
    assert [p.code for p in fast.problems] == [p.code for p in full.problems] == ["null_content"]
    assert fast.stats.tokens.total == 0 < full.stats.tokens.total


def test_a_chat_missing_its_reply_is_chat_for_a_model_without_reinforcement() -> None:
    """Ending with a user message looks like reinforcement data; for a supervised/DPO-only
    model the useful report is the missing assistant reply, not "wrong method"."""
    no_reply = {"messages": [{"role": "user", "content": "hi"}]}
    report = validate_bytes(jsonl([no_reply] + many_chats(10)), model="gpt-4.1-mini")
    assert report.stats.format == "chat"
    codes = {p.code for p in report.errors}
    assert "no_assistant_message" in codes and "method_not_supported" not in codes
    # a model that does reinforcement still gets the reinforcement reading
    assert validate_bytes(jsonl([no_reply] * 10), model="o4-mini").stats.format == "reinforcement"


def test_images_the_service_may_drop_are_a_warning_that_says_how_many() -> None:
    """The service screens images and drops, silently, examples whose image it will not train
    on (people, faces, CAPTCHAs, an unreachable URL); over 200 dropped fails the job."""
    img = {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        ],
    }
    recs = many_chats(12)
    for i in (2, 5, 9):
        recs[i] = {"messages": [img, {"role": "assistant", "content": f"A cat {i}."}]}
    report = validate_bytes(jsonl(recs), model="gpt-4o")
    (p,) = report.problems
    assert (p.code, p.severity, p.line) == ("images_may_be_dropped", "warning", None)
    assert "3 of 12 examples (25.0%)" in p.message and "200" in p.message
    assert not report.has_errors
    assert validate_bytes(jsonl(many_chats(12)), model="gpt-4o").problems == []
