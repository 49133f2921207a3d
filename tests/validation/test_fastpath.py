"""The fast paths for plain chat lines agree with the full checker wherever they answer.

`plain_chat` (spans, for the head start) and `plain_chat_texts` (texts, with a tokenizer at
hand) may decline any line (the full checker then runs); when one accepts a line, the full
checker must report nothing for what json.loads makes of it, and collect the same texts."""

from __future__ import annotations

import json
from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from aoft_tui.domain.validation.rules.checks import PROMPT, TRAINED, UNTRAINED, Texts
from aoft_tui.domain.validation.rules.formats import check_chat
from aoft_tui.domain.validation.runner.fastpath import plain_chat, plain_chat_texts
from aoft_tui.domain.validation.runner.fastpath_tools import tool_chat_texts
from aoft_tui.domain.validation.runner.scan import ScanConfig, count_pending, scan_chunk

PLAIN_ROLES = ["system", "developer", "user", "assistant", "assistant"]
ODD_ROLES = ["tool", "function", "robot", "", None, 3, ["user"]]
TEXTS = st.one_of(
    st.text(min_size=1, max_size=12),
    st.text(min_size=1, max_size=12),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "Hi",
            "<|endoftext|>",
            "a <| b",
            "x\ud800",
            "日本語",
            'say "hi"\n',
            "back\\slash",
            "tab\there",
            "<",
            "|>",
            "\u2028",
            # special tokens (errors) and token-like text (a warning)
            "<|fim_suffix|>",
            "a<|endofprompt|>b",
            "<|im_start|>",
            "<| endoftext |>",
        ]
    ),
)
ODD_CONTENT = st.one_of(st.none(), st.integers(0, 2), st.just([{"type": "text", "text": "part"}]))
WEIGHTS = st.sampled_from([2, -1, True, False, 1.0, 0.0, None, "1", 2**70])


@st.composite
def messages(draw: st.DrawFn) -> dict:
    """A well-formed message, sometimes with one thing wrong or unusual."""
    m: dict = {"role": draw(st.sampled_from(PLAIN_ROLES)), "content": draw(TEXTS)}
    if m["role"] == "assistant" and draw(st.sampled_from([False, False, True])):
        m["weight"] = draw(st.sampled_from([0, 1]))
    change = draw(
        st.sampled_from(
            ["none"] * 15 + ["role", "content", "odd role", "odd content", "odd weight", "extra key"]
        )
    )
    if change == "role":
        del m["role"]
    elif change == "content":
        del m["content"]
    elif change == "odd role":
        m["role"] = draw(st.sampled_from(ODD_ROLES))
    elif change == "odd content":
        m["content"] = draw(ODD_CONTENT)
    elif change == "odd weight":
        m["weight"] = draw(WEIGHTS)
    elif change == "extra key":
        m[draw(st.sampled_from(["name", "tool_calls", "refusal", "oops"]))] = draw(TEXTS)
    return {k: m[k] for k in draw(st.permutations(list(m)))}


@st.composite
def records(draw: st.DrawFn) -> object:
    rec: dict = {"messages": draw(st.lists(messages(), min_size=1, max_size=5) | st.just([]))}
    change = draw(st.sampled_from(["none"] * 10 + ["key", "shape"]))
    if change == "key":
        rec[draw(st.sampled_from(["tools", "metadata", "extra"]))] = []
    elif change == "shape":
        return draw(st.sampled_from([{"messages": "not a list"}, [rec], {}]))
    return rec


def _line(record: object, ascii_only: bool) -> bytes:
    return json.dumps(record, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def _full_checker(line: bytes) -> tuple[int, list[str], list[str], list[str]]:
    """What the full checker makes of a line it passes without a word."""
    record = json.loads(line)
    issues: list = []
    texts = Texts()
    rr = check_chat(record, issues, texts)
    assert issues == []
    assert rr.images == 0
    assert rr.overhead + texts.fixed == 4 * rr.messages + 3  # 3 per message + 3, and 1 per known role
    return rr.messages, texts.prompt, texts.trained, texts.untrained


def _spanned_texts(line: bytes) -> tuple[int, list[str], list[str], list[str]] | None:
    try:
        line.decode()
    except UnicodeDecodeError:
        return None  # the scanner calls plain_chat only on UTF-8
    spans, kinds, escaped = array("I", [7, 7]), array("b", [PROMPT]), array("i", [0])  # one text before
    n = plain_chat(line, line, 0, spans, kinds, escaped)
    if n is None:
        assert (list(spans), list(kinds), list(escaped)) == ([7, 7], [PROMPT], [0])  # nothing appended
        return None
    groups: dict[int, list[str]] = {PROMPT: [], TRAINED: [], UNTRAINED: []}
    for i in range(1, len(kinds)):
        raw = line[spans[2 * i] : spans[2 * i + 1]]
        groups[kinds[i]].append(json.loads(raw) if i in escaped else raw.decode())
    return n, groups[PROMPT], groups[TRAINED], groups[UNTRAINED]


def _agrees(record: object, ascii_only: bool = False) -> tuple[bool, bool]:
    """Whether each fast path took the record; asserts they agree with the full checker."""
    line = _line(record, ascii_only)
    texts = plain_chat_texts(line)
    spanned = _spanned_texts(line)
    for got in (texts, spanned):
        if got is not None:
            assert got == _full_checker(line)
    return texts is not None, spanned is not None


@settings(max_examples=1000, deadline=None)
@given(record=records(), ascii_only=st.booleans())
def test_fast_paths_agree_with_the_full_checker(record: object, ascii_only: bool) -> None:
    _agrees(record, ascii_only)


def test_the_fuzzed_records_reach_both_fast_paths() -> None:
    found: list[tuple[bool, bool]] = []

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)  # not flaky
    @given(record=records(), ascii_only=st.booleans())
    def collect(record: object, ascii_only: bool) -> None:
        found.append(_agrees(record, ascii_only))

    collect()
    for taken in zip(*found, strict=True):
        assert 10 <= sum(taken) <= len(taken) - 10  # both the fast and the full path are exercised


def test_the_fast_paths_take_plain_records_and_decline_the_rest() -> None:
    rec = {
        "messages": [
            {"role": "system", "content": "s"},
            {"role": "user", "content": 'q\n"x"'},
            {"content": "a", "role": "assistant", "weight": 0},
            {"role": "assistant", "content": "b"},
        ]
    }
    assert _agrees(rec) == (True, True)
    assert plain_chat_texts(_line(rec, False)) == (4, ["s", 'q\n"x"'], ["b"], ["a"])
    assert _spanned_texts(_line(rec, True)) == (4, ["s", 'q\n"x"'], ["b"], ["a"])
    for bad in (
        {**rec, "tools": []},
        {"messages": rec["messages"][:3]},
        {"messages": [*rec["messages"], {"role": "assistant", "content": ""}]},
        {"messages": [*rec["messages"], {"role": "assistant", "content": "x", "weight": True}]},
        {"messages": [*rec["messages"], {"role": "user", "content": "<|endoftext|>"}]},
        {"messages": [*rec["messages"], {"role": "tool", "content": "42"}]},
        {"messages": [*rec["messages"], {"role": "user", "content": "x", "name": "n"}]},
        {"messages": [*rec["messages"], {"role": "user", "content": None}]},
        {"messages": [*rec["messages"], {"role": "user", "content": "x\ud800"}]},
    ):
        for ascii_only in (False, True):
            assert _agrees(bad, ascii_only) == (False, False), bad


def test_lines_json_reads_its_own_way_are_declined_or_read_alike() -> None:
    """Duplicate keys (json keeps the last), escaped special-token text, invalid UTF-8."""
    user, reply = '{"role": "user", "content": "q"}', '{"role": "assistant", "content": "a"}'
    for line in [
        f'{{"messages": [{user}, {{"role": "assistant", "content": "a", "role": "user"}}]}}',
        f'{{"messages": [{user}, {{"role": "user", "role": "assistant", "content": "a"}}]}}',
        f'{{"messages": [{{"role": "user", "content": "q", "content": "w"}}, {reply}]}}',
        f'{{"messages": [{user}, {{"role": "assistant", "content": "a", "weight": 1, "weight": 0}}]}}',
        f'{{"messages": [{user}, {reply}], "messages": []}}',
        f'{{"messages": [{user}, {reply}]}} ',
        f'{{"messages": [{{"role": "user", "content": "\\u003c|endoftext|>"}}, {reply}]}}',
        f'{{"messages": [{user}, {{"role": "assistant", "content": "a", "weight": 1.0}}]}}',
    ]:
        raw = line.encode()
        for got in (plain_chat_texts(raw), _spanned_texts(raw)):
            if got is not None:
                assert got == _full_checker(raw), line
    latin1 = f'{{"messages": [{{"role": "user", "content": "café"}}, {reply}]}}'
    assert plain_chat_texts(latin1.encode("latin-1")) is None


def test_deferred_texts_count_as_the_direct_ones() -> None:
    lines = [
        {"messages": [{"role": "user", "content": t}, {"role": "assistant", "content": "ok " + t}]}
        for t in ["plain", "日本語のテキスト", "x\ud800y", "Grüße 😀", "tab\tand\nnewline"]
    ]
    # Raw UTF-8, but the lone surrogate as a \ud800 escape (json.loads gives it; msgspec refuses it).
    data = b"".join(json.dumps(r, ensure_ascii=i == 2).encode() + b"\n" for i, r in enumerate(lines))
    cfg = ScanConfig(fmt="chat", method_given=False, encoding="o200k_base", context=65_536)
    direct = scan_chunk(data, cfg, at_file_start=True, at_file_end=True)
    deferred = scan_chunk(data, cfg, at_file_start=True, at_file_end=True, defer_counting=True)
    assert len(deferred.pending) == 5 and deferred.token_lengths == []
    assert count_pending(deferred, cfg, data) == direct


# --- records with tools ---

NAMES = ["lookup_order", "get_weather"]
ARGUMENTS = st.sampled_from(
    [
        '{"order_id": "1"}',
        "{}",
        '{"x": 1.5e-7}',
        "not json",
        '{"a": NaN}',
        "[1, 2]",
        '{"q": "<|fim_middle|>"}',
        '{"q": "\\u003c|endoftext|>"}',
    ]
)


@st.composite
def tool_defs(draw: st.DrawFn) -> object:
    tools = [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": draw(TEXTS),
                "parameters": {"type": "object", "properties": {}},
            },
        }
        for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=2))
    ]
    change = draw(st.sampled_from(["none"] * 8 + ["type", "name", "parameters", "shape", "float"]))
    if change == "type":
        tools[0]["type"] = "retrieval"
    elif change == "name":
        del tools[0]["function"]["name"]
    elif change == "parameters":
        tools[0]["function"]["parameters"] = "a string"
    elif change == "shape":
        return {"tools": tools}
    elif change == "float":
        tools[0]["function"]["parameters"]["minimum"] = 1e16  # json.dumps writes 1e+16
    return tools


@st.composite
def tool_exchange(draw: st.DrawFn, n: int) -> list[dict]:
    """An assistant's tool calls and the tool messages that answer them."""
    calls = [
        {
            "id": f"call_{n}_{k}" + draw(st.sampled_from([""] * 6 + ["<|endoftext|>"])),
            "type": "function",
            "function": {"name": draw(st.sampled_from(NAMES)), "arguments": draw(ARGUMENTS)},
        }
        for k in range(draw(st.integers(1, 2)))
    ]
    change = draw(st.sampled_from(["none"] * 8 + ["no type", "extra", "no id", "dict args", "empty", "null"]))
    if change == "no type":
        del calls[0]["type"]
    elif change == "extra":
        calls[0]["index"] = 0
    elif change == "no id":
        del calls[0]["id"]
    elif change == "dict args":
        calls[0]["function"]["arguments"] = {"order_id": "1"}
    assistant: dict = {
        "role": "assistant",
        "tool_calls": [] if change == "empty" else None if change == "null" else calls,
    }
    content = draw(st.sampled_from(["absent", None, "", "Let me check."]))
    if content != "absent":
        assistant["content"] = content
    if draw(st.sampled_from([False, False, True])):
        assistant["weight"] = draw(st.sampled_from([0, 1, 2]))
    answers = [
        {
            "role": "tool",
            "tool_call_id": draw(st.sampled_from([c.get("id", "x"), "call_unknown"])),
            "content": draw(st.sampled_from(['{"status": "shipped"}', "", None, "<|endoftext|>"])),
        }
        for c in calls[: draw(st.integers(0, len(calls)))]
    ]
    return [{k: m[k] for k in draw(st.permutations(list(m)))} for m in [assistant, *answers]]


@st.composite
def tool_records(draw: st.DrawFn) -> dict:
    messages: list[dict] = [
        {"role": "system", "content": draw(TEXTS)},
        {"role": "user", "content": draw(TEXTS)},
    ]
    for n in range(draw(st.integers(0, 2))):
        messages += draw(tool_exchange(n))
    if draw(st.booleans()):
        messages.append({"role": "assistant", "content": draw(TEXTS)})
    rec: dict = {"messages": messages}
    if draw(st.sampled_from([True, True, True, False])):
        rec["tools"] = draw(tool_defs())
    return {k: rec[k] for k in draw(st.permutations(list(rec)))}


def _tools_agree(record: object, ascii_only: bool) -> bool:
    line = _line(record, ascii_only)
    got = tool_chat_texts(line)
    if got is not None:
        assert got == _full_checker(line)
    return got is not None


@settings(max_examples=1000, deadline=None)
@given(record=tool_records(), ascii_only=st.booleans())
def test_the_tools_fast_path_agrees_with_the_full_checker(record: dict, ascii_only: bool) -> None:
    _tools_agree(record, ascii_only)


def test_the_fuzzed_tool_records_reach_the_tools_fast_path() -> None:
    found: list[bool] = []

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)  # not flaky
    @given(record=tool_records(), ascii_only=st.booleans())
    def collect(record: dict, ascii_only: bool) -> None:
        found.append(_tools_agree(record, ascii_only))

    collect()
    assert 10 <= sum(found) <= len(found) - 10


def test_a_tool_exchange_takes_the_tools_fast_path() -> None:
    tools = [{"type": "function", "function": {"name": "lookup_order", "parameters": {"type": "object"}}}]
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "lookup_order", "arguments": '{"id": "7"}'},
    }
    rec = {
        "messages": [
            {"role": "user", "content": "Where is order 7?"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": '{"status": "shipped"}'},
            {"role": "assistant", "content": "It has shipped."},
        ],
        "tools": tools,
    }
    line = _line(rec, False)
    assert (
        tool_chat_texts(line)
        == _full_checker(line)
        == (
            4,
            [
                json.dumps(tools, separators=(",", ":")),
                "Where is order 7?",
                "call_1",
                '{"status": "shipped"}',
            ],
            [json.dumps([call], separators=(",", ":")), "It has shipped."],
            [],
        )
    )


def test_counting_a_chunk_that_changed_stops_the_validation() -> None:
    import pytest

    from aoft_tui.domain.validation.errors import ValidationStopped

    data = (
        _line({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}, False)
        + b"\n"
    )
    cfg = ScanConfig(fmt="chat", method_given=False, encoding="o200k_base", context=65_536)
    deferred = scan_chunk(data, cfg, at_file_start=True, at_file_end=True, defer_counting=True)
    with pytest.raises(ValidationStopped, match="changed while it was being validated"):
        count_pending(deferred, cfg, data + b"{}\n")  # the file grew since the head start read it
