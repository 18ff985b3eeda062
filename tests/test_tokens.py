"""The token manager: states, single flight, damping, retries, loops, secrets."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import sys
import textwrap
import threading
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bitcapital_async import (
    APIError,
    BearerAuth,
    Bitcapital,
    BitcapitalError,
    InvalidClient,
    OAuthCredentials,
    OAuthError,
    TokenEndpointTimeout,
    TokenManager,
    TokenStats,
)
from bitcapital_async.sandbox import Reply, Sandbox

CLIENT_ID = "client"
CLIENT_SECRET = "client-secret-1"

Answer = Callable[[], web.StreamResponse]


def json_answer(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Answer:
    """A scripted answer with a JSON body."""
    return lambda: web.json_response(body, status=status, headers=headers)


def token_answer(access_token: str, **fields: Any) -> Answer:
    """A scripted token response."""
    return json_answer({"access_token": access_token, "token_type": "bearer", **fields})


UNAVAILABLE = json_answer({"error": "temporarily_unavailable"}, status=503)


class TokenServer:
    """A token endpoint and a bearer-protected API on loopback, scripted per test.

    Unscripted token requests get a new token ``T1``, ``T2``, … that lives
    ``lifetime`` seconds. Each request is recorded with the fake time it arrived.
    """

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.lifetime: Any = 3600
        self.script: collections.deque[Answer | None] = collections.deque()
        self.down: Answer | None = None
        self.issue: Answer = self._new_token
        self.delay = 0.0
        self.gate: asyncio.Event | None = None
        self.arrived = asyncio.Event()
        self.times: list[float] = []
        self.forms: list[dict[str, str]] = []
        self.rejected: set[str] = set()
        self.api_headers: list[str] = []
        self.issued = 0
        self.url = ""
        self.app = web.Application()
        self.app.router.add_post("/token", self._token)
        self.app.router.add_get("/api", self._api)

    @property
    def api_url(self) -> str:
        """The protected API's URL."""
        return self.url.removesuffix("/token") + "/api"

    @property
    def calls(self) -> int:
        """Requests that reached the token endpoint."""
        return len(self.times)

    def release(self) -> None:
        """Let every request held at the gate through."""
        if self.gate is not None:
            self.gate.set()

    def _new_token(self) -> web.StreamResponse:
        self.issued += 1
        return token_answer(f"T{self.issued}", expires_in=self.lifetime)()

    async def _token(self, request: web.Request) -> web.StreamResponse:
        self.times.append(self.clock())
        self.arrived.set()
        self.forms.append(dict(await request.post()))
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)

        if self.down is not None:
            return self.down()
        answer = self.script.popleft() if self.script else None
        return (answer or self.issue)()

    async def _api(self, request: web.Request) -> web.StreamResponse:
        header = request.headers.get("Authorization", "")
        self.api_headers.append(header)
        if not header.startswith("Bearer ") or header[7:] in self.rejected:
            return web.json_response({"message": "Unauthorized"}, status=401)
        return web.json_response({"ok": True})


@pytest.fixture
async def server(clock) -> AsyncIterator[TokenServer]:
    token_server = TokenServer(clock)
    async with TestServer(token_server.app) as test_server:
        token_server.url = str(test_server.make_url("/token"))
        yield token_server
        token_server.release()


@pytest.fixture
async def make_manager(server, clock) -> AsyncIterator[Callable[..., TokenManager]]:
    managers: list[TokenManager] = []

    def make(**options: Any) -> TokenManager:
        options.setdefault("clock", clock)
        options.setdefault("sleep", clock.sleep)
        manager = TokenManager(server.url, CLIENT_ID, CLIENT_SECRET, **options)
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        await manager.aclose()


async def settle(manager: TokenManager) -> None:
    """Wait until the manager's background work is done."""
    while tasks := [task for task in manager._tasks if not task.done()]:
        await asyncio.wait(tasks)


async def tokens_of(manager: TokenManager, n: int) -> list[str]:
    """The access tokens ``n`` concurrent ``get_token`` calls return."""
    results = await asyncio.gather(*(manager.get_token() for _ in range(n)))
    return [credentials.access_token for credentials in results]


class TestSingleFlight:
    """Concurrent callers share one fetch."""

    async def test_hundreds_of_callers_one_fetch(self, server, make_manager):
        """Case 1: 100 callers, then 100 more during and after a 200 ms fetch."""
        server.delay = 0.2
        manager = make_manager()

        first = asyncio.gather(*(manager.get_token() for _ in range(100)))
        await asyncio.sleep(0.1)
        second = asyncio.gather(*(manager.get_token() for _ in range(100)))
        waiting = await first + await second
        cached = await tokens_of(manager, 100)

        assert server.calls == 1
        assert {c.access_token for c in waiting} | set(cached) == {"T1"}
        assert manager.stats.waited == 200
        assert manager.stats.fetches == 1

    async def test_fresh_token_is_served_from_cache(self, server, make_manager, clock):
        """A FRESH token is returned without asking the token endpoint."""
        manager = make_manager(refresh_margin=60)
        await manager.get_token()

        clock.advance(3600 - 60 - 1)
        tokens = await tokens_of(manager, 10)

        assert tokens == ["T1"] * 10
        assert server.calls == 1
        assert manager.stats.background_refreshes == 0


class TestStates:
    """FRESH, STALE and EXPIRED decide who waits."""

    async def test_stale_serves_cached_and_refreshes_once(
        self, server, make_manager, clock
    ):
        """In STALE every caller gets the cached token at once; one refresh runs."""
        manager = make_manager(refresh_margin=60)
        await manager.get_token()
        server.gate = asyncio.Event()

        clock.advance(3600 - 30)
        during = await tokens_of(manager, 50)
        server.release()
        await settle(manager)
        after = await manager.get_token()

        assert during == ["T1"] * 50
        assert after.access_token == "T2"
        assert server.calls == 2
        assert manager.stats.background_refreshes == 1
        assert manager.stats.waited == 1

    async def test_expired_callers_wait_for_one_fetch(
        self, server, make_manager, clock
    ):
        """In EXPIRED every caller waits for the same single fetch."""
        manager = make_manager()
        await manager.get_token()

        clock.advance(3600)
        tokens = await tokens_of(manager, 20)

        assert tokens == ["T2"] * 20
        assert server.calls == 2
        assert manager.stats.waited == 21

    async def test_state_shows_in_repr(self, server, make_manager, clock):
        """The repr names the state and nothing secret."""
        manager = make_manager(refresh_margin=60)
        empty = repr(manager)
        await manager.get_token()
        fresh = repr(manager)
        clock.advance(3600 - 30)
        stale = repr(manager)
        clock.advance(30)

        assert empty == (
            f"TokenManager(token_url={server.url!r}, client_id='client', "
            "scope=(), state='empty')"
        )
        assert fresh.endswith("state='fresh')")
        assert stale.endswith("state='stale')")
        assert repr(manager).endswith("state='expired')")

    async def test_reissued_same_token_is_damped(self, server, make_manager, clock):
        """Case 2: the same token re-issued with its remaining lifetime, margin 300."""
        start = clock()

        def same_token() -> web.StreamResponse:
            return token_answer("SAME", expires_in=start + 200 - clock())()

        server.issue = same_token
        manager = make_manager(refresh_margin=300)

        for _ in range(1000):
            assert (await manager.get_token()).access_token == "SAME"
            await settle(manager)
            clock.advance(0.06)

        # The issue allows up to 3 calls; the margin, clamped to half the
        # 200 s lifetime, is not reached within 60 s.
        assert server.calls == 1
        assert manager.stats.waited == 1

    async def test_reissued_same_token_is_damped_to_expiry(
        self, server, make_manager, clock
    ):
        """Case 2 run to expiry: refreshes of the same token are 30 s apart or more."""
        start = clock()

        def same_token() -> web.StreamResponse:
            return token_answer("SAME", expires_in=start + 200 - clock())()

        server.issue = same_token
        manager = make_manager(refresh_margin=300)

        for _ in range(796):
            assert (await manager.get_token()).access_token == "SAME"
            await settle(manager)
            clock.advance(0.25)

        # Undamped, the halving margin would ask at 175, 187.5, 193.75, ...
        assert [t - start for t in server.times] == [0, 100, 150, 180]
        assert manager.stats.waited == 1

    async def test_short_lifetime_short_margin(self, server, make_manager, clock):
        """Case 3: ``expires_in: 5`` with a 60 s margin, two calls 1 s apart."""
        server.lifetime = 5
        manager = make_manager(refresh_margin=60)

        first = await manager.get_token()
        clock.advance(1)
        second = await manager.get_token()
        await settle(manager)

        assert (first.access_token, second.access_token) == ("T1", "T1")
        assert server.calls == 1
        assert manager.effective_margin(5) == 2.5


class TestTime:
    """A monotonic deadline decides; the wall-clock ``expires_at`` is for display."""

    async def test_expires_at_is_wall_clock(self, make_manager):
        """``expires_at`` is an aware UTC datetime one lifetime after the request."""
        manager = make_manager()
        before = dt.datetime.now(dt.UTC)

        credentials = await manager.get_token()

        after = dt.datetime.now(dt.UTC)
        lifetime = dt.timedelta(seconds=3600)
        assert before + lifetime <= credentials.expires_at <= after + lifetime
        assert credentials.expires_at.tzinfo is dt.UTC

    async def test_only_the_injected_clock_decides(self, make_manager, clock):
        """A token the wall clock deems valid is renewed once the clock says so."""
        manager = make_manager()
        first = await manager.get_token()

        clock.advance(3600)
        renewed = await manager.get_token()

        assert first.expires_at > dt.datetime.now(dt.UTC)
        assert (first.access_token, renewed.access_token) == ("T1", "T2")


class TestLifetime:
    """Odd ``expires_in`` values end in a sane lifetime."""

    @pytest.mark.parametrize("fields", [{}, {"expires_in": None}])
    async def test_absent_lifetime_uses_default(
        self, server, make_manager, caplog, fields
    ):
        """Case 4: absent or null ``expires_in`` means the configured default."""
        server.issue = token_answer("T", **fields)
        manager = make_manager(default_lifetime=900)
        auth = BearerAuth(manager)

        with caplog.at_level(logging.WARNING, logger="bitcapital_async"):
            async with aiohttp.ClientSession(middlewares=[auth]) as http:
                for _ in range(3):
                    async with http.get(server.api_url) as r:
                        assert r.status == 200

        assert server.calls == 1
        assert server.api_headers == ["Bearer T"] * 3
        assert manager.current is not None
        assert manager.current.expires_in == 900
        assert [r.getMessage() for r in caplog.records] == [
            "token response has no usable expires_in; assuming 900 s"
        ]

    async def test_default_lifetime_expires(self, server, make_manager, clock):
        """A token of default lifetime is refetched once that lifetime is over."""
        server.issue = token_answer("T")
        manager = make_manager(default_lifetime=900)
        await manager.get_token()

        clock.advance(900)
        await manager.get_token()

        assert server.calls == 2
        assert manager.stats.waited == 2

    @pytest.mark.parametrize(
        "case",
        [
            ('"3600"', 3600.0),
            ('" 3600 "', 3600.0),
            ('"3600.0"', 3600.0),
            ("3600.9", 3600.9),
            ('"abc"', 900.0),
            ("NaN", 900.0),
            ("Infinity", 900.0),
            ("-Infinity", 900.0),
        ],
        ids=lambda case: case[0],
    )
    async def test_expires_in_shapes(self, server, make_manager, clock, caplog, case):
        """Case 5: odd ``expires_in`` shapes, as Python's json module writes them."""
        raw, lifetime = case
        body = f'{{"access_token": "T", "expires_in": {raw}}}'
        server.issue = lambda: web.Response(text=body, content_type="application/json")
        manager = make_manager(default_lifetime=900)

        with caplog.at_level(logging.WARNING, logger="bitcapital_async"):
            credentials = await manager.get_token()

        assert credentials.expires_in == lifetime
        assert len(caplog.records) == (1 if lifetime == 900.0 else 0)
        clock.advance(lifetime)
        await manager.get_token()
        assert server.calls == 2

    async def test_zero_lifetime_does_not_loop(self, server, make_manager, clock):
        """Case 6: ``expires_in: 0`` lives a second; 10 s of calls stay in dozens."""
        server.lifetime = 0
        manager = make_manager()

        for _ in range(80):
            for _ in range(10):
                credentials = await manager.get_token()
            await settle(manager)
            clock.advance(0.125)

        assert credentials.expires_in == 1.0
        assert server.calls == 20
        assert manager.stats.waited == 1

    async def test_zero_lifetime_same_token(self, server, make_manager, clock):
        """``expires_in: 0`` on a re-issued token is refetched once a second."""
        server.issue = token_answer("SAME", expires_in=0)
        manager = make_manager()

        for _ in range(80):
            for _ in range(10):
                await manager.get_token()
            await settle(manager)
            clock.advance(0.125)

        assert server.calls == 11


class TestSelfRenewal:
    """A minimally configured manager renews itself."""

    async def test_renews_after_expiry(self, clock):
        """Case 13: after expiry the next request fetches a new token by itself."""
        async with (
            Sandbox(clock=clock, token_lifetime=60) as sandbox,
            Bitcapital(
                sandbox.url,
                sandbox.client_id,
                sandbox.client_secret,
                clock=clock,
                sleep=clock.sleep,
            ) as client,
        ):
            before = await client.request("GET", "/users/me")
            first = client.tokens.current
            clock.advance(61)
            after = await client.request("GET", "/users/me")

            assert before == after
            assert sandbox.counters.token_requests == 2
            assert sandbox.counters.unauthorized == 0
            assert client.tokens.current != first

    async def test_bare_manager_renews_after_expiry(self, clock):
        """Case 13, with nothing but URL, id and secret (and the fake clock)."""
        async with Sandbox(clock=clock, token_lifetime=60) as sandbox:
            manager = TokenManager(
                sandbox.token_url,
                sandbox.client_id,
                sandbox.client_secret,
                clock=clock,
                sleep=clock.sleep,
            )
            async with manager:
                first = await manager.get_token()
                clock.advance(61)
                second = await manager.get_token()

            assert sandbox.is_valid(second.access_token)
            assert not sandbox.is_valid(first.access_token)
            assert sandbox.counters.token_requests == 2


class TestUnauthorized:
    """401 handling: invalidate once, damp 401s that are not about the token."""

    async def test_invalidate_drops_current_token(self, make_manager):
        """``invalidate`` drops the current token and the next call refetches."""
        manager = make_manager()
        token = await manager.get_token()

        dropped = await manager.invalidate(token)
        again = await manager.invalidate(token.access_token)
        new = await manager.get_token()

        assert (dropped, again) == (True, True)
        assert new.access_token == "T2"
        assert manager.stats.invalidations == 1

    async def test_401_on_renewed_token_is_damped(self, server, make_manager, clock):
        """A 401 on a token just renewed after a 401 refreshes nothing for 30 s."""
        manager = make_manager(unauthorized_cooldown=30)
        await manager.invalidate(await manager.get_token())
        renewed = await manager.get_token()

        damped = await manager.invalidate(renewed)
        clock.advance(30)
        allowed = await manager.invalidate(renewed)

        assert (damped, allowed) == (False, True)
        assert manager.stats.damped_invalidations == 1
        assert server.calls == 2

    async def test_401_during_background_refresh(self, server, make_manager, clock):
        """A 401 while a background refresh is in flight damps 401s on its token."""
        manager = make_manager(refresh_margin=60)
        first = await manager.get_token()
        server.gate = asyncio.Event()
        server.arrived.clear()
        clock.advance(3600 - 30)
        await manager.get_token()
        await server.arrived.wait()

        dropped = await manager.invalidate(first)
        server.release()
        renewed = await manager.get_token()
        damped = await manager.invalidate(renewed)

        assert (dropped, damped) == (True, False)
        assert renewed.access_token == "T2"
        assert server.calls == 2

    @pytest.fixture
    async def always_401(self, clock) -> AsyncIterator[tuple[Sandbox, Bitcapital]]:
        async with (
            Sandbox(clock=clock) as sandbox,
            Bitcapital(
                sandbox.url,
                sandbox.client_id,
                sandbox.client_secret,
                clock=clock,
                sleep=clock.sleep,
            ) as client,
        ):
            await client.tokens.get_token()
            sandbox.faults.take_down(
                "api", Reply(status=401, body={"message": "[401] Missing scope"})
            )
            yield sandbox, client

    async def test_one_request_on_an_api_that_always_401s(self, always_401):
        """Case 8: one request makes 2 API calls and 1 token call, then 401."""
        sandbox, client = always_401

        with pytest.raises(APIError) as info:
            await client.request("GET", "/users/me")

        assert info.value.status == 401
        assert info.value.message == "Missing scope"
        assert sandbox.counters.api_requests == 2
        assert sandbox.counters.token_requests == 1 + 1

    async def test_concurrent_requests_on_an_api_that_always_401s(self, always_401):
        """Case 8: 10 concurrent requests make at most one token call in all."""
        sandbox, client = always_401

        results = await asyncio.gather(
            *(client.request("GET", "/users/me") for _ in range(10)),
            return_exceptions=True,
        )

        assert [getattr(r, "status", r) for r in results] == [401] * 10
        assert sandbox.counters.token_requests == 1 + 1
        assert sandbox.counters.api_requests == 20

    async def test_spread_requests_on_an_api_that_always_401s(self, always_401, clock):
        """Case 8: 100 requests over 10 s make one token call, not 100."""
        sandbox, client = always_401

        statuses = []
        for _ in range(100):
            with pytest.raises(APIError) as info:
                await client.request("GET", "/users/me")
            statuses.append(info.value.status)
            clock.advance(0.1)

        assert statuses == [401] * 100
        assert sandbox.counters.token_requests == 1 + 1
        assert sandbox.counters.api_requests == 101
        assert client.tokens.stats.damped_invalidations == 99

    async def test_rejected_token_is_replaced_once(self, server, make_manager):
        """Case 9: API rejects T1, accepts T2; 10 concurrent requests, 1 token call."""
        manager = make_manager()
        await manager.get_token()
        server.rejected = {"T1"}
        api = server.api_url

        async with aiohttp.ClientSession(middlewares=[BearerAuth(manager)]) as http:

            async def call() -> int:
                async with http.get(api) as response:
                    return response.status

            statuses = await asyncio.gather(*(call() for _ in range(10)))

        assert statuses == [200] * 10
        assert server.calls == 1 + 1
        assert collections.Counter(server.api_headers) == {
            "Bearer T1": 10,
            "Bearer T2": 10,
        }


class TestRetries:
    """Token-endpoint failures: backoff, Retry-After, typed errors, no retry on no."""

    async def test_retry_after_then_5xx_then_token(self, server, make_manager, clock):
        """Case 12: ``[429 Retry-After: 3, 503, 200]`` to 50 callers."""
        server.script.extend(
            [
                json_answer({}, status=429, headers={"Retry-After": "3"}),
                UNAVAILABLE,
                None,
            ]
        )
        manager = make_manager()

        tokens = await tokens_of(manager, 50)

        assert tokens == ["T1"] * 50
        assert server.calls == 3
        assert server.times[1] - server.times[0] >= 3
        assert clock.slept[0] == 3.0
        assert manager.stats.retries == 2
        assert manager.stats.fetches == 3

    async def test_invalid_client_is_not_retried(self, server, make_manager):
        """Case 12: ``400 invalid_client`` fails at once, without a retry."""
        server.script.append(json_answer({"error": "invalid_client"}, status=400))
        manager = make_manager()

        results = await asyncio.gather(
            *(manager.get_token() for _ in range(50)), return_exceptions=True
        )

        assert {type(r) for r in results} == {InvalidClient}
        assert {r.status for r in results} == {400}
        assert server.calls == 1
        assert manager.stats.retries == 0

    async def test_attempts_are_bounded(self, server, make_manager):
        """A token endpoint that stays down is asked ``max_attempts`` times."""
        server.down = UNAVAILABLE
        manager = make_manager(max_attempts=3)

        with pytest.raises(OAuthError) as info:
            await manager.get_token()

        assert info.value.error == "temporarily_unavailable"
        assert info.value.retryable
        assert server.calls == 3
        assert manager.stats.failures == 1

    async def test_backoff_is_full_jitter_exponential(
        self, server, make_manager, clock
    ):
        """Waits between attempts are within ``[0, 0.5 * 2**n]``."""
        server.down = UNAVAILABLE
        manager = make_manager(max_attempts=4)

        with pytest.raises(OAuthError):
            await manager.get_token()

        assert len(clock.slept) == 3
        assert all(
            0 <= s <= cap for s, cap in zip(clock.slept, [0.5, 1, 2], strict=True)
        )

    async def test_refresh_budget_bounds_the_retries(self, server, make_manager):
        """A refresh gives up once its own time budget would be exceeded."""
        server.down = json_answer({}, status=503, headers={"Retry-After": "2"})
        manager = make_manager(max_attempts=10, refresh_timeout=5)

        with pytest.raises(OAuthError) as info:
            await manager.get_token()

        assert info.value.status == 503
        assert info.value.retry_after == 2.0
        assert [t - server.times[0] for t in server.times] == [0, 2, 4]

    async def test_retry_after_is_capped(self, server, make_manager, clock):
        """A Retry-After of an hour waits at most a minute."""
        server.script.append(
            json_answer({}, status=429, headers={"Retry-After": "3600"})
        )
        manager = make_manager(refresh_timeout=120)

        await manager.get_token()

        assert clock.slept == [60.0]
        assert server.calls == 2

    async def test_cooldown_outlives_a_failed_refresh(
        self, server, make_manager, clock
    ):
        """A Retry-After longer than the refresh budget still holds for later calls."""
        server.script.append(json_answer({}, status=429, headers={"Retry-After": "50"}))
        manager = make_manager(refresh_timeout=30)

        with pytest.raises(OAuthError) as first:
            await manager.get_token()
        with pytest.raises(OAuthError) as during:
            await manager.get_token()
        clock.advance(50)
        token = await manager.get_token()

        assert first.value.status == 429
        assert during.value.status == 429
        assert during.value.retry_after == 50.0
        assert token.access_token == "T1"
        assert server.calls == 2

    async def test_callers_join_the_cooldown(self, server, make_manager, clock):
        """Callers arriving during a back-off wait join it; none hits the endpoint."""
        server.script.extend(
            [json_answer({}, status=429, headers={"Retry-After": "5"}), None]
        )
        release = asyncio.Event()

        async def held_sleep(seconds: float) -> None:
            await release.wait()
            await clock.sleep(seconds)

        manager = make_manager(sleep=held_sleep)

        first = asyncio.ensure_future(manager.get_token())
        await server.arrived.wait()
        await asyncio.sleep(0.05)
        later = [asyncio.ensure_future(manager.get_token()) for _ in range(20)]
        await asyncio.sleep(0.05)
        calls_during_cooldown = server.calls
        release.set()
        tokens = {t.access_token for t in await asyncio.gather(first, *later)}

        assert calls_during_cooldown == 1
        assert tokens == {"T1"}
        assert server.calls == 2


class TestDegrade:
    """A failed refresh with a valid token left is survived quietly."""

    async def test_valid_token_served_through_failures(
        self, server, make_manager, clock, caplog
    ):
        """The old token keeps being served; exactly one WARNING is logged."""
        server.lifetime = 100
        manager = make_manager(refresh_margin=20, max_attempts=1)
        await manager.get_token()
        server.down = UNAVAILABLE

        served = []
        with caplog.at_level(logging.DEBUG, logger="bitcapital_async"):
            for t in (85, 90, 95, 99):
                clock.now = server.times[0] + t
                served.append((await manager.get_token()).access_token)
                await settle(manager)

        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert served == ["T1"] * 4
        assert server.calls == 1 + 3
        assert manager.stats.waited == 1
        assert len(warnings) == 1
        assert warnings[0].name == "bitcapital_async.tokens"
        assert (
            warnings[0]
            .getMessage()
            .startswith(
                "token refresh failed (temporarily_unavailable (HTTP 503)); "
                "the current token stays valid for 15 s"
            )
        )

    async def test_error_only_once_no_valid_token_is_left(
        self, server, make_manager, clock
    ):
        """Callers see the endpoint's error only after the token has expired."""
        server.lifetime = 100
        manager = make_manager(refresh_margin=20, max_attempts=1)
        await manager.get_token()
        server.down = UNAVAILABLE
        clock.advance(99)
        still = await manager.get_token()
        await settle(manager)

        clock.advance(1)
        with pytest.raises(OAuthError) as info:
            await manager.get_token()

        assert still.access_token == "T1"
        assert info.value.status == 503

    async def test_recovery_is_logged_below_warning(
        self, server, make_manager, clock, caplog
    ):
        """The refresh after an outage succeeds and logs no second WARNING."""
        server.lifetime = 100
        manager = make_manager(refresh_margin=20, max_attempts=1)
        await manager.get_token()
        server.down = UNAVAILABLE

        with caplog.at_level(logging.DEBUG, logger="bitcapital_async"):
            clock.advance(85)
            await manager.get_token()
            await settle(manager)
            server.down = None
            clock.advance(10)
            await manager.get_token()
            await settle(manager)

        levels = collections.Counter(r.levelname for r in caplog.records)
        assert manager.current is not None
        assert manager.current.access_token == "T2"
        assert levels["WARNING"] == 1
        assert levels["INFO"] == 1


class TestCancellation:
    """Callers that give up never cancel or poison the shared fetch."""

    async def test_cancelled_waiter_does_not_cancel_fetch(self, server, make_manager):
        """Cancelling the caller that started the fetch leaves it running."""
        server.gate = asyncio.Event()
        manager = make_manager()
        starter = asyncio.ensure_future(manager.get_token())
        other = asyncio.ensure_future(manager.get_token())
        await server.arrived.wait()

        starter.cancel()
        await asyncio.gather(starter, return_exceptions=True)
        server.release()
        token = await other

        assert starter.cancelled()
        assert token.access_token == "T1"
        assert server.calls == 1

    async def test_wait_for_timeout_does_not_cancel_fetch(self, server, make_manager):
        """An ``asyncio.wait_for`` timeout on ``get_token`` leaves the fetch alone."""
        server.gate = asyncio.Event()
        manager = make_manager()

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(manager.get_token(), 0.05)
        server.release()
        token = await manager.get_token()

        assert token.access_token == "T1"
        assert server.calls == 1
        assert manager.stats.failures == 0

    async def test_token_endpoint_timeout(self, server, make_manager):
        """A token endpoint slower than ``request_timeout`` raises a TimeoutError."""
        server.gate = asyncio.Event()
        manager = make_manager(request_timeout=0.1, max_attempts=2)

        with pytest.raises(TimeoutError) as info:
            await manager.get_token()

        assert isinstance(info.value, OAuthError)
        assert isinstance(info.value, TokenEndpointTimeout)
        assert info.value.retryable
        assert str(info.value) == (
            "timeout: no answer from the token endpoint within 0.1 s"
        )
        assert server.calls == 2
        assert manager.stats.retries == 1


class TestConstruction:
    """Options are checked when the manager is made."""

    def test_max_attempts_at_least_one(self):
        """``max_attempts=0`` is refused."""
        with pytest.raises(ValueError, match="max_attempts must be at least 1"):
            TokenManager("http://x/token", "id", "s", max_attempts=0)

    def test_no_loop_needed(self):
        """A manager is made without a running loop, and makes no loop state."""
        manager = TokenManager("http://x/token", "id", "s")

        assert manager._loop is None
        assert manager._fetcher.session is None
        assert manager.current is None


class TestObservability:
    """Counters and the new-token callback."""

    async def test_stats_count_what_happened(self, server, make_manager, clock):
        """Each counter counts its own event."""
        server.script.extend([UNAVAILABLE, None])
        manager = make_manager(refresh_margin=60)
        await manager.get_token()
        clock.advance(3600 - 30)
        await manager.get_token()
        await settle(manager)
        await manager.invalidate(await manager.get_token())
        await manager.get_token()

        stats = manager.stats

        assert stats == TokenStats(
            fetches=4,
            refreshes=3,
            failures=0,
            retries=1,
            background_refreshes=1,
            waited=2,
            invalidations=1,
            damped_invalidations=0,
        )

    @pytest.mark.parametrize("kind", ["sync", "async"])
    async def test_on_token_fires_for_each_new_token(self, make_manager, clock, kind):
        """A sync or async ``on_token`` sees every new token once."""
        seen: list[str] = []

        def remember(credentials: OAuthCredentials) -> None:
            seen.append(credentials.access_token)

        async def remember_later(credentials: OAuthCredentials) -> None:
            remember(credentials)

        manager = make_manager(on_token=remember if kind == "sync" else remember_later)

        await tokens_of(manager, 5)
        clock.advance(3600)
        await tokens_of(manager, 5)

        assert seen == ["T1", "T2"]

    async def test_failing_callback_does_not_fail_the_fetch(self, make_manager, caplog):
        """An ``on_token`` that raises is logged; the caller still gets the token."""

        def broken(credentials: OAuthCredentials) -> None:
            raise RuntimeError("callback bug")

        manager = make_manager(on_token=broken)

        with caplog.at_level(logging.ERROR, logger="bitcapital_async"):
            token = await manager.get_token()

        assert token.access_token == "T1"
        assert [r.getMessage() for r in caplog.records] == ["on_token callback failed"]

    async def test_lifecycle_logs_at_debug(self, make_manager, caplog):
        """A fetch logs one DEBUG line; serving a cached token logs nothing."""
        manager = make_manager(refresh_margin=60)
        caplog.set_level(logging.DEBUG, logger="bitcapital_async")

        await manager.get_token()
        fetched = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
        caplog.clear()
        await tokens_of(manager, 100)

        assert fetched == [
            (
                "bitcapital_async.tokens",
                "DEBUG",
                "new token: lifetime 3600.0 s, refresh in 3540.0 s",
            )
        ]
        assert caplog.records == []


class TestClose:
    """``aclose`` and the manager's own tasks."""

    async def test_aclose_cancels_background_refresh(self, server, make_manager, clock):
        """``aclose`` cancels and awaits the background refresh; the token stays."""
        manager = make_manager(refresh_margin=60)
        await manager.get_token()
        server.gate = asyncio.Event()
        server.arrived.clear()
        clock.advance(3600 - 30)
        await manager.get_token()
        (task,) = manager._tasks
        await server.arrived.wait()

        await manager.aclose()

        assert task.cancelled()
        assert manager._tasks == set()
        assert manager.current is not None
        assert manager.current.access_token == "T1"

    async def test_works_again_after_aclose(self, make_manager, clock):
        """A closed manager opens a new session on the next fetch."""
        manager = make_manager()
        await manager.get_token()
        await manager.aclose()

        clock.advance(3600)
        token = await manager.get_token()

        assert token.access_token == "T2"

    async def test_background_task_is_strongly_referenced(self, make_manager, clock):
        """The manager holds its background refresh task until it is done."""
        manager = make_manager(refresh_margin=60)
        await manager.get_token()
        clock.advance(3600 - 30)

        await manager.get_token()
        held = set(manager._tasks)
        await settle(manager)

        assert len(held) == 1
        assert manager._tasks == set()


class TestRevoke:
    """RFC 7009 revocation of the current token."""

    async def test_revoke_current_token(self, clock):
        """``revoke`` revokes the token at the server and forgets it here."""
        async with Sandbox(clock=clock) as sandbox:
            manager = TokenManager(
                sandbox.token_url,
                sandbox.client_id,
                sandbox.client_secret,
                revocation_url=f"{sandbox.url}/oauth/revoke",
                clock=clock,
                sleep=clock.sleep,
            )
            async with manager:
                token = await manager.get_token()
                await manager.revoke()
                forgotten = manager.current
                await manager.revoke()

            assert forgotten is None
            assert not sandbox.is_valid(token.access_token)
            assert sandbox.counters.revocations == 1

    async def test_revoke_another_token(self, clock):
        """Revoking a token that is not the current one keeps the current one."""
        async with Sandbox(clock=clock) as sandbox:
            manager = TokenManager(
                sandbox.token_url,
                sandbox.client_id,
                sandbox.client_secret,
                revocation_url=f"{sandbox.url}/oauth/revoke",
                clock=clock,
                sleep=clock.sleep,
            )
            async with manager:
                current = await manager.get_token()
                await manager.revoke(
                    "other",
                    token_type_hint=None,
                    extra_params={"accessToken": "other"},
                )

            assert manager.current == current
            assert sandbox.is_valid(current.access_token)
            assert sandbox.counters.revocations == 1

    async def test_revoke_without_url(self, make_manager):
        """``revoke`` without a ``revocation_url`` is an error."""
        manager = make_manager()

        with pytest.raises(BitcapitalError, match="no revocation_url") as info:
            await manager.revoke("T")

        assert not isinstance(info.value, OAuthError)

    async def test_revoke_refused(self, clock):
        """A refused revocation raises the typed error and still forgets the token."""
        async with Sandbox(clock=clock) as sandbox:
            sandbox.faults.script(
                "revoke", [Reply(status=401, body={"error": "invalid_client"})]
            )
            manager = TokenManager(
                sandbox.token_url,
                sandbox.client_id,
                sandbox.client_secret,
                revocation_url=f"{sandbox.url}/oauth/revoke",
                clock=clock,
                sleep=clock.sleep,
            )
            async with manager:
                await manager.get_token()
                with pytest.raises(InvalidClient):
                    await manager.revoke()

            assert manager.current is None


SECRET = "SEKRET-123"
ACCESS_TOKEN = "AT-XYZ"


class TestSecrets:
    """Case 10: the secret and the tokens appear nowhere."""

    @staticmethod
    def _exposed_texts(exc: BaseException) -> Iterator[str]:
        seen: set[int] = set()
        todo: list[BaseException | None] = [exc]
        while todo:
            current = todo.pop()
            if current is None or id(current) in seen:
                continue
            seen.add(id(current))
            yield repr(current)
            yield str(current)
            yield repr(current.args)
            yield repr(vars(current))
            todo += [current.__cause__, current.__context__]
        yield "".join(traceback.format_exception(exc))

    @pytest.mark.parametrize("lost", ["expired", "refused"])
    async def test_secrets_never_exposed(self, server, clock, caplog, lost):
        """Nothing shows ``SEKRET-123`` or ``AT-XYZ``, even when the server echoes."""
        server.script.extend(
            [
                token_answer(ACCESS_TOKEN, expires_in=60),
                json_answer(
                    {
                        "error": "invalid_client",
                        "error_description": (
                            f"bad secret {SECRET} for token {ACCESS_TOKEN}"
                        ),
                    },
                    status=400,
                ),
            ]
        )
        manager = TokenManager(
            server.url, CLIENT_ID, SECRET, clock=clock, sleep=clock.sleep
        )
        caplog.set_level(logging.DEBUG)

        token = await manager.get_token()
        if lost == "expired":
            clock.advance(60)
        else:
            await manager.invalidate(token)
        with pytest.raises(InvalidClient) as info:
            await manager.get_token()
        await manager.aclose()

        texts = [
            caplog.text,
            *(r.getMessage() for r in caplog.records),
            repr(manager),
            str(manager),
            repr(manager.stats),
            repr(manager._endpoint),
            repr(token),
            str(token),
            *self._exposed_texts(info.value),
        ]
        assert info.value.description == ("bad secret [REDACTED] for token [REDACTED]")
        assert any("new token" in r.getMessage() for r in caplog.records)
        for text in texts:
            assert SECRET not in text
            assert ACCESS_TOKEN not in text


LOOPS_SCRIPT = textwrap.dedent(
    """
    import asyncio
    import sys

    from bitcapital_async import TokenManager

    now = [0.0]
    manager = TokenManager(
        sys.argv[1], "client", "secret", refresh_margin=60, clock=lambda: now[0]
    )

    async def token():
        return (await manager.get_token()).access_token

    async def leave_refresh_in_flight():
        now[0] = 3600 - 30
        stale = await token()
        await asyncio.sleep(0.05)
        return stale

    async def finish_refresh():
        stale = await token()
        while manager._tasks:
            await asyncio.sleep(0.01)
        return stale + "/" + await token()

    async def refetch():
        await manager.clear()
        return await token()

    results = [asyncio.run(token()), asyncio.run(token())]
    results.append(asyncio.run(leave_refresh_in_flight()))
    results.append(asyncio.run(finish_refresh()))
    results.append(asyncio.run(refetch()))
    asyncio.run(manager.aclose())
    print(" ".join(results))
    """
)

FORK_SCRIPT = textwrap.dedent(
    """
    import asyncio
    import os
    import sys
    import threading

    from bitcapital_async import TokenManager

    manager = TokenManager(sys.argv[1], "client", "secret")

    async def token():
        return (await manager.get_token()).access_token

    async def child_after_idle_fork(parent_token):
        cached = await manager.get_token()
        await manager.invalidate(cached)
        fresh = await manager.get_token()
        await manager.aclose()
        return cached.access_token == parent_token and fresh.access_token

    def run_child(main):
        try:
            result = main()
            print("child", result, flush=True)
            os._exit(0 if result else 1)
        except BaseException as exc:
            print("child failed:", repr(exc), flush=True)
            os._exit(1)

    def wait_child(pid):
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    # 1. Fork between two asyncio.run calls.
    parent = asyncio.run(token())
    pid = os.fork()
    if pid == 0:
        run_child(lambda: asyncio.run(child_after_idle_fork(parent)))
    print("idle", wait_child(pid), flush=True)

    # 2. Fork while the parent's loop runs and a fetch is in flight.
    async def fork_mid_fetch():
        await manager.clear()
        fetch = asyncio.ensure_future(manager.get_token())
        await asyncio.sleep(0.1)
        pid = os.fork()
        if pid == 0:
            results = []
            worker = threading.Thread(
                target=lambda: results.append(asyncio.run(token()))
            )
            worker.start()
            worker.join()
            run_child(lambda: results and results[0])
        credentials = await fetch
        return credentials.access_token, pid

    inflight, pid = asyncio.run(fork_mid_fetch())
    print("inflight", inflight, wait_child(pid), flush=True)
    print("parent", asyncio.run(token()), flush=True)
    asyncio.run(manager.aclose())
    """
)


async def run_script(script: str, *args: str) -> tuple[int, str, str]:
    """Run a Python script in a fresh interpreter; its exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.fixture
def threaded_sandbox() -> Iterator[Sandbox]:
    """A sandbox serving from its own thread and loop, for tests without a loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    sandbox = Sandbox()
    asyncio.run_coroutine_threadsafe(sandbox.start(), loop).result(5)
    yield sandbox
    asyncio.run_coroutine_threadsafe(sandbox.stop(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


class TestLoopsAndProcesses:
    """Import-time managers, successive ``asyncio.run`` and ``os.fork``."""

    def test_successive_asyncio_runs(self, threaded_sandbox):
        """One manager serves three ``asyncio.run`` calls, each on its own loop."""
        sandbox = threaded_sandbox
        manager = TokenManager(
            sandbox.token_url, sandbox.client_id, sandbox.client_secret
        )

        async def token() -> str:
            return (await manager.get_token()).access_token

        async def refetch() -> str:
            await manager.clear()
            return await token()

        first = asyncio.run(token())
        cached = asyncio.run(token())
        fresh = asyncio.run(refetch())
        asyncio.run(manager.aclose())

        assert first == cached != fresh
        assert sandbox.counters.token_requests == 2
        assert sandbox.is_valid(fresh)

    async def test_import_time_manager_across_asyncio_runs(self, server):
        """A manager made with no loop works across five ``asyncio.run`` calls."""
        server.delay = 0.1

        code, out, err = await run_script(LOOPS_SCRIPT, server.url)

        assert (code, err) == (0, "")
        # The background refresh started in run 3 dies with its loop; run 4
        # starts another one in its own loop, and run 5 fetches afresh.
        assert out.split() == ["T1", "T1", "T1", "T1/T2", "T3"]
        assert server.calls == 4

    @pytest.mark.skipif(sys.platform == "win32", reason="os.fork is POSIX")
    async def test_fork_does_not_share_state(self, server):
        """A forked child fetches with its own loop, session and single flight."""
        server.delay = 0.2

        code, out, err = await run_script(FORK_SCRIPT, server.url)

        assert (code, err) == (0, ""), out
        assert out.splitlines() == [
            "child T2",
            "idle 0",
            "child T4",
            "inflight T3 0",
            "parent T3",
        ]
        assert server.calls == 4
