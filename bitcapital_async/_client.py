"""``Bitcapital``: the client a service embeds."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import aiohttp
import attrs
from multidict import CIMultiDictProxy
from yarl import URL

from ._errors import (
    APIError,
    BitcapitalError,
    RequestTimeout,
    TransportError,
    clean_api_message,
    redact,
    redact_json,
)
from ._grants import PasswordGrant, scope_tuple
from ._middleware import BearerAuth
from ._session import Session, UnauthorizedHandler
from ._signing import RequestSigner, TimestampUnit
from ._tokens import TokenManager
from ._version import __version__
from .services import (
    AssetService,
    BoletoService,
    CardService,
    ConsumerService,
    DomainService,
    MediatorService,
    PaymentService,
    PhoneCreditService,
    PreviewService,
    ProductService,
    StatusService,
    TransactionService,
    UserService,
    WalletService,
)

__all__ = ["Bitcapital", "Response"]

logger = logging.getLogger("bitcapital_async.client")

USER_AGENT: Final = f"bitcapital-async/{__version__}"

# aiohttp's default is 300 s; an API call that takes a minute has failed.
DEFAULT_API_TIMEOUT: Final = 60.0

# aiohttp's default pool of 100 connections throttles load tests; 0 = no limit
# would let one client exhaust file descriptors, so pick a large finite pool.
DEFAULT_CONNECTION_LIMIT: Final = 1000

# Far above any page the API serves, far below what would exhaust memory.
DEFAULT_MAX_RESPONSE_BYTES: Final = 64 << 20

# Bodies that are not JSON are quoted in errors up to this length.
_SNIPPET: Final = 200


@attrs.frozen
class Response:
    """A decoded API answer, with the headers pagination reads."""

    status: int
    headers: CIMultiDictProxy[str]
    data: Any


class Bitcapital:
    """The Bitcapital Core client: authenticated, with tokens renewed by themselves.

    Mirrors the JavaScript SDK's ``Bitcapital.initialize``. Every request is
    authorized by a shared ``TokenManager`` through the ``BearerAuth`` middleware;
    the first request starts the client-credentials session by itself.

    Args:
        base_url: The instance URL, e.g. ``https://testnet.btcore.app``.
        client_id: The OAuth 2.0 client id.
        client_secret: The client secret; never logged or shown in a repr.
        session: Your own ``aiohttp.ClientSession``; you close it. Without one the
            client makes a session with ``connection_limit`` connections.
        connection_limit: The size of the connection pool of the client's own
            session.
        middlewares: More aiohttp client middlewares for API calls; they run
            before (outside) the bearer middleware.
        timeout: Seconds one API call may take.
        max_response_bytes: Larger answers are refused with ``APIError``.
        token_manager: A ready token manager, instead of one built from the
            arguments; options such as ``refresh_margin`` go to the built one.
        sign_all_requests: Sign every API request, not only those to the
            endpoints Bitcapital checks signatures on (as the Java SDK does).
        signature_timestamp_unit: ``ms`` (default, as the vendor SDKs send) or
            ``s`` for ``X-Request-Timestamp``.
        username: A user to log in with the password grant on the first request
            (with ``password``); otherwise the client authenticates as itself.
        password: That user's password; sent once, never kept.
        on_unauthorized: Called with the departing user when a user session
            cannot be renewed; it may start a new session, e.g.
            ``lambda user: client.session.client_credentials()``.
        **token_options: Passed to ``TokenManager`` (``scope``,
            ``refresh_margin``, ``request_timeout`` …).
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        session: aiohttp.ClientSession | None = None,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        middlewares: Sequence[aiohttp.ClientMiddlewareType] = (),
        timeout: float = DEFAULT_API_TIMEOUT,
        token_manager: TokenManager | None = None,
        sign_all_requests: bool = False,
        signature_timestamp_unit: TimestampUnit = "ms",
        username: str | None = None,
        password: str | None = None,
        on_unauthorized: UnauthorizedHandler | None = None,
        **token_options: Any,
    ) -> None:
        self.base_url = _parse_base_url(base_url)
        # Bitcapital's own SDKs send base64(id:secret) raw, and that is what the
        # server is known to accept; RFC 6749 §2.3.1 encoding stays opt-in.
        token_options.setdefault("urlencode_basic", False)
        token_options.setdefault(
            "revocation_url", str(self.base_url / "oauth" / "revoke")
        )
        if username is not None and password is not None:
            # Logged in by the first request; the password goes once, then
            # refresh tokens renew the session.
            token_options["grant"] = PasswordGrant(
                username, password, scope_tuple(token_options.get("scope")), ","
            )
        self.tokens = token_manager or TokenManager(
            str(self.base_url / "oauth" / "token"),
            client_id,
            client_secret,
            **token_options,
        )
        self.auth = BearerAuth(self.tokens, base_url=self.base_url)
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self._middlewares: tuple[aiohttp.ClientMiddlewareType, ...] = (
            *middlewares,
            self.auth,
        )
        # Inside BearerAuth, so that its retry after a 401 is signed again.
        self.signer = RequestSigner(
            client_secret,
            base_url=self.base_url,
            timestamp_unit=signature_timestamp_unit,
        )
        self._signed_middlewares: tuple[aiohttp.ClientMiddlewareType, ...] = (
            *self._middlewares,
            self.signer,
        )
        if sign_all_requests:
            self._middlewares = self._signed_middlewares
        self._connection_limit = connection_limit
        self._user_session = session
        self._own_session: aiohttp.ClientSession | None = None
        self._owner: tuple[asyncio.AbstractEventLoop, int] | None = None
        self.session = Session(self, on_unauthorized=on_unauthorized)
        self.users = UserService(self)
        self.consumers = ConsumerService(self)
        self.domains = DomainService(self)
        self.mediators = MediatorService(self)
        self.products = ProductService(self)
        self.wallets = WalletService(self)
        self.cards = CardService(self)
        self.assets = AssetService(self)
        self.payments = PaymentService(self)
        self.transactions = TransactionService(self)
        self.boletos = BoletoService(self)
        self.phone_credits = PhoneCreditService(self)
        self.previews = PreviewService(self)
        self.status = StatusService(self)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **options: Any
    ) -> Bitcapital:
        """Build a client from the ``BITCAPITAL_*`` environment variables.

        ``BITCAPITAL_BASE_URL``, ``BITCAPITAL_CLIENT_ID`` and
        ``BITCAPITAL_CLIENT_SECRET`` are required. With ``BITCAPITAL_USERNAME`` and
        ``BITCAPITAL_PASSWORD`` too, the first request logs that user in.

        Raises:
            BitcapitalError: A variable is missing or empty.
        """
        environ = os.environ if environ is None else environ
        names = (
            "BITCAPITAL_BASE_URL",
            "BITCAPITAL_CLIENT_ID",
            "BITCAPITAL_CLIENT_SECRET",
        )
        missing = [name for name in names if not environ.get(name)]
        if missing:
            raise BitcapitalError(
                f"missing environment variables: {', '.join(missing)}"
            )
        base_url, client_id, client_secret = (environ[name] for name in names)
        username = environ.get("BITCAPITAL_USERNAME")
        password = environ.get("BITCAPITAL_PASSWORD")
        if bool(username) != bool(password):
            raise BitcapitalError(
                "set both BITCAPITAL_USERNAME and BITCAPITAL_PASSWORD, or neither"
            )
        if username and password:
            options.setdefault("username", username)
            options.setdefault("password", password)
        return cls(base_url, client_id, client_secret, **options)

    def __repr__(self) -> str:
        return (
            f"Bitcapital(base_url={str(self.base_url)!r}, "
            f"client_id={self.tokens.client_id!r})"
        )

    async def __aenter__(self) -> Bitcapital:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client's own HTTP session and the token manager."""
        session, self._own_session = self._own_session, None
        if session is not None and not session.closed:
            if self._owner == (asyncio.get_running_loop(), os.getpid()):
                await session.close()
            else:
                session.detach()
        await self.tokens.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        sign: bool = False,
    ) -> Any:
        """Call any endpoint and return its decoded JSON (``None`` for no body).

        Args:
            method: The HTTP method.
            path: The path under the base URL.
            json: A body to send as compact JSON, serialised once.
            params: The query string; ``None`` values are left out.
            headers: More request headers.
            data: A body aiohttp sends as is (``aiohttp.FormData`` for a
                multipart upload), instead of ``json``.
            sign: Add ``X-Request-Signature`` and ``X-Request-Timestamp``.

        Raises:
            APIError: A non-2xx answer, or a 2xx answer that is not JSON.
            TransportError: No answer; ``RequestTimeout`` when none came in time.
        """
        response = await self.send(
            method,
            path,
            json=json,
            params=params,
            headers=headers,
            data=data,
            sign=sign,
        )
        return response.data

    async def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        sign: bool = False,
    ) -> Response:
        """Like ``request``, but also returns the status and headers."""
        url = self.base_url.with_path(
            self.base_url.path.rstrip("/") + _leading_slash(path)
        )
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        body: Any = data
        if json is not None:
            body = _encode_json(json)
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}

        try:
            async with self._http().request(
                method,
                url,
                params=query or None,
                data=body,
                headers=all_headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                middlewares=self._signed_middlewares if sign else self._middlewares,
            ) as response:
                raw = await _read_capped(response, self.max_response_bytes, method)
                return _decode(
                    method,
                    url.path,
                    response.status,
                    response.headers,
                    raw,
                    # Same package: the manager knows which values are secret.
                    secrets=self.tokens._secrets,  # noqa: SLF001
                )
        except BitcapitalError:
            # Ours already, e.g. a token-endpoint timeout raised by BearerAuth:
            # it names the real cause better than a wrapper would.
            raise
        except TimeoutError:
            raise RequestTimeout(
                f"no answer to {method} {url.path} within {self.timeout:g} s"
            ) from None
        except aiohttp.ClientError as exc:
            # aiohttp's errors may hold RequestInfo, whose repr prints the
            # Authorization header: keep the type and text, drop the object.
            raise TransportError(
                f"{method} {url.path} failed: {type(exc).__name__}: {exc}"
            ) from None

    def _http(self) -> aiohttp.ClientSession:
        if self._user_session is not None:
            return self._user_session

        owner = (asyncio.get_running_loop(), os.getpid())
        session = self._own_session
        if session is not None and not session.closed and self._owner != owner:
            # Made in another asyncio.run() or before a fork: its connections
            # are not ours to use. Close it with `async with` to avoid this.
            logger.debug("event loop or process changed; opening a new session")
            session.detach()
        if session is None or session.closed or self._owner != owner:
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connection_limit)
            )
            self._own_session, self._owner = session, owner
        return session


async def _read_capped(
    response: aiohttp.ClientResponse, limit: int, method: str
) -> bytes:
    declared = response.content_length
    chunks: list[bytes] = []
    size = 0
    if declared is None or declared <= limit:
        async for chunk in response.content.iter_chunked(256 * 1024):
            size += len(chunk)
            if size > limit:
                break
            chunks.append(chunk)
    if max(size, declared or 0) > limit:
        raise APIError(
            response.status,
            f"the answer is larger than {limit} bytes",
            method=method,
            path=response.url.path,
        )
    return b"".join(chunks)


def _parse_base_url(base_url: str) -> URL:
    try:
        url = URL(base_url.rstrip("/"))
        url.port  # noqa: B018 - yarl checks the port only when asked
    except ValueError as exc:
        raise ValueError(f"invalid base_url {base_url!r}: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
    return url


def _leading_slash(path: str) -> str:
    return path if path.startswith("/") else "/" + path


def _encode_json(value: Any) -> bytes:
    # Compact, order-preserving, one serialisation: the bytes sent are the bytes
    # a request signature covers (JavaScript's JSON.stringify has no spaces).
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _decode(
    method: str,
    path: str,
    status: int,
    headers: CIMultiDictProxy[str],
    raw: bytes,
    *,
    secrets: Callable[[], tuple[str | None, ...]],
) -> Response:
    text = raw.decode("utf-8-sig", errors="replace")
    data: Any = None
    is_json = True
    if text.strip():
        try:
            data = json.loads(text)
        except ValueError:
            is_json = False

    if 200 <= status < 300 and is_json:
        return Response(status, headers, data)

    # A server may echo the token or secret it refused; none of it may reach an
    # exception message, repr or log. Gathered only here, off the success path.
    known = secrets()
    text = redact(text, known)
    data = redact_json(data, known)
    if 200 <= status < 300:
        content_type = headers.get("Content-Type", "no content type")
        message = f"expected JSON, got {content_type}"
        body: Any = text[:_SNIPPET]
        stack_id = details = None
    elif isinstance(data, dict):
        found = (
            data.get("message") or data.get("error_description") or data.get("error")
        )
        message = clean_api_message(str(found)) if found else f"HTTP {status}"
        body = data
        stack_id = str(data["stackId"]) if data.get("stackId") else None
        details = data.get("details")
    else:
        message = " ".join(text[:_SNIPPET].split()) or f"HTTP {status}"
        body = data if is_json else text[:_SNIPPET]
        stack_id = details = None
    raise APIError(
        status,
        message,
        stack_id=stack_id,
        details=details,
        body=body,
        method=method,
        path=path,
    )
