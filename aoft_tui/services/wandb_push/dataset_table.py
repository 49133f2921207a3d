"""Training/validation files as W&B Tables: one row per example, any fine-tuning format.

WandbLogger's table assumes exactly three messages per example and loses the whole
table on anything else. Here every example becomes one row whose columns fit chat
(multi-turn), tool calling, vision (image references), DPO and prompt/completion files;
a line that is not valid JSON still gets its row, saying why.

Files are read line by line and the artifact's table is written to disk as it is read,
so memory stays bounded by the in-run preview, not by the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

# The first three keep WandbLogger's column names, so users switching find them.
COLUMNS = [
    "line",
    "format",
    "role: system",
    "role: user",
    "role: assistant",
    "rejected",
    "history",
    "tools",
    "tool_calls",
    "images",
    "turns",
    "weight",
    "note",
]
# W&B shows at most this many rows of a Table logged to a run (wandb.Table.MAX_ROWS).
RUN_TABLE_MAX_ROWS = 10_000
_DATA_URL_PREVIEW = 40


def iter_rows(path: Path) -> Iterator[list[Any]]:
    """Yield one table row per non-blank line of a JSONL file, streaming."""
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            yield example_row(number, line)


def example_row(number: int, line: str) -> list[Any]:
    try:
        example = json.loads(line)
    except json.JSONDecodeError as exc:
        return _row(number, "invalid", note=f"not valid JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(example, dict):
        return _row(number, "invalid", note=f"expected a JSON object, got {type(example).__name__}")
    if "preferred_output" in example or "non_preferred_output" in example:
        return _dpo_row(number, example)
    if "messages" in example:
        return _chat_row(number, example, example.get("messages"), fmt="chat")
    if "prompt" in example or "completion" in example:
        return _row(
            number,
            "prompt-completion",
            user=_text(example.get("prompt")),
            assistant=_text(example.get("completion")),
        )
    return _row(number, "unknown", note=f"no messages/prompt keys (keys: {', '.join(sorted(example))})")


def _chat_row(number: int, example: dict[str, Any], messages: Any, *, fmt: str) -> list[Any]:
    if not isinstance(messages, list):
        return _row(number, "invalid", note="`messages` is not a list")
    turns = _Turns.of(messages)
    tools = example.get("tools") or example.get("functions") or []
    if tools:
        fmt = f"{fmt}+tools"
    extra = {
        k: v for k, v in example.items() if k not in ("messages", "tools", "functions", "parallel_tool_calls")
    }
    return _row(
        number,
        fmt,
        system=turns.system,
        user=turns.last_user,
        assistant=turns.final_assistant,
        history=turns.history,
        tools=_tool_names(tools),
        tool_calls=turns.tool_calls,
        images=turns.images,
        turns=len(messages),
        weight=turns.weight,
        note=f"extra fields: {json.dumps(extra, ensure_ascii=False)}" if extra else None,
    )


def _dpo_row(number: int, example: dict[str, Any]) -> list[Any]:
    given = example.get("input")
    if not isinstance(given, dict):
        given = {}
    row = _chat_row(number, given, given.get("messages", []), fmt="dpo")
    row[COLUMNS.index("role: assistant")] = _outputs_text(example.get("preferred_output"))
    row[COLUMNS.index("rejected")] = _outputs_text(example.get("non_preferred_output"))
    return row


@dataclass
class _Turns:
    system: str | None
    last_user: str | None
    final_assistant: str | None
    history: str | None
    tool_calls: str | None
    images: str | None
    weight: float | None

    @classmethod
    def of(cls, messages: list[Any]) -> _Turns:
        messages = [m for m in messages if isinstance(m, dict)]
        system = [_text(m.get("content")) for m in messages if m.get("role") in ("system", "developer")]
        convo = [m for m in messages if m.get("role") not in ("system", "developer")]
        # The answer the model learns is the final assistant turn; the prompt is the user
        # turn before it; every other turn (earlier turns, tool exchanges) is history.
        final = len(convo) - 1 if convo and convo[-1].get("role") == "assistant" else None
        upto = final if final is not None else len(convo)
        user_at = next((i for i in range(upto - 1, -1, -1) if convo[i].get("role") == "user"), None)
        history = [m for i, m in enumerate(convo[:upto]) if i != user_at]
        calls = [
            _call_text(m)
            for m in messages
            if m.get("tool_calls") or m.get("function_call") or m.get("role") in ("tool", "function")
        ]
        images = [url for m in messages for url in _image_urls(m.get("content"))]
        weight = convo[final].get("weight") if final is not None else None
        return cls(
            system="\n".join(s for s in system if s) or None,
            last_user=_text(convo[user_at].get("content")) if user_at is not None else None,
            final_assistant=_message_text(convo[final]) if final is not None else None,
            history="\n".join(f"{m.get('role')}: {_message_text(m)}" for m in history) or None,
            tool_calls="\n".join(calls) or None,
            images="\n".join(images) or None,
            weight=weight if isinstance(weight, int | float) else None,
        )


def _row(number: int, fmt: str, **cells: Any) -> list[Any]:
    names = {
        "system": "role: system",
        "user": "role: user",
        "assistant": "role: assistant",
    }
    row: list[Any] = [None] * len(COLUMNS)
    row[0], row[1] = number, fmt
    for key, value in cells.items():
        row[COLUMNS.index(names.get(key, key))] = value
    return row


def _text(content: Any) -> str | None:
    """Message content as text: strings as is, content parts joined, images as references."""
    if content is None:
        return None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if not isinstance(part, dict):
                parts.append(str(part))
            elif part.get("type") == "text":
                parts.append(str(part.get("text", "")))
            elif part.get("type") == "image_url":
                parts.append(f"[image: {_short_url(_url_of(part))}]")
            else:
                parts.append(json.dumps(part, ensure_ascii=False))
        return "\n".join(parts)
    return json.dumps(content, ensure_ascii=False)


def _message_text(message: dict[str, Any]) -> str:
    text = _text(message.get("content"))
    if text:
        return text
    if message.get("tool_calls") or message.get("function_call"):
        return _call_text(message)
    return ""


def _call_text(message: dict[str, Any]) -> str:
    if message.get("role") in ("tool", "function"):
        name = message.get("name") or message.get("tool_call_id") or "tool"
        return f"{name} -> {_text(message.get('content'))}"
    calls = message.get("tool_calls") or [{"function": message.get("function_call") or {}}]
    out = []
    for call in calls:
        fn = call.get("function", {}) if isinstance(call, dict) else {}
        out.append(f"{fn.get('name', '?')}({fn.get('arguments', '')})")
    return "\n".join(out)


def _tool_names(tools: Any) -> str | None:
    names = []
    for tool in tools if isinstance(tools, list) else []:
        if isinstance(tool, dict):
            names.append((tool.get("function") or tool).get("name", "?"))
    return ", ".join(names) or None


def _outputs_text(outputs: Any) -> str | None:
    if isinstance(outputs, list):
        return "\n".join(_message_text(m) for m in outputs if isinstance(m, dict)) or None
    if isinstance(outputs, dict):
        return _message_text(outputs)
    return _text(outputs)


def _url_of(part: dict[str, Any]) -> str:
    image = part.get("image_url")
    return str(image.get("url", "")) if isinstance(image, dict) else str(image or "")


def _image_urls(content: Any) -> list[str]:
    if not isinstance(content, list):
        return []
    return [_short_url(_url_of(p)) for p in content if isinstance(p, dict) and p.get("type") == "image_url"]


def _short_url(url: str) -> str:
    # Inline images are kept in the raw file; the table shows a reference, not megabytes.
    if url.startswith("data:"):
        head = url.split(",", 1)[0]
        return f"{head},… ({len(url):,} chars inline)"
    return url


class TableFileWriter:
    """Write a `wandb.Table` JSON file row by row (the artifact table format), never
    holding the rows in memory; `Table.from_json` reads it back."""

    def __init__(self, fh: TextIO, columns: list[str]) -> None:
        self._fh = fh
        self.columns = columns
        self.rows = 0
        fh.write('{"_type": "table", "log_mode": "IMMUTABLE", "columns": ')
        fh.write(json.dumps(columns))
        fh.write(', "data": [')

    def add(self, row: list[Any]) -> None:
        self._fh.write(",\n" if self.rows else "\n")
        self._fh.write(json.dumps(row, ensure_ascii=False))
        self.rows += 1

    def close(self) -> None:
        self._fh.write(f'\n], "ncols": {len(self.columns)}, "nrows": {self.rows}}}\n')
