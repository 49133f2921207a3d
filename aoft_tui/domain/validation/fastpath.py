"""The common case, cheaply: a chat record of plain messages that has nothing to report.

Most lines of a real training file are {"messages": [{"role", "content"}, ...]} with string
contents and perhaps an assistant `weight`. For those, `plain_chat` collects the texts to
count without building locations, issue lists or `Texts` records, several times faster
than the full checker. It accepts a record only when `formats.check_chat` would report
nothing for it and would collect the same texts; for anything else it returns None and
the scanner runs the full checker, so problems are found by one code path only.
(tests/validation/test_fastpath.py holds the two paths equal on fuzzed records.)
"""

from __future__ import annotations

from typing import Any

# Roles whose message needs only role + content (assistant is handled apart: weights).
_PROMPT_ROLES = frozenset({"system", "developer", "user"})

# (messages, prompt texts, trained assistant texts, weight-0 assistant texts)
PlainChat = tuple[int, list[str], list[str], list[str]]


def plain_chat(record: Any) -> PlainChat | None:
    """The texts of a chat record the full checker would pass without a word, else None.

    Why each condition sends a record to the full checker instead: another top-level key
    (tools, functions, unknown keys), a message with more keys than role + content (+ an
    assistant's 0/1 weight), a non-string content (parts, images, null), special-token text
    (a warning), an empty trained reply (a warning), no trained assistant reply (an error)."""
    if type(record) is not dict or len(record) != 1:
        return None
    messages = record.get("messages")
    if type(messages) is not list or not messages:
        return None
    prompt: list[str] = []
    trained: list[str] = []
    untrained: list[str] = []
    for m in messages:
        if type(m) is not dict:
            return None
        content = m.get("content")
        if type(content) is not str or "<|" in content:
            return None
        role = m.get("role")
        if role == "assistant":
            size = len(m)
            if size == 2:
                weight = 1
            elif size == 3 and "weight" in m:
                weight = m["weight"]
                if type(weight) is not int:  # bool and float weights are reported
                    return None
            else:
                return None
            if weight == 1 and content:
                trained.append(content)
            elif weight == 0:
                untrained.append(content)
            else:
                return None
        elif len(m) == 2 and type(role) is str and role in _PROMPT_ROLES:
            prompt.append(content)
        else:
            return None
    if not trained:
        return None
    return len(messages), prompt, trained, untrained
