"""Postbacks: verify and read the signed notices Bitcapital sends your server.

Bitcapital posts ``{"id": ..., "entity": "user" | "transaction", "status": ...}``
to a domain's postback URLs whenever one of its users or transactions changes,
signed like a request (see ``_signing``) with the client secret. A postback is
trusted only when its signature matches and its timestamp is recent; even then
its body is a hint, so refetch the entity by id before acting on it.
"""

from __future__ import annotations

import hmac
import json
import time
from typing import TYPE_CHECKING, Final

from ._errors import SignatureError, SignatureExpired, ValidationError
from ._signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TimestampUnit,
    format_timestamp,
    sign,
    signature_message,
)
from .models import Postback, structure

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp import web

__all__ = [
    "DEFAULT_POSTBACK_TOLERANCE",
    "read_postback",
    "verify_postback",
]

# The developer hub asks the same of requests sent to Bitcapital: a timestamp
# within 30 s of the receiver's clock.
DEFAULT_POSTBACK_TOLERANCE: Final = 30.0

# Quoted headers are cut to this length in error messages.
_MAX_ECHO: Final = 40


def verify_postback(
    body: bytes,
    *,
    signature: str | None,
    timestamp: str | None,
    client_secret: str,
    path: str,
    method: str = "POST",
    tolerance: float = DEFAULT_POSTBACK_TOLERANCE,
    timestamp_unit: TimestampUnit = "ms",
    clock: Callable[[], float] = time.time,
) -> Postback:
    """Check a postback's signature and age, then read its body.

    Args:
        body: The request body, exactly as received.
        signature: The ``X-Request-Signature`` header.
        timestamp: The ``X-Request-Timestamp`` header.
        client_secret: The secret of the client the postbacks are for.
        path: The path the postback was posted to, without the query string.
        method: The request method.
        tolerance: How many seconds the timestamp may be from ``clock``.
        timestamp_unit: ``ms`` (default) or ``s``.
        clock: Seconds since the epoch, now.

    Returns:
        The postback's ``id``, ``entity`` and ``status``.

    Raises:
        SignatureError: The signature is missing or wrong.
        SignatureExpired: The signature is right but the timestamp is outside
            the window, as a replayed postback's would be.
        ValidationError: The body is not a postback.
    """
    if not signature or not timestamp:
        missing = SIGNATURE_HEADER if not signature else TIMESTAMP_HEADER
        raise SignatureError(f"no {missing} header")
    stamp = _read_timestamp(timestamp, timestamp_unit)

    message = signature_message(method, path, timestamp.strip(), body)
    expected = sign(client_secret, message)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise SignatureError("the signature does not match")

    skew = clock() - stamp
    if abs(skew) > tolerance:
        raise SignatureExpired(stamp, skew, tolerance)
    return _parse(body)


async def read_postback(
    request: web.Request,
    client_secret: str,
    *,
    path: str | None = None,
    tolerance: float = DEFAULT_POSTBACK_TOLERANCE,
    timestamp_unit: TimestampUnit = "ms",
) -> Postback:
    """Verify and read the postback an aiohttp web handler received.

    Args:
        request: The incoming request.
        client_secret: The secret of the client the postbacks are for.
        path: The path Bitcapital posted to, if a proxy in front of you
            rewrote it; the request's own path by default.
        tolerance: How many seconds the timestamp may be from now.
        timestamp_unit: ``ms`` (default) or ``s``.

    Raises:
        SignatureError: The signature is missing or wrong.
        SignatureExpired: The timestamp is outside the window.
        ValidationError: The body is not a postback.
    """
    body = await request.read()
    return verify_postback(
        body,
        signature=request.headers.get(SIGNATURE_HEADER),
        timestamp=request.headers.get(TIMESTAMP_HEADER),
        client_secret=client_secret,
        path=path if path is not None else request.rel_url.raw_path,
        method=request.method,
        tolerance=tolerance,
        timestamp_unit=timestamp_unit,
    )


def _read_timestamp(timestamp: str, unit: TimestampUnit) -> float:
    text = timestamp.strip()
    if not text.isascii() or not text.isdigit():
        shown = text[:_MAX_ECHO]
        raise SignatureError(f"{TIMESTAMP_HEADER} is not an integer: {shown!r}")
    divisor = int(format_timestamp(1, unit))
    return int(text) / divisor


def _parse(body: bytes) -> Postback:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("Postback", None, "the body is not JSON") from None
    return structure(data, Postback)
