"""The first job list, requested while the dashboard is still starting.

Before the SDK can send anything, start-up spends ~0.2 s importing Textual and ~0.45 s
importing the openai SDK. This sends the first "list jobs" request — the same GET the SDK
sends: `{endpoint}/openai/fine_tuning/jobs?api-version=…&limit=…`, the `api-key` header,
`after=` while `has_more` — from a thread, over the standard library's `http.client`
(imported in a few ms). Waiting on the socket releases the GIL, so the answer travels
while the main thread imports; the dashboard's first poll takes it, and the SDK serves
every request after that.

It is an optimisation only: on anything unexpected — a proxy configured (the SDK honours
it, http.client would not), an error status, a redirect, a timeout, JSON of another shape
— the result is None and the first poll goes through the SDK, which reports errors the
one usual way. The key goes in a header, never in a URL or a message. With Microsoft Entra
ID (`token_provider`) the thread asks the provider for the token (azure-identity caches it, so
the SDK's first request reuses it) and sends `Authorization: Bearer …` instead; if sign-in
fails the prefetch yields None and the SDK's request reports the failure.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from aoft_tui.services.settings import V1_API_VERSION as V1

if TYPE_CHECKING:
    from aoft_tui.services.request_log import RequestLog

MAX_PAGES = 50  # pages of `page` jobs; beyond that the SDK lists them all
_PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


class JobListPrefetch:
    """`start()` sends the request in a daemon thread; `take()` hands the raw jobs over once."""

    def __init__(
        self,
        endpoint: str,
        api_key: str,
        api_version: str,
        *,
        page: int,
        timeout: float = 10.0,
        on_response: Callable[[str, str, int], None] | None = None,
        token_provider: Callable[[], str] | None = None,
        request_log: RequestLog | None = None,
    ) -> None:
        self._parts = urlsplit(endpoint.rstrip("/"))
        self._request_log = request_log  # the Log view sees this request like the SDK's
        self._on_response = on_response  # (method, path, bytes): the service's traffic count
        self._api_key = api_key
        self._token_provider = token_provider
        self._api_version = api_version
        self._page = page  # jobs per request: the service's own page size
        self._timeout = timeout
        self._done = threading.Event()
        self._jobs: list[dict[str, Any]] | None = None
        self._taken = False

    @property
    def usable(self) -> bool:
        """A plain http(s) endpoint without a proxy in the way: what http.client can do as the SDK would."""
        return (
            self._parts.scheme in ("http", "https")
            and bool(self._parts.hostname)
            and not any(os.environ.get(name) for name in _PROXY_VARS)
        )

    def start(self) -> JobListPrefetch:
        if self.usable:
            threading.Thread(target=self._run, name="aoft-first-list", daemon=True).start()
        else:
            self._done.set()
        return self

    @property
    def arrived(self) -> bool:
        """The list is here and not yet taken (`take()` returns it at once)."""
        return self._done.is_set() and self._jobs is not None and not self._taken

    def take(self) -> list[dict[str, Any]] | None:
        """The jobs' raw API dicts, newest first — once; None if the prefetch failed or was taken."""
        self._done.wait(self._timeout + 1.0)
        if self._taken:
            return None
        self._taken = True
        return self._jobs

    # --- the request ------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._jobs = self._fetch_all()
        except Exception:
            self._jobs = None
        finally:
            self._done.set()

    def _fetch_all(self) -> list[dict[str, Any]] | None:
        parts = self._parts
        if not parts.hostname:  # never: start() runs this only when `usable`
            return None
        connection_cls = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_cls(parts.hostname, parts.port, timeout=self._timeout)
        try:
            jobs: list[dict[str, Any]] = []
            after: str | None = None
            for _ in range(MAX_PAGES):
                page = self._get_page(connection, after)
                if page is None:
                    return None
                data, has_more = page
                jobs.extend(data)
                if not has_more or not data:
                    return jobs
                after = str(data[-1]["id"])
            return None  # more pages than we prefetch: let the SDK list them all
        finally:
            connection.close()

    def _get_page(
        self, connection: http.client.HTTPConnection, after: str | None
    ) -> tuple[list[dict[str, Any]], bool] | None:
        v1 = self._api_version == V1  # the v1 API: /openai/v1/..., no api-version
        query: dict[str, Any] = (
            {"limit": self._page} if v1 else {"api-version": self._api_version, "limit": self._page}
        )
        if after:
            query["after"] = after
        path = (
            f"{self._parts.path}/openai/v1/fine_tuning/jobs"
            if v1
            else f"{self._parts.path}/openai/fine_tuning/jobs"
        )
        if self._token_provider is not None:
            headers = {"Authorization": f"Bearer {self._token_provider()}", "Accept": "application/json"}
        else:
            headers = {"api-key": self._api_key, "Accept": "application/json"}
        started = time.monotonic()
        connection.request("GET", f"{path}?{urlencode(query)}", headers=headers)
        response = connection.getresponse()
        if self._request_log is not None:
            request_id = response.getheader("apim-request-id") or response.getheader("x-request-id")
            self._request_log.record(
                "GET", path, response.status, time.monotonic() - started, request_id=request_id
            )
        body = response.read()
        if self._on_response is not None:
            self._on_response("GET", path, len(body))
        if response.status != 200:
            return None
        page = json.loads(body)
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, list) or not all(isinstance(job, dict) and "id" in job for job in data):
            return None
        return data, bool(page.get("has_more"))
