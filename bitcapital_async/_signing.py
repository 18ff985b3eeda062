"""Request signing: Bitcapital's HMAC-SHA256 over method, path, time and body.

The server checks ``X-Request-Signature`` on the endpoints that move money (asset
emission and destruction, payments, withdrawals, boletos, phone credits, the KYC
preview) and signs the postbacks it sends the same way. The key is the OAuth
client secret; the message is the method, the path relative to the base URL, the
timestamp and, for a POST with a body or any PUT, the exact body bytes, joined by
commas::

    POST,/payments/,1573264495581,{"source":"…","recipients":[…]}
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import TYPE_CHECKING, Final, Literal

from yarl import URL

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp import ClientHandlerType, ClientRequest, ClientResponse

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "RequestSigner",
    "TimestampUnit",
    "format_timestamp",
    "sign",
    "signature_message",
]

logger = logging.getLogger("bitcapital_async.signing")

SIGNATURE_HEADER: Final = "X-Request-Signature"
TIMESTAMP_HEADER: Final = "X-Request-Timestamp"

TimestampUnit = Literal["ms", "s"]
"""Milliseconds, as both vendor SDKs send, or seconds, as the developer hub says."""

_UNIT_FACTOR: Final[dict[str, int]] = {"ms": 1000, "s": 1}


def sign(secret: str, message: str | bytes) -> str:
    """Return the lowercase hex HMAC-SHA256 of ``message`` keyed with ``secret``.

    Args:
        secret: The key: the OAuth client secret.
        message: The text to sign; a ``str`` is UTF-8 encoded.

    Returns:
        64 lowercase hex digits.
    """
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def signature_message(
    method: str, path: str, timestamp: str, body: bytes = b""
) -> bytes:
    """Build the bytes a request signature covers.

    The vendor's SDKs append the body to a POST that has one and to every PUT;
    other methods are signed without it, whatever they carry.

    Args:
        method: The HTTP method, in any case.
        path: The path relative to the base URL, without the query string.
        timestamp: The ``X-Request-Timestamp`` value.
        body: The exact bytes sent.

    Returns:
        ``METHOD,path,timestamp`` and, where it applies, ``,body``.
    """
    method = method.upper()
    head = f"{method},{path},{timestamp}".encode()
    if (method == "POST" and body) or method == "PUT":
        return head + b"," + body
    return head


def format_timestamp(seconds: float, unit: TimestampUnit = "ms") -> str:
    """Write a UNIX time as the integer string ``X-Request-Timestamp`` carries.

    Args:
        seconds: Seconds since the epoch, as ``time.time()`` gives.
        unit: ``ms`` or ``s``.

    Raises:
        ValueError: ``unit`` is neither.
    """
    factor = _UNIT_FACTOR.get(unit)
    if factor is None:
        raise ValueError(f"timestamp unit must be 'ms' or 's', got {unit!r}")
    return str(int(seconds * factor))


class RequestSigner:
    """An aiohttp client middleware that signs each request it passes on.

    Place it after (inside) ``BearerAuth``: a request retried after a 401 then
    goes through it again and is signed anew, with a fresh timestamp. Only
    requests to the origin of ``base_url`` are signed, and the signed path is
    relative to ``base_url``'s path.

    Args:
        client_secret: The key; never logged or shown in a repr.
        base_url: The API the signatures are for.
        timestamp_unit: ``ms`` (the default, as the vendor SDKs) or ``s``.
        clock: Seconds since the epoch.

    Attributes:
        clock: May be replaced, e.g. by a test.
    """

    def __init__(
        self,
        client_secret: str,
        *,
        base_url: str | URL,
        timestamp_unit: TimestampUnit = "ms",
        clock: Callable[[], float] = time.time,
    ) -> None:
        format_timestamp(0, timestamp_unit)
        self._secret = client_secret
        self.base_url = URL(base_url)
        self.timestamp_unit: TimestampUnit = timestamp_unit
        self.clock = clock
        self._prefix = self.base_url.raw_path.rstrip("/")

    def __repr__(self) -> str:
        return (
            f"RequestSigner(base_url={str(self.base_url)!r}, "
            f"timestamp_unit={self.timestamp_unit!r})"
        )

    def headers(self, method: str, path: str, body: bytes = b"") -> dict[str, str]:
        """Make the two signature headers for one request, timed now.

        Args:
            method: The HTTP method.
            path: The path relative to the base URL, without the query string.
            body: The exact bytes sent.
        """
        timestamp = format_timestamp(self.clock(), self.timestamp_unit)
        message = signature_message(method, path, timestamp, body)
        return {
            SIGNATURE_HEADER: sign(self._secret, message),
            TIMESTAMP_HEADER: timestamp,
        }

    async def __call__(
        self, request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        """Sign the request, then pass it on."""
        if _origin(request.url) != _origin(self.base_url):
            return await handler(request)

        raw = request.body
        body = raw if isinstance(raw, bytes) else await raw.as_bytes()
        path = self._relative(request.url.raw_path)
        request.headers.update(self.headers(request.method, path, body))
        logger.debug("signed %s %s", request.method, path)
        return await handler(request)

    def _relative(self, raw_path: str) -> str:
        if self._prefix and raw_path.startswith(self._prefix + "/"):
            return raw_path[len(self._prefix) :]
        return raw_path


def _origin(url: URL) -> tuple[str, str, int | None]:
    return (url.scheme.lower(), (url.host or "").lower(), url.port)
