"""Fault injection: scheduled (tests) or random (`fault_rate`, seeded).

    emu.faults.schedule("429", method="POST", path_contains="/fine_tuning/jobs", count=1)

Kinds:
- "429": Too Many Requests with `Retry-After` (whole seconds) and `retry-after-ms` headers
  (default 1 s; `retry_after=`; `wait_headers=False` leaves the wait to the message alone).
  Unless strict_spec, in the live service's shape: code "429", "Please retry after N
  seconds", request-id, region and x-ratelimit-* headers.
- "500", "503": server errors with Azure bodies (503 also carries Retry-After).
- "reset_before": the connection is dropped before the request is handled (nothing happens).
- "reset_after": the request is handled and committed (e.g. the job IS created), then the
  connection is dropped without a response — lets tests prove "exactly one job".
- "stall": sleep `seconds` (default 3 s, real time) before handling (client timeouts).
- "truncate": handle, then send only half of the body and drop the connection.

Random faults (`fault_rate` > 0) pick among 429/500/503/reset_before — kinds a correct
client survives by retrying, so state is never corrupted by them.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
from dataclasses import dataclass
from typing import Any

from aoft_tui.emulator import live

KINDS = ("429", "500", "503", "reset_before", "reset_after", "stall", "truncate")
RANDOM_KINDS = ("429", "500", "503", "reset_before")
RANDOM_RETRY_AFTER = 0.25  # seconds (retry-after-ms 250; Retry-After rounds up to 1)
RANDOM_STALL = 0.5  # seconds a random stall holds an answer (the clients' timeouts are longer)


@dataclass(slots=True)
class ScheduledFault:
    kind: str
    method: str | None
    path_contains: str
    count: int
    retry_after: float = 1.0
    seconds: float = 3.0
    wait_headers: bool = True

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and self.path_contains in path


class Faults:
    def __init__(self, *, rate: float = 0.0, seed: int = 0, kinds: tuple[str, ...] = RANDOM_KINDS) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if unknown := set(kinds) - set(KINDS):
            raise ValueError(f"unknown fault kind(s) {sorted(unknown)}; use {', '.join(KINDS)}")
        self.rate = rate
        self.kinds = kinds  # what a random fault can be
        self._rng = random.Random(f"faults-{seed}")
        self._scheduled: list[ScheduledFault] = []
        self._lock = threading.Lock()
        self.injected: list[tuple[str, str, str]] = []  # (kind, method, path), for tests
        self.requests = 0  # every HTTP request seen, faulted or not (the soak's denominator)
        self.strict_spec = False  # set by create_app: spec-only bodies, no live headers

    def schedule(
        self,
        kind: str,
        *,
        method: str | None = "POST",
        path_contains: str = "/fine_tuning/jobs",
        count: int = 1,
        retry_after: float = 1.0,
        seconds: float = 3.0,
        wait_headers: bool = True,
    ) -> None:
        """Inject `kind` into the next `count` requests matching method + path substring.
        `method=None` matches any method."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {', '.join(KINDS)}")
        with self._lock:
            self._scheduled.append(
                ScheduledFault(
                    kind, method and method.upper(), path_contains, count, retry_after, seconds, wait_headers
                )
            )

    def clear(self) -> None:
        with self._lock:
            self._scheduled.clear()

    def pick(self, method: str, path: str) -> ScheduledFault | None:
        with self._lock:
            self.requests += 1
            for fault in self._scheduled:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._scheduled.remove(fault)
                    self.injected.append((fault.kind, method, path))
                    return fault
            if self.rate and self._rng.random() < self.rate:
                kind = self._rng.choice(self.kinds)
                self.injected.append((kind, method, path))
                return ScheduledFault(kind, None, "", 1, retry_after=RANDOM_RETRY_AFTER, seconds=RANDOM_STALL)
        return None


def _error_body(code: str, message: str) -> bytes:
    return json.dumps(
        {
            "error": {
                "code": code,
                "message": message,
                "param": None,
                "type": "server_error" if code != "tooManyRequests" else "rate_limit_error",
            }
        }
    ).encode()


class FaultMiddleware:
    """Outermost ASGI layer: it sees uvicorn's own `send`, so it can drop the connection."""

    def __init__(self, app: Any, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fault = self.faults.pick(scope["method"], scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        kind = fault.kind
        if kind in ("429", "500", "503"):
            status = int(kind)
            headers = [(b"content-type", b"application/json")]
            live_mode = not self.faults.strict_spec
            if live_mode:
                headers += live.request_id_headers()
            if kind == "429" and live_mode:
                version = next((v for k, v in _query(scope) if k == "api-version"), None)
                message = live.rate_limit_message(_operation(scope), version, fault.retry_after)
                body = json.dumps({"error": {"code": "429", "message": message}}).encode()
                headers += live.rate_limit_headers()
            elif kind == "429":
                body = _error_body(
                    "tooManyRequests",
                    "Requests to the fine-tuning API have exceeded the "
                    "rate limit of your current tier. Please retry after "
                    f"{fault.retry_after:g} seconds.",
                )
            elif kind == "500":
                body = _error_body(
                    "internalFailure", "The server had an error while processing your request."
                )
            else:
                body = _error_body("serviceUnavailable", "The service is temporarily unavailable.")
            if kind in ("429", "503") and fault.wait_headers:
                # Like Azure: whole seconds in Retry-After, the exact wait in retry-after-ms
                # (which the openai SDK prefers).
                headers.append((b"retry-after", str(max(1, math.ceil(fault.retry_after))).encode()))
                headers.append((b"retry-after-ms", str(int(fault.retry_after * 1000)).encode()))
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if kind == "reset_before":
            await _drop(send)
            return
        if kind == "stall":
            await asyncio.sleep(fault.seconds)
            await self.app(scope, receive, send)
            return
        # reset_after / truncate: run the app, capture its response, then misbehave.
        captured: list[dict] = []

        async def capture(message: dict) -> None:
            captured.append(message)

        await self.app(scope, receive, capture)
        if kind == "reset_after":
            await _drop(send)
            return
        start = next(m for m in captured if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in captured if m["type"] == "http.response.body")
        await send(start)
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await _drop(send)


def _query(scope: dict) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(scope.get("query_string", b"").decode("latin-1"))


def _operation(scope: dict) -> str:
    """Azure names the throttled operation ("FineTuning_List"); near enough for a message."""
    area = "Files" if "/files" in scope["path"] else "FineTuning"
    return f"{area}_{'List' if scope['method'] == 'GET' else 'Create'}"


async def _drop(send: Any) -> None:
    """Abort the TCP connection under uvicorn's request cycle (no response bytes)."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if cycle is None or transport is None:
        raise ConnectionAbortedError("emulator fault: connection dropped")
    transport.abort()
    cycle.disconnected = True
    await asyncio.sleep(0)
