"""The fast path for plain chat records agrees with the full checker wherever it answers.

`plain_chat` may decline any record (the full checker then runs); when it accepts one, the
full checker must report nothing for it and collect the same texts, and json.loads must
see the same record orjson parsed."""

from __future__ import annotations

import json

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from aoft_tui.domain.validation.checks import Texts
from aoft_tui.domain.validation.fastpath import plain_chat
from aoft_tui.domain.validation.formats import check_chat
from aoft_tui.domain.validation.scan import ScanConfig, count_pending, scan_chunk

PLAIN_ROLES = ["system", "developer", "user", "assistant", "assistant"]
ODD_ROLES = ["tool", "function", "robot", "", None, 3, ["user"]]
TEXTS = st.one_of(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12), st.text(max_size=12),
                  st.sampled_from(["", "Hi", "<|endoftext|>", "a <| b", "x\ud800", "日本語"]))
ODD_CONTENT = st.one_of(st.none(), st.integers(0, 2), st.just([{"type": "text", "text": "part"}]))
WEIGHTS = st.sampled_from([2, -1, True, False, 1.0, 0.0, None, "1", 2**70])


@st.composite
def messages(draw: st.DrawFn) -> dict:
    """A well-formed message, sometimes with one thing wrong or unusual."""
    m: dict = {"role": draw(st.sampled_from(PLAIN_ROLES)), "content": draw(TEXTS)}
    if m["role"] == "assistant" and draw(st.sampled_from([False, False, True])):
        m["weight"] = draw(st.sampled_from([0, 1]))
    change = draw(st.sampled_from(["none"] * 15 + ["role", "content", "odd role", "odd content",
                                                   "odd weight", "extra key"]))
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


def _agrees(record: object) -> bool:
    plain = plain_chat(record)
    if plain is None:
        return False
    n, prompt, trained, untrained = plain
    issues: list = []
    texts = Texts()
    rr = check_chat(record, issues, texts)  # type: ignore[arg-type]
    assert issues == []
    assert (texts.prompt, texts.trained, texts.untrained) == (prompt, trained, untrained)
    assert rr.messages == n and rr.images == 0
    assert rr.overhead + texts.fixed == 4 * n + 3  # 3 per message + 3, and 1 per known role
    return True


@settings(max_examples=1000, deadline=None)
@given(record=records())
def test_fast_path_agrees_with_the_full_checker(record: object) -> None:
    _agrees(record)


def test_the_fuzzed_records_reach_the_fast_path() -> None:
    found: list[bool] = []

    @settings(max_examples=300, deadline=None, database=None)
    @given(record=records())
    def collect(record: object) -> None:
        found.append(_agrees(record))

    collect()
    assert 10 <= sum(found) <= len(found) - 10  # both paths are exercised


@settings(max_examples=300, deadline=None)
@given(record=records())
def test_what_orjson_parses_for_the_fast_path_json_parses_alike(record: object) -> None:
    line = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        fast = orjson.loads(line)
    except orjson.JSONDecodeError:
        return  # the full path (json) takes the line
    if plain_chat(fast) is not None:
        assert json.loads(line) == fast


def test_the_fast_path_is_taken_for_plain_records() -> None:
    rec = {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"},
                        {"content": "a", "role": "assistant", "weight": 0},
                        {"role": "assistant", "content": "b"}]}
    assert _agrees(rec)
    assert plain_chat(rec) == (4, ["s", "q"], ["b"], ["a"])
    for bad in ({**rec, "tools": []}, {"messages": rec["messages"][:3]},
                {"messages": [*rec["messages"], {"role": "assistant", "content": ""}]},
                {"messages": [*rec["messages"], {"role": "assistant", "content": "x", "weight": True}]},
                {"messages": [*rec["messages"], {"role": "user", "content": "<|endoftext|>"}]},
                {"messages": [*rec["messages"], {"role": "tool", "content": "42"}]},
                {"messages": [*rec["messages"], {"role": "user", "content": "x", "name": "n"}]}):
        assert plain_chat(bad) is None


def test_deferred_texts_count_as_the_direct_ones() -> None:
    lines = [{"messages": [{"role": "user", "content": t}, {"role": "assistant", "content": "ok " + t}]}
             for t in ["plain", "日本語のテキスト", "x\ud800y", "Grüße 😀", "tab\tand\nnewline"]]
    # Raw UTF-8, but the lone surrogate as a \ud800 escape (json.loads gives it; orjson refuses it).
    data = b"".join(json.dumps(r, ensure_ascii=i == 2).encode() + b"\n" for i, r in enumerate(lines))
    cfg = ScanConfig(fmt="chat", method_given=False, encoding="o200k_base", context=65_536)
    direct = scan_chunk(data, cfg, at_file_start=True, at_file_end=True)
    deferred = scan_chunk(data, cfg, at_file_start=True, at_file_end=True, defer_counting=True)
    assert len(deferred.pending) == 5 and deferred.token_lengths == []
    assert count_pending(deferred, cfg) == direct
