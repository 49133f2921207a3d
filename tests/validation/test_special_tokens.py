"""Text that spells a special token of the model's tokenizer fails the job on the service
("Invalid file format. Example 6174 message contains an invalid token: <|fim_suffix|>.",
johny-b/llmcomp#59), so the validator refuses it wherever the text reaches the model,
naming the line, the field and the token (issue #16)."""

from __future__ import annotations

import json

import pytest

from aoft_tui.domain.validation import validate_bytes

from .validation_helpers import chat, jsonl, many_chats

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Looks things up.",
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
        },
    }
]


def _call(args: str, call_id: str = "call_1") -> dict:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": "lookup", "arguments": args}}
        ],
    }


def _tool_round_trip(**overrides: object) -> dict:
    rec = {
        "messages": [
            {"role": "user", "content": "Find x."},
            _call('{"q": "x"}'),
            {"role": "tool", "tool_call_id": "call_1", "content": "x is 1"},
            {"role": "assistant", "content": "x is 1."},
        ],
        "tools": TOOLS,
    }
    rec.update(overrides)
    return rec


def _problems(bad: dict, at: int = 4, **opts: object) -> list:
    recs = many_chats(11)
    recs.insert(at - 1, bad)
    return validate_bytes(jsonl(recs), **opts).problems


@pytest.mark.parametrize(
    "token", ["<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"]
)
def test_assistant_reply_with_a_special_token_is_an_error(token: str) -> None:
    """The issue's case: a reply that contains the literal text was a warning and exit 0."""
    (p,) = [p for p in _problems(chat("Hi", f"Done.{token}")) if p.code == "special_token"]
    assert p.is_error and p.line == 4 and p.location == "messages[2].content"
    assert token in p.message and "messages[2].content" in p.message


def _tool_call_with(args: str) -> dict:
    rec = _tool_round_trip()
    rec["messages"][1] = _call(args)
    return rec


def _tool_with_description(text: str) -> dict:
    tools = json.loads(json.dumps(TOOLS))
    tools[0]["function"]["description"] = text
    return _tool_round_trip(tools=tools)


FIELDS = [
    (
        "user content part",
        {
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "a <|fim_suffix|>"}]},
                {"role": "assistant", "content": "ok"},
            ]
        },
        "messages[0].content[0].text",
        {},
    ),
    (
        "system content",
        {
            "messages": [
                {"role": "system", "content": "<|endofprompt|> rules"},
                {"role": "user", "content": "q"},
                {"role": "assistant", "content": "a"},
            ]
        },
        "messages[0].content",
        {},
    ),
    (
        "message name",
        {
            "messages": [
                {"role": "user", "name": "<|endoftext|>", "content": "q"},
                {"role": "assistant", "content": "a"},
            ]
        },
        "messages[0].name",
        {},
    ),
    (
        "tool call arguments",
        _tool_call_with('{"q": "<|fim_middle|>"}'),
        "messages[1].tool_calls[0].function.arguments",
        {},
    ),
    (
        "tool definition",
        _tool_with_description("Finds <|fim_prefix|> markers."),
        "tools[0].function.description",
        {},
    ),
    (
        "tool answer",
        _tool_round_trip(
            messages=[
                {"role": "user", "content": "Find x."},
                _call('{"q": "x"}'),
                {"role": "tool", "tool_call_id": "call_1", "content": "x<|endoftext|>"},
                {"role": "assistant", "content": "x is 1."},
            ]
        ),
        "messages[2].content",
        {},
    ),
    (
        "legacy function definition",
        {
            "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
            "functions": [{"name": "f", "description": "<|endofprompt|>"}],
        },
        "functions[0].description",
        {},
    ),
]


@pytest.mark.parametrize("bad,location,opts", [f[1:] for f in FIELDS], ids=[f[0] for f in FIELDS])
def test_every_field_sent_to_the_model_is_checked(bad: dict, location: str, opts: dict) -> None:
    found = [(p.code, p.line, p.location) for p in _problems(bad, **opts) if p.is_error]
    assert ("special_token", 4, location) in found, found


def _dpo(preferred: str = "Hello!", prompt: str = "Hi") -> dict:
    return {
        "input": {"messages": [{"role": "user", "content": prompt}]},
        "preferred_output": [{"role": "assistant", "content": preferred}],
        "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
    }


def test_dpo_and_reinforcement_fields() -> None:
    recs = [_dpo(prompt=f"Hi {i}") for i in range(11)]
    recs[2] = _dpo(preferred="Hello<|fim_suffix|>")
    recs[6] = _dpo(prompt="<|endoftext|>")
    report = validate_bytes(jsonl(recs), method="dpo", model="gpt-4.1-mini")
    assert {(p.line, p.location) for p in report.errors if p.code == "special_token"} == {
        (3, "preferred_output[0].content"),
        (7, "input.messages[0].content"),
    }
    rft = [{"messages": [{"role": "user", "content": f"{i} * 3?"}], "answer": str(3 * i)} for i in range(11)]
    rft[9]["messages"][0]["content"] = "<|endofprompt|> 9 * 3?"
    report = validate_bytes(jsonl(rft), method="reinforcement", model="o4-mini")
    assert [(p.code, p.line) for p in report.errors] == [("special_token", 10)]


def test_prompt_completion() -> None:
    recs = [{"prompt": f"Q{i} ->", "completion": f" A{i}"} for i in range(11)]
    recs[5]["completion"] = " A5<|endoftext|>"
    report = validate_bytes(jsonl(recs), model="babbage-002")
    assert [(p.code, p.line, p.location) for p in report.errors] == [("special_token", 6, "completion")]


def test_escaped_special_token_is_found() -> None:
    """`\\u003c|endoftext|>` is the same text once decoded: the service sees the token."""
    line = '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a\\u003c|endoftext|>"}]}'
    data = jsonl(many_chats(11)) + line.encode() + b"\n"
    assert [(p.code, p.line) for p in validate_bytes(data).errors] == [("special_token", 12)]


def test_other_token_like_text_stays_a_warning() -> None:
    """<|im_start|> is no token of cl100k_base or o200k_base: it trains as text."""
    problems = _problems(chat("Hi", "<|im_start|>assistant"))
    assert [(p.code, p.severity) for p in problems] == [("special_token_text", "warning")]


def test_near_misses_pass() -> None:
    for text in ("<| endoftext |>", "<|endoftext", "a <| b |> c", "endoftext|>"):
        assert _problems(chat("Hi", f"x {text}")) == [], text
