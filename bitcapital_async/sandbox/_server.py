"""The embedded Bitcapital sandbox: a real aiohttp server on loopback."""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import secrets
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
from aiohttp import web

from .._version import __version__
from ._faults import Faults, Route

__all__ = ["IssuedToken", "Sandbox", "SandboxClient", "SandboxCounters"]

DEMO_CLIENT_ID: Final = "demo-client"
# Not a secret: the sandbox is local and the demo prints it.
DEMO_CLIENT_SECRET: Final = "demo-secret"  # noqa: S105

DEFAULT_SCOPES: Final = ("users:read", "wallets:read", "payments:read")


@attrs.frozen(kw_only=True)
class SandboxClient:
    """An OAuth 2.0 client the sandbox knows, with the virtual user it acts as."""

    client_id: str
    client_secret: str = attrs.field(repr=False)
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    user_id: str = attrs.field(factory=lambda: str(uuid.uuid4()))
    name: str = "Sandbox Mediator"
    email: str = "mediator@sandbox.invalid"
    # A virtual client's tokens carry no real user; others are users themselves.
    virtual: bool = True


@attrs.frozen
class IssuedToken:
    """A token the sandbox handed out, with its monotonic issue and expiry times."""

    access_token: str = attrs.field(repr=False)
    client_id: str
    issued_at: float
    expires_at: float


@attrs.define
class SandboxCounters:
    """What the sandbox served, for tests and the demo's summary.

    Attributes:
        token_requests: POSTs to ``/oauth/token``, whatever the answer.
        tokens_issued: Tokens handed out.
        api_requests: Requests to API endpoints (not the token endpoint).
        unauthorized: 401 answers on API endpoints.
        expired_tokens: API requests that arrived with an expired token.
        revoked_tokens: API requests that arrived with a revoked token.
        revocations: Calls to ``/oauth/revoke``.
    """

    token_requests: int = 0
    tokens_issued: int = 0
    api_requests: int = 0
    unauthorized: int = 0
    expired_tokens: int = 0
    revoked_tokens: int = 0
    revocations: int = 0


@attrs.define
class _Token:
    client: SandboxClient
    expires_at: float
    scopes: tuple[str, ...]
    revoked: bool = False


class Sandbox:
    """A Bitcapital Core look-alike to develop and test against.

    It speaks ``POST /oauth/token`` (client credentials, with the client id and
    secret in a Basic header, read raw as Bitcapital's SDKs send them or
    form-encoded as RFC 6749 §2.3.1 asks), ``POST /oauth/revoke``,
    ``GET /users/me`` and ``GET /`` (status). State is in memory.

    Use it as ``async with Sandbox() as sandbox: ...``; ``sandbox.url`` is its base
    URL, and ``sandbox.client_id`` / ``sandbox.client_secret`` the demo client.

    Args:
        token_lifetime: Seconds each token lives; may be changed while running.
        host: The address to bind; loopback by default.
        port: The port to bind; 0 picks a free one.
        clients: The clients it knows; by default one demo client.
        clock: A monotonic clock deciding token expiry.
    """

    def __init__(
        self,
        *,
        token_lifetime: float = 3600.0,
        host: str = "127.0.0.1",
        port: int = 0,
        clients: list[SandboxClient] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_lifetime = token_lifetime
        self.host = host
        self.port = port
        self.clients: dict[str, SandboxClient] = {
            c.client_id: c
            for c in clients
            or [SandboxClient(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)]
        }
        self.faults = Faults()
        self.counters = SandboxCounters()
        self._clock = clock
        self._tokens: dict[str, _Token] = {}
        self.issued: list[IssuedToken] = []
        self._runner: web.AppRunner | None = None
        self._started = time.monotonic()
        self.app = self._make_app()

    @property
    def client_id(self) -> str:
        """The first client's id."""
        return next(iter(self.clients.values())).client_id

    @property
    def client_secret(self) -> str:
        """The first client's secret."""
        return next(iter(self.clients.values())).client_secret

    @property
    def url(self) -> str:
        """The base URL, once started."""
        if self._runner is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def token_url(self) -> str:
        """The token endpoint's URL."""
        return f"{self.url}/oauth/token"

    async def start(self) -> str:
        """Bind and serve; returns the base URL."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self.url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def revoke_token(self, access_token: str) -> None:
        """Revoke a token on the server side, as an operator would."""
        if access_token in self._tokens:
            self._tokens[access_token].revoked = True

    def is_valid(self, access_token: str) -> bool:
        """Whether the server would accept this token now."""
        token = self._tokens.get(access_token)
        return token is not None and not token.revoked and self._clock() < token.expires_at

    # -- the application ----------------------------------------------------------

    def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._faults_middleware])
        app.router.add_post("/oauth/token", self._token)
        app.router.add_post("/oauth/revoke", self._revoke)
        app.router.add_get("/", self._status)
        app.router.add_get("/status", self._status)
        app.router.add_get("/users/me", self._me)
        return app

    @web.middleware
    async def _faults_middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Any],
    ) -> web.StreamResponse:
        route = _route_of(request.path)
        if route == "token":
            self.counters.token_requests += 1
        elif route == "revoke":
            self.counters.revocations += 1
        else:
            self.counters.api_requests += 1

        if self.faults.latency[route]:
            await asyncio.sleep(self.faults.latency[route])
        reply = self.faults.next_reply(route)
        if reply is not None:
            await asyncio.sleep(reply.delay)
            if route == "api" and reply.status == 401:
                self.counters.unauthorized += 1
            return reply.response()

        response: web.StreamResponse = await handler(request)
        return response

    async def _token(self, request: web.Request) -> web.Response:
        client = self._authenticate_client(request.headers.get("Authorization", ""))
        if client is None:
            return _oauth_error(401, "invalid_client", "client authentication failed")

        form = await request.post()
        grant_type = form.get("grant_type")
        if grant_type != "client_credentials":
            return _oauth_error(
                400, "unsupported_grant_type", f"grant type {grant_type!r} is not supported"
            )

        requested = str(form.get("scope") or "").replace(",", " ").split()
        if any(scope not in client.scopes for scope in requested):
            return _oauth_error(400, "invalid_scope", "a requested scope is not allowed")

        scopes = tuple(requested) or client.scopes
        access_token = secrets.token_urlsafe(32)
        now = self._clock()
        self._tokens[access_token] = _Token(
            client, expires_at=now + self.token_lifetime, scopes=scopes
        )
        self.issued.append(
            IssuedToken(access_token, client.client_id, now, now + self.token_lifetime)
        )
        self.counters.tokens_issued += 1
        return web.json_response(
            {
                "access_token": access_token,
                "token_type": "bearer",
                "expires_in": self.token_lifetime,
                "user_id": client.user_id,
                "virtual": client.virtual,
                "scope": list(scopes),
            }
        )

    async def _revoke(self, request: web.Request) -> web.Response:
        client = self._authenticate_client(request.headers.get("Authorization", ""))
        if client is None:
            return _oauth_error(401, "invalid_client", "client authentication failed")

        form = await request.post()
        for field in ("accessToken", "token"):
            token = self._tokens.get(str(form.get(field) or ""))
            if token is not None and token.client is client:
                token.revoked = True
        return web.json_response({"revoked": True})

    async def _status(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "name": "bitcapital-sandbox",
                "version": __version__,
                "env": "sandbox",
                "uptime": round(time.monotonic() - self._started, 3),
            }
        )

    async def _me(self, request: web.Request) -> web.Response:
        token = self._bearer(request)
        if isinstance(token, web.Response):
            return token
        client = token.client
        return web.json_response(
            {
                "id": client.user_id,
                "name": client.name,
                "firstName": client.name.split()[0],
                "lastName": " ".join(client.name.split()[1:]),
                "email": client.email,
                "role": "mediator",
                "status": "active",
                "virtual": client.virtual,
                "createdAt": "2019-01-01T00:00:00.000Z",
                "updatedAt": "2019-01-01T00:00:00.000Z",
            },
            headers={
                "X-OAuth-Bearer-Expiration": _http_expiry(token.expires_at - self._clock()),
                "X-OAuth-Bearer-Scope": " ".join(token.scopes),
            },
        )

    # -- authentication -----------------------------------------------------------

    def _authenticate_client(self, header: str) -> SandboxClient | None:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None

        client_id, _, client_secret = decoded.partition(":")
        for candidate_id, candidate_secret in (
            (client_id, client_secret),
            (urllib.parse.unquote_plus(client_id), urllib.parse.unquote_plus(client_secret)),
        ):
            client = self.clients.get(candidate_id)
            if client is not None and secrets.compare_digest(
                client.client_secret.encode(), candidate_secret.encode()
            ):
                return client
        return None

    def _bearer(self, request: web.Request) -> _Token | web.Response:
        scheme, _, access_token = request.headers.get("Authorization", "").partition(" ")
        token = self._tokens.get(access_token.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return self._unauthorized("missing or unknown bearer token")
        if token.revoked:
            self.counters.revoked_tokens += 1
            return self._unauthorized("the bearer token was revoked")
        if self._clock() >= token.expires_at:
            self.counters.expired_tokens += 1
            return self._unauthorized("the bearer token has expired")
        return token

    def _unauthorized(self, reason: str) -> web.Response:
        self.counters.unauthorized += 1
        return api_error(401, f"Unauthorized: {reason}", headers={
            "WWW-Authenticate": 'Bearer error="invalid_token"'
        })


def api_error(
    status: int, message: str, *, headers: Mapping[str, str] | None = None, details: Any = None
) -> web.Response:
    """An error in the shape Bitcapital's ts-framework server sends."""
    stack_id = str(uuid.uuid4())
    body: dict[str, Any] = {
        "status": status,
        "message": f"[{status}] {message} (stackId: {stack_id})",
        "stackId": stack_id,
    }
    if details is not None:
        body["details"] = details
    return web.json_response(body, status=status, headers=headers)


def _oauth_error(status: int, error: str, description: str) -> web.Response:
    return web.json_response(
        {"error": error, "error_description": description}, status=status
    )


def _route_of(path: str) -> Route:
    if path == "/oauth/token":
        return "token"
    if path == "/oauth/revoke":
        return "revoke"
    return "api"


def _http_expiry(seconds_left: float) -> str:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=max(seconds_left, 0.0))
    return when.isoformat()
