"""Turn the openai SDK's exceptions into `services.errors` a person can act on.

Every message names the endpoint or the id involved and what to do next; the API
key is scrubbed from every text, whatever the server or the SDK put in it.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aoft_tui.services.errors import (
    AuthError,
    BadRequestError,
    ConnectionFailed,
    NotFoundError,
    RateLimitError,
    ServerError,
    ServiceError,
)
from aoft_tui.services.settings import DEFAULT_API_VERSION

if TYPE_CHECKING:  # the SDK loads lazily (~0.4 s): only at the first request, off the UI thread
    import openai

REDACTED = "***"


def redact(text: str, *secrets: str | None) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def azure_message(err: openai.APIStatusError) -> str:
    """Azure's own words from an error body ({"error": {"code", "message", "param"}})."""
    body = err.body
    if isinstance(body, Mapping):
        message = body.get("message")
        if message:
            text = str(message).strip()
            param = body.get("param")
            if param and str(param) not in text:
                text += f" (parameter: {param})"
            return text
    text = (err.response.text or "").strip() if err.response is not None else ""
    return text[:500] or f"HTTP {err.status_code}"


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds from `retry-after-ms` / `retry-after` (seconds or an HTTP date)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lowered:
            value = float(lowered["retry-after-ms"]) / 1000
            return value if math.isfinite(value) and value >= 0 else None
        if "retry-after" in lowered:
            raw = lowered["retry-after"]
            try:
                value = float(raw)
            except ValueError:
                from email.utils import parsedate_to_datetime  # ~3 ms of email.* off the TUI start path

                when = parsedate_to_datetime(raw)
                value = (when - datetime.now(UTC)).total_seconds()
            return max(0.0, value) if math.isfinite(value) else None
    except (TypeError, ValueError):
        return None
    return None


def translate(
    err: openai.OpenAIError,
    *,
    endpoint: str,
    subject: str | None = None,
    secret: str | None = None,
    api_version: str | None = None,
) -> ServiceError:
    """The ServiceError for an SDK exception (subject: "job ftjob-…", "file file-…")."""
    import openai

    result: ServiceError
    if isinstance(err, openai.APITimeoutError):
        result = ConnectionFailed(
            f"{endpoint} did not answer in time (after the SDK's retries). "
            "Check your network or try again; the service may be busy."
        )
    elif isinstance(err, openai.APIConnectionError):
        cause = err.__cause__
        reason = f" ({type(cause).__name__}: {cause})" if cause and str(cause) else ""
        result = ConnectionFailed(
            f"Could not reach {endpoint}{reason}. Check AZURE_OPENAI_ENDPOINT and your network."
        )
    elif isinstance(err, openai.APIStatusError):
        result = _from_status(err, endpoint=endpoint, subject=subject, api_version=api_version)
    else:
        result = ServiceError(f"{endpoint}: {err}")
    text = redact(str(result), secret)
    if text != str(result):
        result.args = (text,)
    return result


def _about_api_version(err: openai.APIStatusError) -> bool:
    body = err.body
    return isinstance(body, Mapping) and str(body.get("param") or "").lower() in ("api-version", "api_version")


def _from_status(
    err: openai.APIStatusError, *, endpoint: str, subject: str | None, api_version: str | None = None
) -> ServiceError:
    status = err.status_code
    message = azure_message(err)
    if status in (400, 404) and _about_api_version(err):
        version = f"API version {api_version!r}" if api_version else "this API version"
        return BadRequestError(
            f"{endpoint} does not accept {version} ({message}). Set OPENAI_API_VERSION to a "
            f"supported version, e.g. {DEFAULT_API_VERSION}.",
            status_code=status,
        )
    if status == 401:
        return AuthError(
            f"The API key was rejected by {endpoint}. Check AZURE_OPENAI_API_KEY (or api_key in "
            "the config file): it must be a key of this resource (Keys and Endpoint in the Azure portal).",
            status_code=status,
        )
    if status == 403:
        return AuthError(
            f"{endpoint} refused access: {message}. The key or identity lacks permission for this "
            "operation on this resource.",
            status_code=status,
        )
    if status == 404:
        what = subject or "The requested resource"
        return NotFoundError(f"{what} was not found on {endpoint} ({message}).", status_code=status)
    if status == 429:
        retry_after = retry_after_seconds(err.response.headers) if err.response is not None else None
        when = f"retrying in {retry_after:.0f} s" if retry_after is not None else "retrying shortly"
        return RateLimitError(f"{endpoint} rate-limited the request: {when}.", retry_after=retry_after)
    if status >= 500:
        return ServerError(
            f"{endpoint} answered HTTP {status}: {message}. This is a problem on the service's "
            "side; try again in a minute.",
            status_code=status,
        )
    return BadRequestError(message, status_code=status)


@contextlib.contextmanager
def translated_errors(
    *, endpoint: str, subject: str | None = None, secret: str | None = None, api_version: str | None = None
) -> Iterator[None]:
    try:
        yield
    except Exception as err:
        # an SDK error implies the SDK is loaded; a block that never needed it (the first job
        # list comes from services.prefetch) must not pay ~0.4 s to import it here
        openai = sys.modules.get("openai")
        if openai is not None and isinstance(err, openai.OpenAIError):
            raise translate(err, endpoint=endpoint, subject=subject, secret=secret, api_version=api_version) from None
        raise
