"""Bearer tokens the emulator accepts in place of a key: Microsoft Entra ID, emulated.

Azure OpenAI takes `Authorization: Bearer <Entra token>` for the audience
https://cognitiveservices.azure.com. The emulator cannot check real Entra tokens, so it
accepts the ones it issued itself (`EmbeddedEmulator.issue_token()`, which a test
TokenCredential hands to azure-identity) until they expire — enough to drive the Entra path
end to end over real HTTP, expiry and refresh included.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

# Azure's words for a missing, invalid or expired token (its 401 body for AAD auth).
INVALID_TOKEN = (
    "Unauthorized. Access token is missing, invalid, audience is incorrect "
    "(https://cognitiveservices.azure.com), or have expired."
)


class InvalidTokenError:
    """Azure's 401 for a bad bearer token. Its body is not the usual {"error": {...}} but a
    top-level {"statusCode", "message"} (tests/fixtures/azure-real/401_invalid_bearer_token.*)."""

    def response(self, *, strict_spec: bool = False) -> Any:
        from starlette.responses import JSONResponse

        if strict_spec:  # the spec's error shape; the live service's own below
            return JSONResponse({"error": {"code": "unauthorized", "message": INVALID_TOKEN, "param": None,
                                           "type": "authentication_error"}}, status_code=401)
        return JSONResponse({"statusCode": 401, "message": INVALID_TOKEN}, status_code=401)


class TokenIssuer:
    def __init__(self) -> None:
        self._expiry: dict[str, float] = {}  # token -> wall-clock expiry (time.time())
        self._lock = threading.Lock()
        self.accepted = 0  # requests let in by a token (tests assert the Entra path was taken)

    def issue(self, lifetime: float = 3600.0) -> tuple[str, int]:
        """A new token and its expiry (epoch seconds, as azure-core's AccessToken wants)."""
        token = "emu-entra-" + secrets.token_urlsafe(24)
        expires_on = time.time() + lifetime
        with self._lock:
            self._expiry[token] = expires_on
        return token, int(expires_on)

    def valid(self, token: str) -> bool:
        with self._lock:
            expires_on = self._expiry.get(token)
            ok = expires_on is not None and time.time() < expires_on
            if ok:
                self.accepted += 1
        return ok
