"""Turn the openai SDK's exceptions into `services.errors` a person can act on.

Every message names the endpoint or the id involved and what to do next; the API
key is scrubbed from every text, whatever the server or the SDK put in it.
"""

from __future__ import annotations

import contextlib
import math
import re
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


def sentence(text: str) -> str:
    """`text` ending in exactly one full stop, so joined sentences never read "request.. This"."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def tries_taken(err: openai.APIStatusError) -> int | None:
    """How many times the SDK sent the request before giving up (it numbers its retries in
    the `x-stainless-retry-count` header of each attempt)."""
    request = getattr(err.response, "request", None) if err.response is not None else None
    try:
        return int(request.headers["x-stainless-retry-count"]) + 1 if request is not None else None
    except (KeyError, TypeError, ValueError):
        return None


def _wait_text(seconds: float) -> str:
    """0.2 s, 7 s, then as `human_wait` (2 min, 3 h, 1 day): never "0 s" for a short wait."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s" if seconds < 120 else human_wait(seconds)


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


_RETRY_AFTER_WORDS = re.compile(r"retry after (\d+(?:\.\d+)?) seconds?", re.IGNORECASE)


def retry_after_in_message(message: str) -> float | None:
    """Azure's own wait, "Please retry after 86400 seconds", when no header carries it."""
    match = _RETRY_AFTER_WORDS.search(message)
    return float(match.group(1)) if match else None


def human_wait(seconds: float) -> str:
    """7 s, 2 min, 3 h, 1 day: Azure's waits run from a second to a day."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h" if seconds < 86400 else f"{seconds / 86400:.0f} day"
    return f"{seconds / 86400:.0f} days"


def request_id(err: openai.APIStatusError) -> str | None:
    """The id Azure gives every answer (apim-request-id, else x-request-id): what a support
    ticket needs."""
    response = err.response
    if response is None:
        return None
    return response.headers.get("apim-request-id") or response.headers.get("x-request-id") or None


# Azure gives this answer also when the model cannot be trained in the requested (or the
# default, Standard) training tier in this region — not only for models that cannot be tuned.
UNSUPPORTED_BASE_MODEL = "does not support fine-tuning"
TIER_HINT = (
    " Azure also says this when the model cannot be trained in the chosen training tier in this "
    "resource's region (without a tier Azure uses Standard): try another tier, e.g. "
    "--training-type globalstandard (or standard / developer), or pick it in the new-job form."
)


# Azure answers 401 for a token of another tenant or audience, and for an identity without a
# data-plane role on the resource (Owner/Contributor alone are control-plane roles).
TOKEN_REJECTED = (
    "The Microsoft Entra token was rejected by {endpoint}. The signed-in identity needs the "
    "Cognitive Services OpenAI Contributor role on this resource (Access control (IAM) in the "
    "Azure portal; roles take up to 5 minutes to apply), and the sign-in must be for the "
    "resource's tenant (`az login --tenant …`)."
)


def translate(
    err: openai.OpenAIError,
    *,
    endpoint: str,
    subject: str | None = None,
    secret: str | None = None,
    api_version: str | None = None,
    signed_in: bool = False,
) -> ServiceError:
    """The ServiceError for an SDK exception (subject: "job ftjob-…", "file file-…").
    `signed_in`: the request carried a Microsoft Entra token rather than a key."""
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
        result = _from_status(
            err, endpoint=endpoint, subject=subject, api_version=api_version, signed_in=signed_in
        )
        rid = request_id(err)
        if rid:
            result.request_id = rid
            result.args = (f"{result} (request id: {rid})",)
    else:
        result = ServiceError(f"{endpoint}: {err}")
    text = redact(str(result), secret)
    if text != str(result):
        result.args = (text,)
    return result


def _about_api_version(err: openai.APIStatusError) -> bool:
    body = err.body
    return isinstance(body, Mapping) and str(body.get("param") or "").lower() in (
        "api-version",
        "api_version",
    )


def api_version_message(endpoint: str, api_version: str | None, message: str) -> str:
    version = f"API version {api_version!r}" if api_version else "this API version"
    return (
        f"{endpoint} does not accept {version} ({message}). Set OPENAI_API_VERSION to a "
        f"supported version, e.g. {DEFAULT_API_VERSION}."
    )


def _from_status(
    err: openai.APIStatusError,
    *,
    endpoint: str,
    subject: str | None,
    api_version: str | None = None,
    signed_in: bool = False,
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
    if status == 401 and signed_in:
        return AuthError(TOKEN_REJECTED.format(endpoint=endpoint), status_code=status)
    if status == 401:
        return AuthError(
            f"The API key was rejected by {endpoint}. Check AZURE_OPENAI_API_KEY (or api_key in "
            "the config file): it must be a key of this resource (Keys and Endpoint in the Azure portal).",
            status_code=status,
        )
    if status == 403:
        return AuthError(
            f"{endpoint} refused access: {sentence(message)} The key or identity lacks permission for this "
            "operation on this resource.",
            status_code=status,
        )
    if status == 404:
        what = subject or "The requested resource"
        return NotFoundError(f"{what} was not found on {endpoint} ({message}).", status_code=status)
    if status == 429:
        # This error is what is left once the retries are spent: it says so, never "retrying".
        retry_after = retry_after_seconds(err.response.headers) if err.response is not None else None
        if retry_after is None:
            retry_after = retry_after_in_message(message)
        tries = tries_taken(err)
        gave_up = f"gave up after {tries} {'try' if tries == 1 else 'tries'}" if tries else "gave up"
        asked = (
            f" (it asked to wait {_wait_text(retry_after)} before the next one)"
            if retry_after is not None
            else ""
        )
        said = f" Azure says: {message}" if retry_after_in_message(message) is not None else ""
        return RateLimitError(
            f"{endpoint} rate-limited the request; {gave_up}{asked}. Try again later, "
            f"or make fewer requests at once.{said}",
            retry_after=retry_after,
        )
    if status >= 500:
        return ServerError(
            f"{endpoint} answered HTTP {status}: {sentence(message)} This is a problem on the service's "
            "side; try again in a minute.",
            status_code=status,
        )
    if UNSUPPORTED_BASE_MODEL in message.lower():
        return BadRequestError(message + TIER_HINT, status_code=status)
    return BadRequestError(message, status_code=status)


@contextlib.contextmanager
def translated_errors(
    *,
    endpoint: str,
    subject: str | None = None,
    secret: str | None = None,
    api_version: str | None = None,
    signed_in: bool = False,
) -> Iterator[None]:
    try:
        yield
    except Exception as err:
        # an SDK error implies the SDK is loaded; a block that never needed it (the first job
        # list comes from services.prefetch) must not pay ~0.4 s to import it here
        openai = sys.modules.get("openai")
        if openai is not None and isinstance(err, openai.OpenAIError):
            raise translate(
                err,
                endpoint=endpoint,
                subject=subject,
                secret=secret,
                api_version=api_version,
                signed_in=signed_in,
            ) from None
        # A body cut mid-stream (link dropped while a file downloads) surfaces from httpx2
        # after the SDK has handed the response over, so the SDK never wraps it.
        httpx2 = sys.modules.get("httpx2")
        if httpx2 is not None and isinstance(err, httpx2.TransportError):
            message = f"The connection to {endpoint} broke off ({err}). Check your network and try again."
            raise ConnectionFailed(redact(message, secret)) from None
        raise
