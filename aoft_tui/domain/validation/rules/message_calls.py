"""Checks for the calls in a message: tool_calls, the legacy function_call, and the tool answers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aoft_tui.domain.validation.rules.checks import Issues, add_json_text, check_special_text, kind_of


@dataclass(slots=True)
class Calls:
    """Tool names a record declares, and tool-call ids seen so far (for `tool` answers)."""

    declared: frozenset[str] | None = None  # None: the record declares no tools
    ids: set[str] = field(default_factory=set)


def check_tool_calls(
    tool_calls: Any, loc: str, is_assistant: bool, issues: Issues, out: list[str], calls: Calls
) -> None:
    where = f"{loc}.tool_calls"
    if not is_assistant:
        issues.append(
            (
                "tool_calls_not_assistant",
                where,
                "Only assistant messages make tool_calls: move them to an assistant message.",
            )
        )
    if type(tool_calls) is not list or not tool_calls:
        issues.append(
            (
                "invalid_tool_calls",
                where,
                'tool_calls must be a non-empty list of {"id", "type": "function", '
                '"function": {"name", "arguments"}}.',
            )
        )
        return
    add_json_text(tool_calls, where, out, issues)
    for k, call in enumerate(tool_calls):
        cloc = f"{where}[{k}]"
        fn = call.get("function") if type(call) is dict else None
        if (
            type(fn) is not dict
            or not isinstance(call.get("id"), str)
            or not isinstance(fn.get("name"), str)
            or call.get("type", "function") != "function"
        ):
            issues.append(
                (
                    "invalid_tool_calls",
                    cloc,
                    'A tool call needs "id" (string), "type": "function" and '
                    '"function": {"name": string, "arguments": JSON string}.',
                )
            )
            if type(call) is dict and isinstance(call.get("id"), str):
                calls.ids.add(call["id"])
            continue
        calls.ids.add(call["id"])
        if calls.declared is not None and fn["name"] not in calls.declared:
            issues.append(
                (
                    "undeclared_tool",
                    f"{cloc}.function.name",
                    f"The call is to {fn['name']!r}, which the record's tools do not declare: "
                    "add its definition to tools or fix the name.",
                )
            )
        _check_arguments(fn.get("arguments"), f"{cloc}.function.arguments", "tool_arguments_not_json", issues)


def check_function_call(fc: Any, loc: str, is_assistant: bool, issues: Issues, out: list[str]) -> None:
    where = f"{loc}.function_call"
    if not is_assistant or type(fc) is not dict or not isinstance(fc.get("name"), str):
        issues.append(
            (
                "invalid_function_call",
                where,
                'function_call belongs on an assistant message as {"name": string, '
                '"arguments": JSON string}.',
            )
        )
        return
    add_json_text(fc, where, out, issues)
    _check_arguments(fc.get("arguments"), f"{where}.arguments", "invalid_function_call", issues)


def _check_arguments(args: Any, loc: str, code: str, issues: Issues) -> None:
    if type(args) is not str:
        issues.append(
            (
                code,
                loc,
                f"arguments is {kind_of(args)}: it must be a string holding JSON, e.g. "
                '"{\\"city\\": \\"Paris\\"}" (serialise the object with json.dumps).',
            )
        )
        return
    try:
        json.loads(args)
    except (ValueError, RecursionError) as exc:
        issues.append((code, loc, f"arguments is not valid JSON ({exc}): fix the JSON text."))


def check_tool_answer(m: dict[str, Any], loc: str, issues: Issues, prompt: list[str], calls: Calls) -> None:
    call_id = m.get("tool_call_id")
    if isinstance(call_id, str):
        prompt.append(call_id)
        check_special_text(call_id, f"{loc}.tool_call_id", issues)
    if not isinstance(call_id, str):
        issues.append(
            (
                "missing_tool_call_id",
                f"{loc}.tool_call_id",
                "A tool message needs the tool_call_id of the assistant call it answers.",
            )
        )
    elif call_id not in calls.ids:
        issues.append(
            (
                "unknown_tool_call_id",
                f"{loc}.tool_call_id",
                f"tool_call_id {call_id!r} matches no earlier assistant tool call: "
                "fix the id or add the call.",
            )
        )
