"""Checks for a list of chat messages: shared by chat (supervised), DPO and reinforcement.

Written as one flat loop: it runs on every message of every example, so it avoids
allocating on the good path and only builds messages when something is wrong. The checks
of tool and function calls are in rules.message_calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aoft_tui.domain.validation.rules.checks import Issues, Texts, check_special_text, kind_of
from aoft_tui.domain.validation.rules.images import MAX_IMAGES_PER_EXAMPLE, check_image_part
from aoft_tui.domain.validation.rules.message_calls import (
    Calls,
    check_function_call,
    check_tool_answer,
    check_tool_calls,
)

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
_PLAIN_ROLES = frozenset({"system", "developer", "user", "assistant"})  # need only role + content
MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal"}
)

# What the list is part of: changes which roles and endings are required.
CHAT = "chat"
RFT = "reinforcement"
DPO_INPUT = "dpo_input"
DPO_OUTPUT = "dpo_output"


@dataclass(slots=True)
class ListResult:
    messages: int = 0
    names: int = 0
    images: int = 0
    assistants: int = 0
    trained: int = 0


def check_messages(
    messages: Any, where: str, mode: str, issues: Issues, texts: Texts, calls: Calls
) -> ListResult:
    res = ListResult()
    if not isinstance(messages, list):
        issues.append(
            (
                "messages_not_list",
                where,
                f"{where} must be a list of message objects, e.g. "
                '[{"role": "user", "content": "…"}, {"role": "assistant", "content": "…"}].',
            )
        )
        return res
    if not messages:
        issues.append(("empty_messages", where, f"{where} is empty: add the conversation's messages."))
        return res
    res.messages = len(messages)
    last_role: Any = None
    prompt, trained = texts.prompt, texts.trained
    fixed = 0
    for i, m in enumerate(messages):
        if type(m) is not dict:
            issues.append(
                (
                    "message_not_object",
                    f"{where}[{i}]",
                    f"Each message must be an object with a role and content, not {kind_of(m)}.",
                )
            )
            continue
        role = m.get("role")
        last_role = role
        is_assistant = role == "assistant"
        # The cookbook encodes every string value, the role too: each known role is one
        # token in cl100k_base and o200k_base, so it is counted without encoding.
        if type(role) is not str:
            role = None if role is None else repr(role)  # unhashable junk: reported, never looked up
            _bad_role(m, m.get("role"), f"{where}[{i}]", issues, prompt)
        elif role in ROLES:
            fixed += 1
            if mode == DPO_OUTPUT and not (is_assistant or role == "tool"):
                issues.append(
                    (
                        "dpo_output_role",
                        f"{where}[{i}].role",
                        f"A DPO output may hold only assistant or tool messages, not {role!r}: "
                        "move it into input.messages.",
                    )
                )
        else:
            _bad_role(m, role, f"{where}[{i}]", issues, prompt)
        if len(m) == 2 and "content" in m and role in _PLAIN_ROLES:  # the common case: nothing more to check
            has_call = False
            if is_assistant:
                res.assistants += 1
                res.trained += 1
                out = trained
            else:
                out = prompt
        else:
            out, has_call = _check_other_keys(
                m, role, is_assistant, f"{where}[{i}]", issues, texts, calls, res
            )
        content = m.get("content", _MISSING)
        if type(content) is str:
            out.append(content)
            if "<|" in content:
                check_special_text(content, f"{where}[{i}].content", issues)
            if not content and is_assistant and not has_call and out is trained:
                issues.append(
                    (
                        "empty_assistant",
                        f"{where}[{i}].content",
                        "The assistant reply is empty: the model would learn to say nothing. "
                        "Write the reply, or give the message weight 0.",
                    )
                )
        elif content is _MISSING or content is None:
            if not (is_assistant and has_call):
                code, field, message = _NO_CONTENT[content]
                issues.append((code, f"{where}[{i}]{field}", message))
        elif type(content) is list:
            res.images += _check_parts(content, f"{where}[{i}].content", role, issues, out)
        else:
            issues.append(
                (
                    "invalid_content",
                    f"{where}[{i}].content",
                    f"content is {kind_of(content)}: use a string or a list of "
                    '{"type": "text", "text": …} / {"type": "image_url", …} parts.',
                )
            )
    texts.fixed += fixed
    _check_ending(mode, where, last_role, res, issues)
    if res.images > MAX_IMAGES_PER_EXAMPLE:
        issues.append(
            (
                "too_many_images",
                where,
                f"{res.images} images in one example: Azure allows at most "
                f"{MAX_IMAGES_PER_EXAMPLE}; split the example.",
            )
        )
    return res


_MISSING = object()
# content left out or null: allowed only on an assistant message that makes a call
_NO_CONTENT: dict[object, tuple[str, str, str]] = {
    _MISSING: ("missing_content", "", 'Add "content" (a string, or a list of text/image parts).'),
    None: (
        "null_content",
        ".content",
        "content is null: write the text (null is allowed only on an assistant message that makes tool_calls).",
    ),
}


def _check_other_keys(
    m: dict[str, Any],
    role: Any,
    is_assistant: bool,
    loc: str,
    issues: Issues,
    texts: Texts,
    calls: Calls,
    res: ListResult,
) -> tuple[list[str], bool]:
    """Everything beyond role + content: unknown keys, name, weight, calls, tool answers.
    Returns where the content's text goes (prompt, trained or untrained) and whether the
    message makes a call (then its content may be null)."""
    prompt = texts.prompt
    if not m.keys() <= MESSAGE_KEYS:
        _unknown_keys(m, loc, issues)
    if "name" in m:
        res.names += 1
        if type(m["name"]) is str:
            prompt.append(m["name"])
            check_special_text(m["name"], f"{loc}.name", issues)
        else:
            issues.append(("invalid_name", f"{loc}.name", "name must be a string."))
    out = prompt
    if is_assistant:
        res.assistants += 1
        out = texts.trained
        if "weight" in m:
            w = m["weight"]
            if type(w) is not int or w not in (0, 1):
                issues.append(
                    (
                        "invalid_weight",
                        f"{loc}.weight",
                        f"weight is {w!r}: use 0 (don't train on this reply) or 1.",
                    )
                )
            elif w == 0:
                out = texts.untrained
        if out is texts.trained:
            res.trained += 1
    elif "weight" in m:
        issues.append(
            (
                "weight_not_assistant",
                f"{loc}.weight",
                "weight is allowed only on assistant messages: remove it here.",
            )
        )
    has_call = False
    if m.get("tool_calls") is not None:
        has_call = True
        check_tool_calls(m["tool_calls"], loc, is_assistant, issues, out, calls)
    if m.get("function_call") is not None:
        has_call = True
        check_function_call(m["function_call"], loc, is_assistant, issues, out)
    if role == "tool":
        check_tool_answer(m, loc, issues, prompt, calls)
    elif role == "function" and type(m.get("name")) is not str:
        issues.append(
            ("invalid_name", f"{loc}.name", "A function message needs the function's name as a string.")
        )
    return out, has_call


def _bad_role(m: dict[str, Any], role: Any, loc: str, issues: Issues, prompt: list[str]) -> None:
    if role is None:
        issues.append(("missing_role", loc, 'Add a "role": one of system, developer, user, assistant, tool.'))
        return
    if type(role) is str:
        prompt.append(role)
    issues.append(
        (
            "unknown_role",
            f"{loc}.role",
            f"Role {role!r} is not one of system, developer, user, assistant, tool (or legacy function).",
        )
    )


def _unknown_keys(m: dict[str, Any], loc: str, issues: Issues) -> None:
    for key in m:
        if key not in MESSAGE_KEYS:
            issues.append(
                (
                    "unknown_message_key",
                    f"{loc}.{key}",
                    f"Unexpected key {key!r} in a message: it is ignored or rejected; "
                    "remove it (allowed: role, content, name, weight, tool_calls, "
                    "tool_call_id, function_call).",
                )
            )


def _check_ending(mode: str, where: str, last_role: Any, res: ListResult, issues: Issues) -> None:
    if mode == CHAT:
        if res.assistants == 0:
            issues.append(
                (
                    "no_assistant_message",
                    where,
                    "The example has no assistant message, so there is nothing to train on: "
                    "add the reply you want the model to give.",
                )
            )
        elif res.trained == 0:
            issues.append(
                (
                    "no_trained_assistant",
                    where,
                    "Every assistant message has weight 0, so nothing is trained: set "
                    "weight 1 on at least one reply (or remove the weights).",
                )
            )
    elif mode == RFT and last_role != "user":
        issues.append(
            (
                "rft_last_not_user",
                where,
                "A reinforcement example must end with a user message (the model writes the "
                "reply, the grader scores it): remove the trailing messages.",
            )
        )
    elif mode == DPO_OUTPUT and res.assistants == 0:
        issues.append(
            ("dpo_output_no_assistant", where, "A DPO output needs at least one assistant message.")
        )


def _check_parts(parts: list[Any], loc: str, role: Any, issues: Issues, out: list[str]) -> int:
    images = 0
    if not parts:
        issues.append(("invalid_content", loc, "content is an empty list: add a text part."))
    for j, part in enumerate(parts):
        ploc = f"{loc}[{j}]"
        kind = part.get("type") if type(part) is dict else None
        if kind == "text":
            text = part.get("text")
            if type(text) is str:
                out.append(text)
                check_special_text(text, f"{ploc}.text", issues)
            else:
                issues.append(("invalid_content_part", f"{ploc}.text", 'A text part needs "text": a string.'))
        elif kind == "image_url":
            images += 1
            check_image_part(part, ploc, role, issues)
        else:
            issues.append(
                (
                    "invalid_content_part",
                    ploc,
                    'Each content part must be {"type": "text", "text": …} or '
                    '{"type": "image_url", "image_url": {"url": …}}.',
                )
            )
    return images
