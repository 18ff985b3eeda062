"""The embedded Bitcapital sandbox: a real aiohttp server on loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .._version import __version__
from ._api import SandboxAPI, mount_api
from ._faults import Faults, Route
from ._oauth import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    Grant,
    IssuedToken,
    OAuthServer,
    SandboxClient,
    SandboxCounters,
    SandboxUser,
    api_error,
)

__all__ = ["Sandbox"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Sandbox:
    """A Bitcapital Core look-alike to develop and test against.

    It speaks ``POST /oauth/token`` (client credentials, password and refresh
    grants, with the client id and secret in a Basic header, read raw as
    Bitcapital's SDKs send them or form-encoded as RFC 6749 §2.3.1 asks),
    ``POST /oauth/revoke``, ``GET /users/me`` and ``GET /`` (status). State is in
    memory. Like the real server it answers an unknown, expired or revoked bearer
    token with 401.

    Use it as ``async with Sandbox() as sandbox: ...``; ``sandbox.url`` is its base
    URL, ``sandbox.client_id`` / ``sandbox.client_secret`` the demo client, and
    ``DEMO_USERNAME`` / ``DEMO_PASSWORD`` a demo user.

    Args:
        token_lifetime: Seconds each token lives; may be changed while running.
        host: The address to bind; loopback by default.
        port: The port to bind; 0 picks a free one.
        clients: The clients it knows; by default one demo client.
        users: The users who may log in; by default one demo user.
        clock: A monotonic clock deciding token expiry.
    """

    def __init__(
        self,
        *,
        token_lifetime: float = 3600.0,
        host: str = "127.0.0.1",
        port: int = 0,
        clients: list[SandboxClient] | None = None,
        users: list[SandboxUser] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_lifetime = token_lifetime
        self.host = host
        self.port = port
        self.faults = Faults()
        self.counters = SandboxCounters()
        self.oauth = OAuthServer(
            clients
            or [
                SandboxClient(
                    client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET
                )
            ],
            users or [SandboxUser(username=DEMO_USERNAME, password=DEMO_PASSWORD)],
            self.counters,
            clock,
            lambda: self.token_lifetime,
        )
        self._clock = clock
        self._runner: web.AppRunner | None = None
        self._started = time.monotonic()
        self.app = self._make_app()

    @property
    def clients(self) -> dict[str, SandboxClient]:
        """The clients it knows, by id."""
        return self.oauth.clients

    @property
    def users(self) -> dict[str, SandboxUser]:
        """The users who may log in, by username."""
        return self.oauth.users

    @property
    def issued(self) -> list[IssuedToken]:
        """Every access token handed out, in order."""
        return self.oauth.issued

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
        # aiohttp's default backlog of 128 stalls a burst of 200 connections
        # (the demo's) for a second while the kernel retries the SYNs.
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024)
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

    def revoke_token(self, token: str) -> None:
        """Revoke an access or refresh token on the server side."""
        self.oauth.revoke_token(token)

    def is_valid(self, access_token: str) -> bool:
        """Whether the server would accept this access token now."""
        return self.oauth.is_valid(access_token)

    def authorize(self, request: web.Request) -> Grant | web.Response:
        """The grant behind a request's bearer token, or the 401 to answer with."""
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        grant = (
            self.oauth.grant_for(value.strip()) if scheme.lower() == "bearer" else None
        )
        if grant is None:
            return self._unauthorized("missing or unknown bearer token")
        if grant.revoked:
            self.counters.revoked_tokens += 1
            return self._unauthorized("the bearer token was revoked")
        if self._clock() >= grant.expires_at:
            self.counters.expired_tokens += 1
            return self._unauthorized("the bearer token has expired")
        return grant

    # -- the application ----------------------------------------------------------

    def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._faults_middleware])
        app.router.add_post("/oauth/token", self.oauth.token)
        app.router.add_post("/oauth/revoke", self.oauth.revoke)
        app.router.add_get("/", self._status)
        app.router.add_get("/status", self._status)
        app.router.add_get("/users/me", self._me)
        self.api: SandboxAPI = mount_api(self, app)
        return app

    @web.middleware
    async def _faults_middleware(
        self, request: web.Request, handler: Handler
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
        try:
            return await handler(request)
        except ConnectionResetError:
            # The client left mid-request (a cancelled caller): nobody to answer.
            return web.Response(status=499)

    async def _status(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "name": "bitcapital-sandbox",
                "version": __version__,
                "env": "sandbox",
                "uptime": round(time.monotonic() - self._started, 3),
            }
        )

    async def _me(self, request: web.Request) -> web.Response:
        self.counters.users_me += 1
        grant = self.authorize(request)
        if isinstance(grant, web.Response):
            return grant

        body: dict[str, Any]
        if grant.user is not None:
            user = grant.user
            first, _, last = user.name.partition(" ")
            body = {
                "id": user.user_id,
                "name": user.name,
                "firstName": first,
                "lastName": last,
                "email": user.username,
                "role": user.role,
                "status": "active",
                "virtual": False,
            }
        else:
            client = grant.client
            first, _, last = client.name.partition(" ")
            body = {
                "id": client.user_id,
                "name": client.name,
                "firstName": first,
                "lastName": last,
                "email": client.email,
                "role": "mediator",
                "status": "active",
                "virtual": client.virtual,
            }
        body["createdAt"] = body["updatedAt"] = "2019-01-01T00:00:00.000Z"
        return web.json_response(
            body,
            headers={
                "X-OAuth-Bearer-Expiration": _expiry(grant.expires_at - self._clock()),
                "X-OAuth-Bearer-Scope": " ".join(grant.scopes),
            },
        )

    def _unauthorized(self, reason: str) -> web.Response:
        self.counters.unauthorized += 1
        return api_error(
            401,
            f"Unauthorized: {reason}",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )


def _route_of(path: str) -> Route:
    if path == "/oauth/token":
        return "token"
    if path == "/oauth/revoke":
        return "revoke"
    return "api"


def _expiry(seconds_left: float) -> str:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=max(seconds_left, 0.0))
    return when.isoformat()
