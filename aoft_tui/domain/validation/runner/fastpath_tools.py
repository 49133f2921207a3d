"""The fast path for chat records with tools: declared tools, assistant tool calls and the
tool messages that answer them, when the full checker would report nothing.

The fast path of fastpath.py takes plain messages only; a training file for tool use has
`tools` on every line and calls in many, and the full checker builds a dict, locations
and a Texts record for each.
Here msgspec checks each message's shape in C, and Python checks what ties the messages
together: each call names a declared tool, its arguments are JSON, each tool message
answers an earlier call. The texts are those the full checker collects, in its order:
- the tool definitions as compact JSON (a prompt text), worked out once per distinct
  `tools` value (a training file usually repeats one set on every line);
- a call list as compact JSON (with the assistant's reply): calls of exactly {id, type,
  function: {name, arguments}} hold strings only, and for those msgspec writes what
  json.dumps(separators=(",", ":"), ensure_ascii=False) writes (they differ on floats);
- a tool message's tool_call_id and content (prompt texts).
(tests/validation/test_fastpath.py holds it equal to the full checker on fuzzed records.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import msgspec

from aoft_tui.domain.validation.rules.checks import compact_json
from aoft_tui.domain.validation.runner.fastpath import (
    DECODE_ERRORS,
    PlainTexts,
    list_of_union,
    tagged_message,
)

UNSET = msgspec.UNSET


class _Function(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    arguments: str


class _Call(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    function: _Function
    type: Literal["function"] = "function"


_PROMPTS = tuple(tagged_message(role, ("content", str)) for role in ("system", "developer", "user"))
_Assistant = tagged_message(
    "assistant",
    ("content", str | None | msgspec.UnsetType, UNSET),
    ("weight", Literal[0, 1], 1),
    ("tool_calls", msgspec.Raw | msgspec.UnsetType, UNSET),
)
_Tool = tagged_message("tool", ("tool_call_id", str), ("content", str))
_ToolRecord = msgspec.defstruct(
    "_ToolRecord",
    [("messages", list_of_union(*_PROMPTS, _Assistant, _Tool)), ("tools", msgspec.Raw)],
    forbid_unknown_fields=True,
)

# _ToolRecord is made at run time: its instances are typed Any.
_decode_record: Callable[[bytes], Any] = msgspec.json.Decoder(_ToolRecord).decode
_decode_calls = msgspec.json.Decoder(list[_Call]).decode
_decode_any = msgspec.json.decode
_encode = msgspec.json.encode

# tools literal -> (declared names, compact JSON), or None when the full checker has
# something to say about them. Bounded: a file with a new tool set on every line gains
# nothing from it.
_TOOLS_CACHE: dict[bytes, tuple[frozenset[str], str] | None] = {}
_TOOLS_CACHE_SIZE = 64


def tool_chat_texts(raw: bytes, specials: bool = True) -> PlainTexts | None:
    """The texts of a chat line with tools that the full checker would pass without a
    word, as plain_chat_texts gives them; else None. Pass specials=False when the line
    holds neither "<|" nor a \\u escape."""
    try:
        record = _decode_record(raw)
    except DECODE_ERRORS:
        return None
    declared = _tools(record.tools)
    if declared is None:
        return None
    names, tools_text = declared
    # Special-token text in tool definitions, calls or answers is the full checker's to report.
    if specials and "<|" in tools_text:
        return None
    messages = record.messages
    prompt: list[str] = [tools_text]
    trained: list[str] = []
    untrained: list[str] = []
    call_ids: set[str] = set()
    for m in messages:
        cls = type(m)
        if cls is _Assistant:
            out = trained if m.weight else untrained
            content = m.content
            if m.tool_calls is not UNSET:
                calls_text = _calls(m.tool_calls, names, call_ids)
                if calls_text is None or (specials and "<|" in calls_text):
                    return None
                out.append(calls_text)
            elif type(content) is not str or (not content and m.weight):
                return None  # no content, or an empty trained reply
            if type(content) is str:
                if specials and "<|" in content:
                    return None
                out.append(content)
        elif cls is _Tool:
            if m.tool_call_id not in call_ids or (specials and ("<|" in m.content or "<|" in m.tool_call_id)):
                return None
            prompt.append(m.tool_call_id)
            prompt.append(m.content)
        else:
            if specials and "<|" in m.content:
                return None
            prompt.append(m.content)
    if not trained or not messages:
        return None
    return len(messages), prompt, trained, untrained


def _calls(literal: msgspec.Raw, names: frozenset[str], call_ids: set[str]) -> str | None:
    """The compact JSON of an assistant's tool calls, or None unless every call is well
    formed, names a declared tool and has JSON arguments. Adds the calls' ids."""
    try:
        calls = _decode_calls(literal)
    except DECODE_ERRORS:
        return None
    if not calls:
        return None
    for call in calls:
        fn = call.function
        if fn.name not in names:
            return None
        try:
            _decode_any(fn.arguments)  # accepts only what json.loads accepts
        except DECODE_ERRORS:
            return None
    call_ids.update(call.id for call in calls)
    return _encode(_decode_any(literal)).decode()


def _tools(literal: msgspec.Raw) -> tuple[frozenset[str], str] | None:
    key = bytes(literal)
    if key in _TOOLS_CACHE:
        return _TOOLS_CACHE[key]
    found = _check_tools(key)
    if len(_TOOLS_CACHE) < _TOOLS_CACHE_SIZE:
        _TOOLS_CACHE[key] = found
    return found


def _check_tools(literal: bytes) -> tuple[frozenset[str], str] | None:
    """What tools.check_tools finds in a valid list of function tools, else None."""
    try:
        tools = _decode_any(literal)
    except DECODE_ERRORS:
        return None
    if type(tools) is not list:
        return None
    names = set()
    for tool in tools:
        fn = tool.get("function") if type(tool) is dict else None
        if type(fn) is not dict or tool.get("type") != "function" or type(fn.get("name")) is not str:
            return None
        if fn.get("parameters") is not None and type(fn["parameters"]) is not dict:
            return None
        names.add(fn["name"])
    return frozenset(names), compact_json(tools)
