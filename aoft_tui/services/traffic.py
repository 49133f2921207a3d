"""Counts what the service sends over the wire: requests and response bytes.

Lets the TUI show network use and lets tests check that polls stay incremental.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the openai SDK's HTTP library; only its Response type is used here
    import httpx2


@dataclass
class TrafficStats:
    requests: int = 0
    bytes_received: int = 0
    # "GET /openai/fine_tuning/jobs" -> count, for tests and diagnostics
    by_route: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def on_response(self, response: httpx2.Response) -> None:
        """httpx2 response hook (the body is not read yet: its size comes from the headers)."""
        length = response.headers.get("content-length")
        size = int(length) if length and length.isdigit() else 0
        self.record(response.request.method, response.request.url.path, size)

    def record(self, method: str, path: str, size: int) -> None:
        """One response of `size` bytes (also for requests sent without the SDK)."""
        route = f"{method} {path}"
        with self._lock:
            self.requests += 1
            self.bytes_received += size
            self.by_route[route] = self.by_route.get(route, 0) + 1

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self.requests, self.bytes_received

    def count(self, method: str, path_suffix: str) -> int:
        """Requests whose route is `method` and whose path ends with `path_suffix`."""
        with self._lock:
            return sum(
                n
                for route, n in self.by_route.items()
                if route.startswith(method + " ") and route.endswith(path_suffix)
            )
