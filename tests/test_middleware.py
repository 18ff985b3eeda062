"""BearerAuth over real loopback HTTP: injection, origins, redirects, 401 recovery."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bitcapital_async import BearerAuth, TokenManager
from bitcapital_async.sandbox import Reply, Sandbox


@pytest.fixture
async def manager(sandbox: Sandbox) -> AsyncIterator[TokenManager]:
    async with TokenManager(
        sandbox.token_url, sandbox.client_id, sandbox.client_secret
    ) as tm:
        yield tm


@pytest.fixture
async def http(manager: TokenManager) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(middlewares=[BearerAuth(manager)]) as session:
        yield session


class Recorder:
    """A server on another port, so another origin, that records what arrives.

    ``/landing`` answers 200; ``/flaky`` answers 401 the first time, then 200.
    """

    def __init__(self) -> None:
        self.seen: list[str | None] = []
        self.bodies: list[bytes] = []
        self.app = web.Application()
        self.app.router.add_route("*", "/landing", self._record)
        self.app.router.add_route("*", "/flaky", self._record)
        self.server = TestServer(self.app, host="127.0.0.1")

    def url(self, path: str = "/") -> str:
        return str(self.server.make_url(path))

    async def _record(self, request: web.Request) -> web.Response:
        self.seen.append(request.headers.get("Authorization"))
        self.bodies.append(await request.read())
        first_flaky = request.path == "/flaky" and len(self.seen) == 1
        return web.Response(status=401 if first_flaky else 200)


@pytest.fixture
async def other_origin() -> AsyncIterator[Recorder]:
    recorder = Recorder()
    async with recorder.server:
        yield recorder


class TestInjection:
    async def test_sets_bearer_for_the_api_origin(self, sandbox, http, manager):
        """A request to the token URL's origin carries the managed token."""
        async with http.get(f"{sandbox.url}/users/me") as response:
            status = response.status

        token = manager.current
        assert status == 200
        assert token is not None
        assert sandbox.is_valid(token.access_token)
        assert sandbox.counters.token_requests == 1

    async def test_200_coroutines_share_one_fetch(self, sandbox, http, manager):
        """200 concurrent requests on an empty cache make exactly 1 token request."""

        async def call() -> int:
            async with http.get(f"{sandbox.url}/users/me") as response:
                return response.status

        statuses = await asyncio.gather(*(call() for _ in range(200)))

        assert statuses == [200] * 200
        assert sandbox.counters.token_requests == 1
        assert sandbox.counters.api_requests == 200
        assert manager.stats.waited == 200

    async def test_leaves_a_caller_authorization_alone(self, sandbox, http):
        """A request with its own Authorization header is sent as the caller set it."""
        headers = {"Authorization": "Bearer caller-own-token"}

        async with http.get(f"{sandbox.url}/users/me", headers=headers) as response:
            status = response.status

        assert status == 401
        assert sandbox.counters.token_requests == 0
        assert sandbox.counters.api_requests == 1

    async def test_no_token_for_another_origin(self, http, other_origin, sandbox):
        """A request to a different origin gets no token and fetches none."""
        async with http.get(other_origin.url("/landing")) as response:
            status = response.status

        assert status == 200
        assert other_origin.seen == [None]
        assert sandbox.counters.token_requests == 0

    async def test_base_url_sets_the_origin(self, sandbox, manager, other_origin):
        """With base_url, the token goes to that origin and not the token URL's."""
        auth = BearerAuth(manager, base_url=other_origin.url())

        async with aiohttp.ClientSession(middlewares=[auth]) as session:
            async with session.get(other_origin.url("/landing")) as response:
                landing = response.status
            async with session.get(f"{sandbox.url}/users/me") as response:
                api = response.status

        assert (landing, api) == (200, 401)
        assert other_origin.seen == [f"Bearer {manager.current.access_token}"]


class TestRedirects:
    async def test_cross_origin_redirect_carries_no_token(
        self, sandbox, http, other_origin
    ):
        """A redirect from the API to another origin never delivers the token."""
        location = other_origin.url("/landing")
        sandbox.faults.script(
            "api", [Reply(status=302, headers={"Location": location})]
        )

        async with http.get(f"{sandbox.url}/users/me") as response:
            status = response.status
            hops = len(response.history)

        assert status == 200
        assert hops == 1
        assert other_origin.seen == [None]

    async def test_same_origin_redirect_keeps_the_token(self, sandbox, http):
        """A redirect within the API's origin is authorized on the next hop too."""
        sandbox.faults.script(
            "api", [Reply(status=307, headers={"Location": "/users/me"})]
        )

        async with http.get(f"{sandbox.url}/somewhere") as response:
            status = response.status

        assert status == 200
        assert sandbox.counters.api_requests == 2
        assert sandbox.counters.unauthorized == 0


class TestUnauthorized:
    async def test_revoked_token_is_refreshed_and_retried(self, sandbox, http, manager):
        """A 401 for a cached, unexpired token: 1 refresh, and the retry succeeds."""
        old = await manager.get_token()
        sandbox.revoke_token(old.access_token)

        async with http.get(f"{sandbox.url}/users/me") as response:
            status = response.status

        new = manager.current
        assert status == 200
        assert new is not None
        assert new.access_token != old.access_token
        assert sandbox.counters.token_requests == 2
        assert sandbox.counters.api_requests == 2
        assert sandbox.counters.revoked_tokens == 1

    async def test_retry_carries_the_new_token(self, sandbox, manager, other_origin):
        """The retried request carries ``Bearer <new token>`` and the same body."""
        first = await manager.get_token()
        auth = BearerAuth(manager, base_url=other_origin.url())

        async with (
            aiohttp.ClientSession(middlewares=[auth]) as session,
            session.post(other_origin.url("/flaky"), data=b'{"a":1}') as response,
        ):
            status = response.status

        second = manager.current
        assert status == 200
        assert second is not None
        assert other_origin.seen == [
            f"Bearer {first.access_token}",
            f"Bearer {second.access_token}",
        ]
        assert first.access_token != second.access_token
        assert other_origin.bodies == [b'{"a":1}', b'{"a":1}']
        assert sandbox.counters.token_requests == 2

    async def test_always_401_gives_up_after_one_retry(self, sandbox, http, manager):
        """An API that always answers 401: exactly 2 calls and 1 extra token request."""
        await manager.get_token()
        sandbox.faults.take_down("api", Reply(status=401, body={"message": "no"}))

        async with http.get(f"{sandbox.url}/users/me") as response:
            status = response.status

        assert status == 401
        assert sandbox.counters.api_requests == 2
        assert sandbox.counters.token_requests == 2

    async def test_one_shot_body_is_not_resent(self, sandbox, http, manager):
        """A 401 to a request whose body cannot be replayed is returned as is."""
        await manager.get_token()
        sandbox.faults.script("api", [Reply(status=401, body={"message": "no"})])

        async def body() -> AsyncIterator[bytes]:
            yield b'{"a": 1}'

        async with http.post(f"{sandbox.url}/users/me", data=body()) as response:
            status = response.status

        assert status == 401
        assert sandbox.counters.api_requests == 1
        assert sandbox.counters.token_requests == 1
