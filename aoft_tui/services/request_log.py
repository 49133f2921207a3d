"""The app's own requests, newest last, in a bounded in-memory ring (the Log view reads it).

Fed by httpx2 event hooks on the SDK's client (`on_request`, `on_response`) and by the
service when a call fails without an answer (`fail_pending`: connection refused, timeout)
or with one (`annotate`: the message a person reads). What is kept: wall-clock time, method,
path (never the query string), status, duration and Azure's request id — never a header
value other than the request id, so no API key or bearer token can reach it; every text
is passed through `redact` with the service's secret too.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aoft_tui.services.error_mapping import redact
from aoft_tui.services.errors import ServiceError

if TYPE_CHECKING:
    import httpx2

# Enough for an afternoon of polling errors without holding the whole session.
DEFAULT_CAPACITY = 1000
_STARTED = "aoft_tui.started"  # request.extensions key: monotonic start time


@dataclass(frozen=True, slots=True)
class RequestRecord:
    at: datetime  # when the request was sent (UTC)
    method: str
    path: str
    status: int | None  # None: no answer (connection refused, timeout, link dropped)
    duration: float  # seconds, request sent → response headers (or → failure)
    request_id: str | None = None  # apim-request-id / x-request-id: what a support ticket needs
    error: str | None = None  # what went wrong, as the service told the user

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 400

    def matches(self, text: str) -> bool:
        """Case-insensitive substring match over every shown field (the Log view's filter)."""
        needle = text.strip().lower()
        if not needle:
            return True
        status = "error" if self.status is None else str(self.status)
        fields = (self.method, self.path, status, self.request_id or "", self.error or "")
        return any(needle in field.lower() for field in fields)


class RequestLog:
    """Thread-safe ring buffer; `version` grows with every change (cheap "anything new?")."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, *, secret: str | None = None) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=capacity)
        self._secret = secret
        self._lock = threading.Lock()
        self._pending = threading.local()  # this thread's request sent and not yet answered
        self.version = 0

    # --- httpx2 event hooks -----------------------------------------------------------------
    def on_request(self, request: httpx2.Request) -> None:
        started = time.monotonic()
        request.extensions[_STARTED] = started
        unanswered = getattr(self._pending, "request", None)
        if unanswered is not None:  # the SDK is retrying a request that got no answer
            at, method, path, began = unanswered
            self.record(
                method, path, None, started - began, error="no answer (connection failed or timed out)", at=at
            )
        self._pending.request = (datetime.now(UTC), request.method, request.url.path, started)

    def on_response(self, response: httpx2.Response) -> None:
        request = response.request
        started = request.extensions.get(_STARTED)
        duration = time.monotonic() - started if isinstance(started, float) else 0.0
        pending = getattr(self._pending, "request", None)
        at = pending[0] if pending is not None and pending[3] == started else datetime.now(UTC)
        self._pending.request = None
        headers = response.headers
        request_id = headers.get("apim-request-id") or headers.get("x-request-id") or None
        self.record(request.method, request.url.path, response.status_code, duration,
                    request_id=request_id, at=at)  # fmt: skip

    # --- from the service -------------------------------------------------------------------
    def fail_pending(self, message: str) -> None:
        """The request this thread sent got no answer at all: log it with `message`."""
        pending = getattr(self._pending, "request", None)
        if pending is None:
            return
        self._pending.request = None
        at, method, path, started = pending
        self.record(method, path, None, time.monotonic() - started, error=message, at=at)

    def annotate(self, request_id: str, message: str) -> None:
        """Attach the message the user saw to the logged answer carrying `request_id`."""
        message = redact(message, self._secret)
        with self._lock:
            for index in range(len(self._records) - 1, -1, -1):
                if self._records[index].request_id == request_id:
                    self._records[index] = replace(self._records[index], error=message)
                    self.version += 1
                    return

    def record(
        self,
        method: str,
        path: str,
        status: int | None,
        duration: float,
        *,
        request_id: str | None = None,
        error: str | None = None,
        at: datetime | None = None,
    ) -> None:
        entry = RequestRecord(
            at=at or datetime.now(UTC),
            method=method,
            path=redact(path, self._secret),
            status=status,
            duration=max(0.0, duration),
            request_id=request_id,
            error=redact(error, self._secret) if error else None,
        )
        with self._lock:
            self._records.append(entry)
            self.version += 1

    def entries(self) -> list[RequestRecord]:
        """Oldest first."""
        with self._lock:
            return list(self._records)


@contextlib.contextmanager
def logged_errors(log: RequestLog) -> Iterator[None]:
    """A failed service call leaves its message in the log: on the answer that carried it, or
    as an entry of its own when no answer came (the log keeps what a toast loses)."""
    try:
        yield
    except ServiceError as err:
        if err.request_id:
            log.annotate(err.request_id, str(err))
        else:
            log.fail_pending(str(err))
        raise
