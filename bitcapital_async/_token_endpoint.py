"""One exchange with a token endpoint: client authentication, the POST, the answer.

The token manager decides *when* to ask; this module knows *how* to ask and how to
read whatever comes back, which on real servers is not always a token response.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
import math
import re
import sys
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import aiohttp
import attrs

from ._credentials import OAuthCredentials
from ._errors import (
    OAuthError,
    TokenEndpointTimeout,
    TokenEndpointUnreachable,
    clean_api_message,
    oauth_error_class,
    redact,
    snippet,
)

ClientAuth = Literal["client_secret_basic", "client_secret_post"]

# Go's x/oauth2 caps token responses at 1 MiB; nothing legitimate is larger.
MAX_BODY_BYTES: Final = 1 << 20

# Statuses after which asking again later may succeed (RFC 9110 §15.5.9, §15.6).
RETRYABLE_STATUSES: Final = frozenset({408, 425, 429, 500, 502, 503, 504})

# RFC 6749 §5.2 codes that mean "not now" rather than "no".
RETRYABLE_CODES: Final = frozenset({"temporarily_unavailable", "server_error"})

# RFC 9110 §10.2.3 delta-seconds: ASCII digits only (str.isdigit accepts "²").
_DELTA_SECONDS: Final = re.compile(r"[0-9]+")

# When a server answers without an RFC 6749 §5.2 code, the status decides.
_CODE_FOR_STATUS: Final[Mapping[int, str]] = {
    400: "invalid_request",
    401: "invalid_client",
    403: "unauthorized_client",
    408: "request_timeout",
    429: "too_many_requests",
}


@attrs.frozen
class TokenEndpoint:
    """Where and how to ask for tokens: the URL and the client's authentication."""

    url: str
    client_id: str
    client_secret: str = attrs.field(repr=False)
    client_auth: ClientAuth = "client_secret_basic"
    # RFC 6749 §2.3.1 form-encodes id and secret before base64; some servers
    # (Bitcapital's among them) expect them raw.
    urlencode_basic: bool = True
    extra_params: Mapping[str, str] = attrs.field(factory=dict)

    def authorization(self) -> str | None:
        """The ``Authorization`` header value for ``client_secret_basic``."""
        if self.client_auth != "client_secret_basic":
            return None
        return basic_authorization(
            self.client_id, self.client_secret, urlencode=self.urlencode_basic
        )

    def form(self, grant: Mapping[str, str]) -> dict[str, str]:
        """The form body for a grant, with the extra and client parameters."""
        return self.client_form({**self.extra_params, **grant})

    def client_form(self, fields: Mapping[str, str]) -> dict[str, str]:
        """``fields`` plus the client's id and secret when they go in the body."""
        body = dict(fields)
        if self.client_auth == "client_secret_post":
            body["client_id"] = self.client_id
            body["client_secret"] = self.client_secret
        return body

    async def post(
        self,
        session: aiohttp.ClientSession,
        form: Mapping[str, str],
        *,
        timeout: float,
        secrets: Iterable[str | None] = (),
        url: str | None = None,
    ) -> tuple[int, str | None, bytes, str | None]:
        """POST a form with client authentication.

        Returns:
            The status, content type, body and ``Retry-After`` header.

        Raises:
            TokenEndpointTimeout: No answer within ``timeout`` seconds.
            TokenEndpointUnreachable: No HTTP answer at all.
            OAuthError: A body over the size limit.
        """
        headers = {"Accept": "application/json"}
        if (authorization := self.authorization()) is not None:
            headers["Authorization"] = authorization

        try:
            async with session.post(
                url or self.url,
                data=dict(form),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=False,
                middlewares=(),
            ) as response:
                body = await _read_capped(response)
                return (
                    response.status,
                    response.headers.get("Content-Type"),
                    body,
                    response.headers.get("Retry-After"),
                )
        except TimeoutError:
            raise TokenEndpointTimeout(
                "timeout",
                f"no answer from the token endpoint within {timeout:.3g} s",
                retryable=True,
            ) from None
        except aiohttp.ClientError as exc:
            # aiohttp's errors can carry RequestInfo, whose repr prints our
            # Authorization header: keep only a redacted description.
            reason = redact(str(exc) or type(exc).__name__, secrets)
            raise TokenEndpointUnreachable(
                "unreachable",
                f"cannot reach the token endpoint: {reason}",
                retryable=True,
            ) from None

    async def revoke(
        self,
        session: aiohttp.ClientSession,
        url: str,
        token: str,
        *,
        token_type_hint: str | None,
        extra_params: Mapping[str, str] | None,
        timeout: float,
        secrets: Iterable[str | None],
    ) -> None:
        """Revoke ``token`` at ``url`` as RFC 7009 §2.1 asks.

        Raises:
            OAuthError: The server refused, or gave no answer.
        """
        secrets = tuple(secrets)
        form = {"token": token, **(extra_params or {})}
        if token_type_hint:
            form["token_type_hint"] = token_type_hint
        status, content_type, body, _ = await self.post(
            session, self.client_form(form), timeout=timeout, secrets=secrets, url=url
        )
        if not 200 <= status < 300:
            raise error_from_answer(status, content_type, body, secrets)


def basic_authorization(client_id: str, client_secret: str, *, urlencode: bool) -> str:
    """``Basic base64(id:secret)``, each part form-urlencoded first if asked."""
    if urlencode:
        client_id = urllib.parse.quote_plus(client_id, safe="")
        client_secret = urllib.parse.quote_plus(client_secret, safe="")
    raw = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def parse_token_answer(
    status: int,
    content_type: str | None,
    body: bytes,
    retry_after: str | None,
    *,
    issued_at: dt.datetime,
    default_lifetime: float,
    requested_scope: Iterable[str],
    secrets: Iterable[str | None],
    retry_after_cap: float,
) -> OAuthCredentials:
    """Turn a token endpoint's answer into credentials or a typed ``OAuthError``."""
    secrets = tuple(secrets)
    data = _decode(content_type, body)

    # Go's x/oauth2 too: only a non-empty "error" makes a 2xx an error.
    if 200 <= status < 300 and isinstance(data, dict) and not data.get("error"):
        try:
            return OAuthCredentials.from_response(
                data,
                issued_at=issued_at,
                default_lifetime=default_lifetime,
                requested_scope=requested_scope,
            )
        except OAuthError as exc:
            # The model knows nothing of HTTP; say which answer it was.
            raise OAuthError(
                exc.error,
                exc.description,
                status=status,
                retryable=exc.retryable,
                content_type=content_type,
            ) from None

    error = error_from_answer(status, content_type, body, secrets, data=data)
    error.retry_after = parse_retry_after(retry_after, cap=retry_after_cap)
    raise error


def parse_retry_after(value: str | None, *, cap: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (RFC 9110 §10.2.3), capped."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return min(max(seconds, 0.0), cap)


def _decode(content_type: str | None, body: bytes) -> Any:
    """JSON or form-encoded data, or ``None`` when the body is neither."""
    mime = (content_type or "").split(";")[0].strip().lower()
    # utf-8-sig: some servers put a byte-order mark before the JSON.
    text = body.decode("utf-8-sig", errors="replace")
    if mime == "application/x-www-form-urlencoded":
        return dict(urllib.parse.parse_qsl(text))
    if mime.endswith("json") or text.lstrip().startswith("{"):
        try:
            return json.loads(
                text, parse_constant=_reject_constant, parse_float=_parse_float
            )
        except ValueError:
            return None
    return None


def _reject_constant(_name: str) -> float:
    # NaN and Infinity are not JSON; a lifetime reading them becomes "absent".
    return math.nan


def _parse_float(text: str) -> float:
    # A number such as 1e400 is absurd but finite: keep it finite so that it
    # clamps like 1e12, instead of turning into the Infinity we treat as absent.
    value = float(text)
    if math.isinf(value):
        return math.copysign(sys.float_info.max, value)
    return value


def error_from_answer(
    status: int,
    content_type: str | None,
    body: bytes,
    secrets: Iterable[str | None],
    *,
    data: Any = None,
) -> OAuthError:
    """The typed ``OAuthError`` for an answer that is not a success."""
    secrets = tuple(secrets)
    if data is None:
        data = _decode(content_type, body)
    retryable_status = status in RETRYABLE_STATUSES or status >= 500
    if isinstance(data, dict):
        code = data.get("error")
        description = data.get("error_description") or data.get("message")
        if isinstance(code, str) and code.strip():
            # Servers have been seen echoing a secret even in the error code.
            code = redact(code.strip(), secrets)
        else:
            code = _code_for_status(status)
        if isinstance(description, str):
            description = redact(clean_api_message(description), secrets)
        else:
            description = None
        error_uri = data.get("error_uri")
        return oauth_error_class(code)(
            code,
            description,
            status=status,
            retryable=code in RETRYABLE_CODES or (retryable_status and status >= 300),
            error_uri=redact(error_uri, secrets)
            if isinstance(error_uri, str)
            else None,
            content_type=content_type,
        )

    text = body.decode("utf-8", errors="replace")
    is_success = 200 <= status < 300
    what = "a token response" if is_success else "an OAuth error"
    code = "invalid_response" if is_success else _code_for_status(status)
    return oauth_error_class(code)(
        code,
        f"expected {what} in JSON, got {content_type or 'no content type'}",
        status=status,
        retryable=retryable_status and not is_success,
        content_type=content_type,
        body_snippet=snippet(text, secrets),
    )


def _code_for_status(status: int) -> str:
    if status >= 500:
        return "server_error"
    if 300 <= status < 400:
        return "unexpected_redirect"
    return _CODE_FOR_STATUS.get(status, "invalid_response")


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    declared = response.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        raise _too_large(response.status)

    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large(response.status)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(status: int) -> OAuthError:
    return OAuthError(
        "invalid_response",
        f"the token endpoint's answer is larger than {MAX_BODY_BYTES} bytes",
        status=status,
        retryable=False,
    )


def is_retryable(exc: BaseException) -> bool:
    """Whether a failed token request may succeed when asked again."""
    return isinstance(exc, OAuthError) and exc.retryable


__all__ = [
    "MAX_BODY_BYTES",
    "ClientAuth",
    "TokenEndpoint",
    "basic_authorization",
    "error_from_answer",
    "is_retryable",
    "parse_retry_after",
    "parse_token_answer",
]
