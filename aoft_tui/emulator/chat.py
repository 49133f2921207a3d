"""Chat completions for the emulator's deployments, deterministic so a test can predict them.

A fine-tuned deployment answers like its training data: the assistant reply of the training
example whose user turn shares the most words with the prompt. A base deployment answers
generically. So a side-by-side view shows the difference a fine-tune makes.

    POST /openai/deployments/{name}/chat/completions?api-version=…
    POST /openai/v1/chat/completions   {"model": name, …}
Both take `"stream": true` (server-sent events ending with `data: [DONE]`).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from aoft_tui.emulator.context import json_object_body, state
from aoft_tui.emulator.control_plane_state import (
    DeploymentRec,
    DeploymentRegistry,
    registry_for,
)
from aoft_tui.emulator.errors import ApiError, bad_request

_WORD = re.compile(r"[a-z0-9]+")
# Azure's own words when a deployment does not exist (or is still being created).
DEPLOYMENT_NOT_FOUND = (
    "The API deployment for this resource does not exist. If you created the deployment "
    "within the last 5 minutes, please wait a moment and try again."
)


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


@lru_cache(maxsize=32)
def training_pairs(content: bytes) -> tuple[tuple[frozenset[str], str], ...]:
    """(words of the last user turn, the assistant reply) for each chat example of a file."""
    pairs = []
    for line in content.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        messages = record.get("messages") if isinstance(record, dict) else None
        if not isinstance(messages, list):
            continue
        user = [_text(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "user"]
        reply = [
            _text(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "assistant"
        ]
        if user and reply:
            pairs.append((frozenset(words(user[-1])), reply[-1]))
    return tuple(pairs)


def nearest_reply(pairs: tuple[tuple[frozenset[str], str], ...], prompt: str) -> str | None:
    """The reply whose example shares most words with `prompt` (ties: the earliest example)."""
    asked = words(prompt)
    best, best_score = None, -1.0
    for example_words, reply in pairs:
        union = len(asked | example_words) or 1
        score = len(asked & example_words) / union
        if score > best_score:
            best, best_score = reply, score
    return best


def base_reply(model: str, prompt: str) -> str:
    topic = " ".join(prompt.split()[:12]) or "your question"
    return (
        f"As a general-purpose assistant ({model}), I can offer general guidance on “{topic}”. "
        "The details depend on your product and account, so please check its documentation or "
        "contact its support team."
    )


def answer(registry: DeploymentRegistry, rec: DeploymentRec, messages: list[Any]) -> str:
    prompt = next(
        (
            _text(m.get("content"))
            for m in reversed(messages)
            if isinstance(m, dict) and m.get("role") == "user"
        ),
        "",
    )
    if rec.fine_tuned:
        job = registry.fine_tuned_source(rec.model)
        file = registry.store.files.get(job.training_file) if job is not None else None
        if file is not None and file.content:
            reply = nearest_reply(training_pairs(bytes(file.content)), prompt)
            if reply is not None:
                return reply
    return base_reply(rec.model, prompt)


def approx_tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)  # ~4 characters a token for English


async def chat_completions(request: Request) -> Response:
    body = await json_object_body(request)
    name = request.path_params.get("name") or body.get("model")
    if not name:
        raise bad_request("'model' is required: the name of a deployment.", param="model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("'messages' must be a non-empty array.", param="messages")
    registry = registry_for(state(request).store)
    rec = registry.get(str(name))
    if rec is None or rec.state(registry.now()) != "Succeeded":
        raise ApiError(404, "DeploymentNotFound", DEPLOYMENT_NOT_FOUND)
    registry.touch(rec.name)
    reply = answer(registry, rec, messages)
    prompt_tokens = sum(approx_tokens(_text(m.get("content"))) + 4 for m in messages if isinstance(m, dict))
    usage = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": approx_tokens(reply),
        "total_tokens": prompt_tokens + approx_tokens(reply),
    }
    completion_id = f"chatcmpl-{registry.store.new_id('x')[-24:]}"
    created = int(registry.now())
    if body.get("stream"):
        return StreamingResponse(
            _sse(completion_id, created, rec.model, reply, usage), media_type="text/event-stream"
        )
    return JSONResponse(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": rec.model,
            "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": reply}}
            ],
            "usage": usage,
        }
    )


def _sse(completion_id: str, created: int, model: str, reply: str, usage: dict[str, int]) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(body)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in re.findall(r"\S+\s*", reply):
        time.sleep(0.01)  # a visible stream, a word at a time
        yield chunk({"content": piece})
    yield chunk({}, "stop", usage=usage)
    yield "data: [DONE]\n\n"


ROUTES = [
    Route("/deployments/{name}/chat/completions", chat_completions, methods=["POST"]),
    Route("/chat/completions", chat_completions, methods=["POST"]),
]
