"""Errors every caller can show as-is: each message says what failed and what to do.

The service layer turns the SDK's exceptions into these; nothing above it sees an
`openai` exception or a traceback. Messages never contain an API key.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base class. `title` is a short heading (for a toast), `str(err)` the full advice."""

    title = "Azure OpenAI error"
    request_id: str | None = None  # Azure's apim-request-id / x-request-id of the failed answer

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class AuthError(ServiceError):
    title = "Authentication failed"


class NotFoundError(ServiceError):
    title = "Not found"


class BadRequestError(ServiceError):
    title = "Request rejected"


class RateLimitError(ServiceError):
    title = "Rate limited"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status_code=429)
        self.retry_after = retry_after


class ConnectionFailed(ServiceError):
    title = "Connection problem"


class ServerError(ServiceError):
    title = "Service error"


class OperationTimeout(ServiceError):
    title = "Timed out"


class FileProcessingError(ServiceError):
    """An uploaded file ended in status `error`; message holds Azure's status_details verbatim."""

    title = "File rejected"


class LocalFileError(ServiceError):
    """A local file could not be read or written (the message names the path)."""

    title = "File problem"


class Cancelled(ServiceError):
    """The user cancelled a long operation (an upload, a wait)."""

    title = "Cancelled"


# Failures after which a request (a create, say) may or may not have reached Azure: the
# caller looks for its effect before repeating it, and may offer a retry.
OUTCOME_UNKNOWN = (ConnectionFailed, ServerError, OperationTimeout)
