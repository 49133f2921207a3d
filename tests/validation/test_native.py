"""The C loops (_native.c) give what the Python loops they replace give.

The extension is optional for users (no compiler: the Python loops run), but it is built
wherever the tests run, so a build that breaks fails here instead of only slowing down."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoft_tui.domain.validation.runner import fastpath, native
from aoft_tui.domain.validation.runner.native import count_spans, is_utf8, plain_spans

from .test_fastpath import _line, records, tool_records


def test_the_c_module_is_built() -> None:
    """Built wherever the tests run: else every test here compares Python with itself."""
    assert None not in (native.plain_spans, native.scan_run, native.count_spans, native.is_utf8)


def _without_c_loops(mp: pytest.MonkeyPatch) -> None:
    """Every C loop switched off, as in an install without a C compiler."""
    for name in ("plain_spans", "scan_run", "count_spans", "is_utf8"):
        mp.setattr(native, name, None)


def _walk(walk: str, line: bytes, at: int) -> tuple:
    """One line's outcome and what it appended, through the C or the Python walk."""
    chunk = b"x" * at + line + b"\n" + line  # a copy after it: the search must stop at the line
    try:
        messages = fastpath.decode_spans(line).messages
    except fastpath.DECODE_ERRORS:
        return ("declined by msgspec",)
    spans, kinds, escaped = array("I", [1, 2]), array("b", [0]), array("i", [0])  # one text before
    if walk == "c":
        n = fastpath.spans_in_c(messages, chunk, at, at + len(line), spans, kinds, escaped)
    else:
        n = fastpath.spans_in_python(messages, line, chunk, at, spans, kinds, escaped)
    return n, list(spans), list(kinds), list(escaped)


@settings(max_examples=1000, deadline=None)
@given(record=records(), ascii_only=st.booleans(), at=st.integers(0, 5))
def test_the_c_walk_finds_what_the_python_walk_finds(record: object, ascii_only: bool, at: int) -> None:
    line = _line(record, ascii_only)
    assert _walk("c", line, at) == _walk("python", line, at)


def test_the_c_walk_declines_non_string_contents_and_empty_replies() -> None:
    for line in [
        b'{"messages": [{"role": "user", "content": 1}, {"role": "assistant", "content": "a"}]}',
        b'{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": ""}]}',
        b'{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 0}]}',
    ]:
        assert _walk("c", line, 0)[0] is None
        assert _walk("python", line, 0)[0] is None
    with pytest.raises(TypeError):
        plain_spans(b"{}", 0, 2, ("not", "a list"), object)


def test_count_spans_refuses_spans_outside_the_chunk_and_blob() -> None:
    def counted(spans: list[int]) -> object:
        return count_spans(
            b"abc",
            b"de",
            array("I", spans),
            array("i"),
            array("i", [len(spans) // 2]),
            array("i", [0]),
            array("b", [0] * (len(spans) // 2)),
            len,
            bytes,
        )

    assert counted([0, 3, 3, 5]) == ([5], 0, 0)  # "abc" and the blob's "de"
    for bad in ([1, 9], [2, 1], [3, 6]):
        with pytest.raises(ValueError):
            counted(bad)


def test_counting_without_the_c_loops_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    from aoft_tui.domain.validation.runner.scan import ScanConfig, count_pending, scan_chunk

    data = b"".join(
        _line(
            {
                "messages": [
                    {"role": "user", "content": f"question {i} é"},
                    {"role": "assistant", "content": f"answer\\n{i}"},
                ]
            },
            i % 2 == 0,
        )
        + b"\n"
        for i in range(50)
    )
    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {}}}]
    call = {"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
    data += (
        _line(
            {
                "messages": [
                    {"role": "user", "content": "q"},
                    {"role": "assistant", "tool_calls": [call]},
                    {"role": "tool", "tool_call_id": "c1", "content": "done"},
                    {"role": "assistant", "content": "ok"},
                ],
                "tools": tools,
            },
            False,
        )
        + b"\n"
    )
    cfg = ScanConfig(fmt="chat", method_given=False, encoding="o200k_base", context=65_536)
    with_c = count_pending(
        scan_chunk(data, cfg, at_file_start=True, at_file_end=True, defer_counting=True), cfg, data
    )
    monkeypatch.setattr(native, "count_spans", None)
    monkeypatch.setattr(native, "plain_spans", None)
    without = count_pending(
        scan_chunk(data, cfg, at_file_start=True, at_file_end=True, defer_counting=True), cfg, data
    )
    assert with_c == without and len(with_c.token_lengths) == 51 and sum(with_c.token_lengths) > 0


@given(
    data=st.one_of(
        st.binary(max_size=64),
        st.text(max_size=32).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(
            st.sampled_from(
                [
                    b"a",
                    b"\xc3\xa9",
                    b"\xe6\x97\xa5",
                    b"\xf0\x9f\x98\x80",
                    b"\xed\xa0\x80",
                    b"\xc0\x80",
                    b"\xe0\x80\x80",
                    b"\xf4\x90\x80\x80",
                    b"\x80",
                    b"\xff",
                    b"\xf0",
                    b"abcdefgh",
                ]
            ),
            max_size=20,
        ).map(b"".join),
    )
)
def test_is_utf8_accepts_what_python_decodes(data: bytes) -> None:
    try:
        data.decode()
        expected = True
    except UnicodeDecodeError:
        expected = False
    assert is_utf8(data) is expected


LINES = st.one_of(
    records().map(lambda r: _line(r, False)),
    records().map(lambda r: _line(r, True)),
    tool_records().map(lambda r: _line(r, False)),
    st.sampled_from(
        [
            b"",
            b"   ",
            b"not json",
            b"[1, 2]",
            b'{"prompt": "p", "completion": "c"}',
            b'{"messages": [{"role": "user", "content": "caf\xe9"}, {"role": "assistant", "content": "a"}]}',
            b'{"messages": [{"role": "user", "content": "\\u003c|endoftext|>"}, {"role": "assistant", "content": "a"}]}',
            b'{"messages": [{"role": "user", "content": "x <|endoftext|>"}, {"role": "assistant", "content": "a"}]}',
        ]
    ),
)


def _deferred_scan(data: bytes, at_file_start: bool) -> tuple:
    from aoft_tui.domain.validation.runner.scan import ScanConfig, scan_chunk

    cfg = ScanConfig(fmt="chat", method_given=False, encoding="o200k_base", context=65_536, cap=3)
    res = scan_chunk(data, cfg, at_file_start=at_file_start, at_file_end=True, defer_counting=True)
    held = res.pending.__getstate__() if res.pending is not None else None
    res.pending = None
    return res, held


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINES, max_size=12), crlf=st.booleans(), bom=st.booleans(), last_newline=st.booleans())
def test_the_c_loop_scans_a_chunk_as_the_python_loop_does(
    lines: list[bytes], crlf: bool, bom: bool, last_newline: bool
) -> None:
    end = b"\r\n" if crlf else b"\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + end.join(lines) + (end if last_newline else b"")
    with_c = _deferred_scan(data, bom)
    with pytest.MonkeyPatch.context() as mp:
        _without_c_loops(mp)
        without = _deferred_scan(data, bom)
    assert with_c == without


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(LINES, max_size=12))
def test_a_counted_scan_is_the_same_with_or_without_the_c_loops(lines: list[bytes]) -> None:
    """With the C loops a counted scan spans then counts; without, it decodes each text."""
    from aoft_tui.domain.validation.runner import scan

    data = b"\n".join(lines) + b"\n"
    cfg = scan.ScanConfig(fmt="chat", method_given=False, encoding="o200k_base", context=200, cap=3)
    with_c = scan.scan_chunk(data, cfg, at_file_start=True, at_file_end=True)
    with pytest.MonkeyPatch.context() as mp:
        _without_c_loops(mp)
        without = scan.scan_chunk(data, cfg, at_file_start=True, at_file_end=True)
    assert sorted(with_c.problems) == sorted(without.problems)  # over_context found at another time
    with_c.problems = without.problems
    assert with_c == without
