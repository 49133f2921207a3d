"""The connection half of FineTuningService: the lazily built SDK client and the error scope.

Every Azure OpenAI call runs inside `_errors()`, which logs the failure, turns SDK
exceptions into `services.errors`, and tells a bare 404 about an id from one about a
wrong api-version. No Textual here.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aoft_tui.services.endpoint import masked_endpoint, normalise_endpoint
from aoft_tui.services.error_mapping import api_version_message, translated_errors
from aoft_tui.services.errors import BadRequestError, NotFoundError
from aoft_tui.services.request_log import RequestLog, logged_errors
from aoft_tui.services.settings import DEFAULT_API_VERSION, V1_API_VERSION, Secret
from aoft_tui.services.traffic import TrafficStats

if TYPE_CHECKING:  # ~0.4 s to import: loaded at the first request (a worker thread), not at startup
    import openai


@dataclass(frozen=True)
class ChatCredentials:
    """How to reach the resource's data plane; its repr shows no secret."""

    endpoint: str
    api_key: Secret | None
    token_provider: Callable[[], str] | None = field(default=None, repr=False)
    api_version: str = DEFAULT_API_VERSION


class ServiceCore:
    """One resource's endpoint, credentials and SDK client (thread-safe), and the scope that
    turns SDK failures into `services.errors`; FineTuningService's calls build on it."""

    def __init__(
        self,
        endpoint: str,
        api_key: str,
        api_version: str,
        *,
        max_retries: int,
        timeout: float,
        token_provider: Callable[[], str] | None,
    ) -> None:
        self._endpoint = normalise_endpoint(endpoint)
        self._shown_endpoint = masked_endpoint(self._endpoint)  # what messages and screens show
        self._secret = api_key
        # Microsoft Entra ID: a bearer token per request instead of the api-key header
        self._token_provider = token_provider
        self.api_version = api_version
        self._max_retries = max_retries
        self.traffic = TrafficStats()
        self.request_log = RequestLog(secret=api_key)  # the Log view's requests and errors
        self._timeout = timeout
        self._sdk_client: openai.OpenAI | None = None  # AzureOpenAI, or OpenAI for the v1 API
        self._client_lock = threading.Lock()
        self._version_confirmed = False  # the models list answered: 404s are about ids, not the version

    @property
    def _client(self) -> openai.OpenAI:
        """The SDK client, built at first use: importing `openai` costs ~0.4 s, which the
        dashboard pays in its first poll's worker thread, after the first paint."""
        client = self._sdk_client
        if client is not None:
            return client
        with self._client_lock:
            if self._sdk_client is None:
                import openai

                http_client = openai.DefaultHttpxClient(
                    event_hooks={
                        "request": [self.request_log.on_request],
                        "response": [self.traffic.on_response, self.request_log.on_response],
                    }
                )
                if self.api_version == V1_API_VERSION:
                    # the v1 API is OpenAI's own shape under /openai/v1: the plain client, key as bearer
                    self._sdk_client = openai.OpenAI(
                        base_url=f"{self._endpoint}/openai/v1",
                        api_key=self._secret,
                        max_retries=self._max_retries,
                        timeout=self._timeout,
                        http_client=http_client,
                    )
                    return self._sdk_client
                self._sdk_client = openai.AzureOpenAI(
                    azure_endpoint=self._endpoint,
                    **(
                        {"azure_ad_token_provider": self._token_provider}
                        if self._token_provider
                        else {"api_key": self._secret}
                    ),
                    api_version=self.api_version,
                    max_retries=self._max_retries,
                    timeout=self._timeout,
                    http_client=http_client,
                )
            return self._sdk_client

    @property
    def endpoint(self) -> str:
        """The resource endpoint (never the key, credentials in the URL masked), for status
        bars, messages and per-resource caches."""
        return self._shown_endpoint

    def chat_credentials(self) -> ChatCredentials:
        """What a chat client for this resource needs (the try and eval screens): the real
        endpoint, the key or Entra token provider, the API version. Hand it on, never log it."""
        return ChatCredentials(
            self._endpoint,
            Secret(self._secret) if self._secret else None,
            self._token_provider,
            self.api_version,
        )

    def _errors(self, subject: str | None = None) -> AbstractContextManager[None]:
        return self._not_found_checked(subject)

    @contextlib.contextmanager
    def _not_found_checked(self, subject: str | None) -> Iterator[None]:
        """Azure's gateway answers an unknown job, a wrong path and a wrong api-version with the
        same bare 404 "Resource not found": on a 404 ask the models list, which exists in every
        version, to tell which it is."""
        try:
            with (
                logged_errors(self.request_log),
                translated_errors(
                    endpoint=self._shown_endpoint,
                    subject=subject,
                    secret=self._secret,
                    api_version=self.api_version,
                    signed_in=self._token_provider is not None,
                ),
            ):
                yield
        except NotFoundError as err:
            if not self._version_confirmed and not self._api_version_answers():
                raise BadRequestError(
                    api_version_message(self._shown_endpoint, self.api_version, "Resource not found"),
                    status_code=404,
                ) from None
            raise err from None

    def _api_version_answers(self) -> bool:
        import openai

        try:
            self._client.models.list()
        except openai.NotFoundError:
            return False
        except openai.OpenAIError:
            return True  # cannot tell (auth, network): keep the original answer
        self._version_confirmed = True
        return True

    def close(self) -> None:
        with self._client_lock:  # nothing to close if no request was ever made
            if self._sdk_client is not None:
                self._sdk_client.close()
