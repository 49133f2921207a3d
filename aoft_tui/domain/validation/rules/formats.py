"""Training-file formats: detection from the first record, then enforcement per record.

- chat (supervised): {"messages": [...], "tools"?: [...], "functions"?: [...]}
- dpo: {"input": {"messages": [...], "tools"?}, "preferred_output": [...], "non_preferred_output": [...]}
- reinforcement: {"messages": [... ending with a user message], <any keys the graders read>}
- prompt_completion (babbage-002, davinci-002): {"prompt": "...", "completion": "..."}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aoft_tui.domain import catalog
from aoft_tui.domain.validation.rules.checks import (
    PROMPT,
    TRAINED,
    UNTRAINED,
    Issues,
    Texts,
    check_special_text,
)
from aoft_tui.domain.validation.rules.message_calls import Calls
from aoft_tui.domain.validation.rules.messages import CHAT, DPO_INPUT, DPO_OUTPUT, RFT, check_messages
from aoft_tui.domain.validation.rules.tools import check_functions, check_tools

CHAT_FORMAT = "chat"
DPO_FORMAT = "dpo"
RFT_FORMAT = "reinforcement"
LEGACY_FORMAT = "prompt_completion"
FORMATS = (CHAT_FORMAT, DPO_FORMAT, RFT_FORMAT, LEGACY_FORMAT)

FORMAT_LABELS = {
    CHAT_FORMAT: "chat (supervised)",
    DPO_FORMAT: "DPO (preference)",
    RFT_FORMAT: "reinforcement",
    LEGACY_FORMAT: "prompt/completion (legacy)",
}

CHAT_KEYS = frozenset({"messages", "tools", "functions", "parallel_tool_calls", "metadata"})
DPO_KEYS = frozenset({"input", "preferred_output", "non_preferred_output", "metadata"})
LEGACY_KEYS = frozenset({"prompt", "completion"})


@dataclass(slots=True)
class RecordResult:
    messages: int = 0
    images: int = 0
    overhead: int = 0  # the cookbook's per-message tokens for this example


def shape_of(record: dict[str, Any]) -> str | None:
    """The family a record belongs to by its keys: "messages", dpo, prompt_completion."""
    if "messages" in record:
        return "messages"
    if "input" in record or "preferred_output" in record or "non_preferred_output" in record:
        return DPO_FORMAT
    if "prompt" in record or "completion" in record:
        return LEGACY_FORMAT
    return None


def family_of(fmt: str) -> str:
    return "messages" if fmt in (CHAT_FORMAT, RFT_FORMAT) else fmt


def expected_format(method: str | None, model: str | None) -> str | None:
    """The format the method (and model) require, or None to detect it from the data."""
    base = catalog.lookup(model)
    legacy = base is not None and base.family in catalog.LEGACY_COMPLETION_MODELS
    if method == catalog.DPO:
        return DPO_FORMAT
    if method == catalog.REINFORCEMENT:
        return RFT_FORMAT
    if method == catalog.SUPERVISED:
        return LEGACY_FORMAT if legacy else CHAT_FORMAT
    if legacy:
        return LEGACY_FORMAT
    if base is not None and base.methods == (catalog.REINFORCEMENT,):
        return RFT_FORMAT
    return None


def detect_format(first: dict[str, Any] | None) -> str:
    """The format of a file from its first object record (chat when nothing tells)."""
    if first is None:
        return CHAT_FORMAT
    shape = shape_of(first)
    if shape in (DPO_FORMAT, LEGACY_FORMAT):
        return shape
    messages = first.get("messages")
    if isinstance(messages, list) and messages:
        roles = [m.get("role") for m in messages if isinstance(m, dict)]
        if "assistant" not in roles and roles and roles[-1] == "user":
            return RFT_FORMAT
    return CHAT_FORMAT


def check_chat(rec: dict[str, Any], issues: Issues, texts: Texts) -> RecordResult:
    _unknown_keys(
        rec,
        CHAT_KEYS,
        "a chat record holds messages (and optionally tools, functions, parallel_tool_calls)",
        issues,
    )
    calls = Calls(declared=_declared(rec, issues, texts, ""))
    r = check_messages(rec.get("messages"), "messages", CHAT, issues, texts, calls)
    return RecordResult(r.messages, r.images, _overhead(r.messages, r.names))


def check_reinforcement(rec: dict[str, Any], issues: Issues, texts: Texts) -> RecordResult:
    # Every other top-level key is kept for the graders (reference answers and the like).
    calls = Calls(declared=_declared(rec, issues, texts, ""))
    r = check_messages(rec.get("messages"), "messages", RFT, issues, texts, calls)
    return RecordResult(r.messages, r.images, _overhead(r.messages, r.names))


def check_dpo(rec: dict[str, Any], issues: Issues, texts: Texts) -> RecordResult:
    _unknown_keys(
        rec, DPO_KEYS, "a DPO record holds input, preferred_output and non_preferred_output", issues
    )
    inp = rec.get("input")
    out = RecordResult()
    calls = Calls()
    if type(inp) is not dict or "messages" not in inp:
        issues.append(
            (
                "invalid_dpo_input",
                "input",
                'input must be an object {"messages": [...]} holding the prompt conversation.',
            )
        )
    else:
        calls.declared = _declared(inp, issues, texts, "input.")
        r = check_messages(inp["messages"], "input.messages", DPO_INPUT, issues, texts, calls)
        out.messages += r.messages
        out.images += r.images
        out.overhead += _overhead(r.messages, r.names)
    outputs = []
    for key, cat in (("preferred_output", TRAINED), ("non_preferred_output", UNTRAINED)):
        value = rec.get(key)
        if type(value) is not list or not value:
            issues.append(
                (
                    "invalid_dpo_output",
                    key,
                    f"{key} must be a non-empty list of messages, e.g. "
                    '[{"role": "assistant", "content": "…"}].',
                )
            )
            continue
        outputs.append(value)
        # Both outputs answer the same input: each may answer the input's tool calls.
        sub = Calls(declared=calls.declared, ids=set(calls.ids))
        side = Texts()
        r = check_messages(value, key, DPO_OUTPUT, issues, side, sub)
        texts.prompt.extend(side.prompt)
        (texts.trained if cat == TRAINED else texts.untrained).extend(side.trained + side.untrained)
        texts.fixed += side.fixed
        out.messages += r.messages
        out.overhead += 3 * r.messages
    if len(outputs) == 2 and outputs[0] == outputs[1]:
        issues.append(
            (
                "dpo_identical_outputs",
                "preferred_output",
                "preferred_output and non_preferred_output are identical, so the pair "
                "teaches nothing: make the non-preferred answer the worse one.",
            )
        )
    return out


def check_prompt_completion(rec: dict[str, Any], issues: Issues, texts: Texts) -> RecordResult:
    _unknown_keys(rec, LEGACY_KEYS, "a prompt/completion record holds only prompt and completion", issues)
    prompt, completion = rec.get("prompt"), rec.get("completion")
    for key, value, cat in (("prompt", prompt, PROMPT), ("completion", completion, TRAINED)):
        if type(value) is not str:
            issues.append(("invalid_prompt_completion", key, f"{key} must be a string."))
        else:
            texts.add(value, cat)
            check_special_text(value, key, issues)
    if completion == "":
        issues.append(
            (
                "empty_completion",
                "completion",
                "The completion is empty: the model would learn to stop at once.",
            )
        )
    return RecordResult()


CHECKERS: dict[str, Callable[[dict[str, Any], Issues, Texts], RecordResult]] = {
    CHAT_FORMAT: check_chat,
    DPO_FORMAT: check_dpo,
    RFT_FORMAT: check_reinforcement,
    LEGACY_FORMAT: check_prompt_completion,
}


def _unknown_keys(rec: dict[str, Any], allowed: frozenset[str], what_it_holds: str, issues: Issues) -> None:
    for key in rec:
        if key not in allowed:
            issues.append(
                ("unknown_top_level_key", key, f"Unexpected key {key!r}: {what_it_holds}; remove it.")
            )


def _declared(holder: dict[str, Any], issues: Issues, texts: Texts, prefix: str) -> frozenset[str] | None:
    names: frozenset[str] | None = None
    if "tools" in holder:
        names = check_tools(holder["tools"], f"{prefix}tools", issues, texts)
    if "functions" in holder:
        fnames = check_functions(holder["functions"], f"{prefix}functions", issues, texts)
        names = fnames if names is None else names | fnames
    return names


def _overhead(n_messages: int, n_names: int) -> int:
    """The cookbook's count: 3 per message, 1 per name, 3 to prime the reply."""
    return 3 * n_messages + n_names + 3 if n_messages else 0
