"""The errors raised by bitcapital-async.

Every error derives from one root, so ``except BitcapitalError`` catches them all::

    BitcapitalError
    ├── OAuthError                     the token endpoint refused or failed
    │   ├── InvalidRequest             RFC 6749 §5.2 ``invalid_request``
    │   ├── InvalidClient              ``invalid_client`` (wrong id or secret)
    │   ├── InvalidGrant               ``invalid_grant`` (bad password, refresh token)
    │   ├── UnauthorizedClient         ``unauthorized_client``
    │   ├── UnsupportedGrantType       ``unsupported_grant_type``
    │   ├── InvalidScope               ``invalid_scope``
    │   ├── TokenEndpointUnreachable   no HTTP answer at all (DNS, refused, reset)
    │   └── TokenEndpointTimeout       no answer in time; also a ``TimeoutError``
    ├── SessionExpired                 a user session could not be renewed
    ├── APIError                       a non-2xx answer from the Bitcapital API
    ├── TransportError                 an API call got no HTTP answer
    │   └── RequestTimeout             ... in time; also a ``TimeoutError``
    ├── DiscoveryError                 authorization server metadata unusable
    ├── SignatureError                 a postback's signature is missing or wrong
    │   └── SignatureExpired           ... or right but outside the time window
    └── ValidationError                a server answer that does not fit its model

None of them keeps or chains aiohttp's ``ClientResponseError`` or ``RequestInfo``:
their reprs print the request headers, ``Authorization`` included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

__all__ = [
    "APIError",
    "BitcapitalError",
    "DiscoveryError",
    "InvalidClient",
    "InvalidGrant",
    "InvalidRequest",
    "InvalidScope",
    "OAuthError",
    "RequestTimeout",
    "SessionExpired",
    "SignatureError",
    "SignatureExpired",
    "TokenEndpointTimeout",
    "TokenEndpointUnreachable",
    "TransportError",
    "UnauthorizedClient",
    "UnsupportedGrantType",
    "ValidationError",
]

# Long enough to recognise an HTML error page, short enough for one log line.
SNIPPET_LENGTH: Final = 200

REDACTED: Final = "[REDACTED]"

# Shorter values are too likely to occur by chance in unrelated text.
_MIN_SECRET_LENGTH: Final = 4

_STATUS_PREFIX = re.compile(r"^\[\d{3}\]\s*")
_STACK_ID_SUFFIX = re.compile(r"\s*\(stackId:[^)]*\)\s*$")


class BitcapitalError(Exception):
    """The root of every error this package raises."""


class OAuthError(BitcapitalError):
    """The token endpoint refused the request or could not be used.

    Attributes:
        error: The RFC 6749 §5.2 error code, or a code of ours for failures the RFC
            does not name (``server_error`` for a 5xx without one,
            ``invalid_response`` for an answer that is not a token response).
        description: The server's ``error_description``, with secrets redacted.
        status: The HTTP status, or ``None`` when no answer arrived.
        retryable: Whether asking again later may succeed.
        error_uri: The server's ``error_uri``, if any.
        content_type: The answer's content type, if any.
        body_snippet: The start of a body that was not a valid answer, redacted.
    """

    def __init__(
        self,
        error: str,
        description: str | None = None,
        *,
        status: int | None = None,
        retryable: bool = False,
        error_uri: str | None = None,
        content_type: str | None = None,
        body_snippet: str | None = None,
    ) -> None:
        self.error = error
        self.description = description
        self.status = status
        self.retryable = retryable
        self.error_uri = error_uri
        self.content_type = content_type
        self.body_snippet = body_snippet
        # Seconds the server asked us to wait (Retry-After), if it said.
        self.retry_after: float | None = None
        super().__init__(self._message())

    def _message(self) -> str:
        text = self.error
        if self.description:
            text = f"{text}: {self.description}"
        if self.status is not None:
            text = f"{text} (HTTP {self.status})"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(error={self.error!r}, status={self.status!r}, "
            f"retryable={self.retryable!r})"
        )


class InvalidRequest(OAuthError):
    """RFC 6749 §5.2 ``invalid_request``: the request was malformed."""


class InvalidClient(OAuthError):
    """RFC 6749 §5.2 ``invalid_client``: the client id or secret was refused."""


class InvalidGrant(OAuthError):
    """RFC 6749 §5.2 ``invalid_grant``: a password or refresh token was refused."""


class UnauthorizedClient(OAuthError):
    """RFC 6749 §5.2 ``unauthorized_client``: the client may not use this grant."""


class UnsupportedGrantType(OAuthError):
    """RFC 6749 §5.2 ``unsupported_grant_type``: the server lacks this grant."""


class InvalidScope(OAuthError):
    """RFC 6749 §5.2 ``invalid_scope``: a requested scope was refused."""


class TokenEndpointUnreachable(OAuthError):
    """The token endpoint gave no HTTP answer (DNS failure, refused, reset)."""


class TokenEndpointTimeout(OAuthError, TimeoutError):
    """The token endpoint did not answer in time."""


class SessionExpired(BitcapitalError):
    """The session ended and could not be renewed; log in again."""


class APIError(BitcapitalError):
    """The Bitcapital API answered with a non-2xx status.

    Attributes:
        status: The HTTP status.
        message: The server's message without its ``[401] `` prefix and
            ``(stackId: …)`` suffix.
        stack_id: The server's ``stackId``, for support requests.
        details: The server's ``details`` object, if any.
        body: The decoded JSON body, or the start of a body that was not JSON.
        method: The request method.
        path: The request path (no host, no query string).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        stack_id: str | None = None,
        details: Any = None,
        body: Any = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.stack_id = stack_id
        self.details = details
        self.body = body
        self.method = method
        self.path = path
        where = f" on {method} {path}" if method and path else ""
        super().__init__(f"HTTP {status}{where}: {message}")

    def __repr__(self) -> str:
        return f"APIError(status={self.status!r}, message={self.message!r})"


class TransportError(BitcapitalError):
    """An API request got no HTTP answer (connection refused, reset, DNS)."""


class RequestTimeout(TransportError, TimeoutError):
    """An API request got no answer in time."""


class DiscoveryError(BitcapitalError):
    """Authorization server metadata (RFC 8414) is missing, malformed or foreign."""


class SignatureError(BitcapitalError):
    """A postback's signature is missing, malformed or does not match.

    Attributes:
        reason: What was wrong, without the expected signature.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"postback rejected: {reason}")


class SignatureExpired(SignatureError):
    """A correctly signed postback whose timestamp is outside the window: a replay.

    Attributes:
        timestamp: The postback's timestamp, in seconds since the epoch.
        skew: How far it is from the receiver's clock, in seconds (negative
            when it is in the future).
    """

    def __init__(self, timestamp: float, skew: float, tolerance: float) -> None:
        self.timestamp = timestamp
        self.skew = skew
        super().__init__(
            f"timestamp is {abs(skew):.0f} s in the "
            f"{'past' if skew >= 0 else 'future'}, beyond the {tolerance:g} s window"
        )


class ValidationError(BitcapitalError):
    """A server answer does not fit the model it should decode into.

    Attributes:
        model: The model's class name.
        field: The dotted path of the offending field, or ``None`` for the whole
            object.
    """

    def __init__(self, model: str, field: str | None, reason: str) -> None:
        self.model = model
        self.field = field
        self.reason = reason
        where = f"{model}.{field}" if field else model
        super().__init__(f"invalid {where}: {reason}")


_OAUTH_ERRORS: Final[Mapping[str, type[OAuthError]]] = {
    "invalid_request": InvalidRequest,
    "invalid_client": InvalidClient,
    "invalid_grant": InvalidGrant,
    "unauthorized_client": UnauthorizedClient,
    "unsupported_grant_type": UnsupportedGrantType,
    "invalid_scope": InvalidScope,
}


def oauth_error_class(code: str) -> type[OAuthError]:
    """The ``OAuthError`` subclass for an RFC 6749 §5.2 code."""
    return _OAUTH_ERRORS.get(code, OAuthError)


def clean_api_message(message: str) -> str:
    """Strip ts-framework's ``[401] `` prefix and ``(stackId: …)`` suffix."""
    return _STACK_ID_SUFFIX.sub("", _STATUS_PREFIX.sub("", message)).strip()


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each secret in ``text``.

    Longest secrets go first so that a secret containing another is replaced
    whole.
    """
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        if len(secret) >= _MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    return text


def redact_json(value: Any, secrets: Iterable[str | None]) -> Any:
    """``value`` (decoded JSON) with every secret in its strings replaced."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, list):
        return [redact_json(item, secrets) for item in value]
    if isinstance(value, dict):
        return {
            redact(str(key), secrets): redact_json(item, secrets)
            for key, item in value.items()
        }
    return value


def snippet(text: str, secrets: Iterable[str | None]) -> str:
    """The redacted, whitespace-collapsed start of a body, for error messages."""
    collapsed = " ".join(redact(text, secrets).split())
    if len(collapsed) > SNIPPET_LENGTH:
        return collapsed[:SNIPPET_LENGTH] + "…"
    return collapsed
