"""The token lifecycle under load while the sandbox misbehaves on purpose.

Hundreds of coroutines make API requests through the client while the sandbox's
token endpoint is down, slow or flapping. The verdict comes from counters (the
manager's ``stats`` and the sandbox's own), never from wall-clock timings.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bitcapital_async import Bitcapital, OAuthError
from bitcapital_async.sandbox import Reply, Sandbox

LIFETIME = 600
MARGIN = 120

# Hundreds of coroutines share this many connections; more concurrent connects
# than the server's listen backlog (128) would cost a 1 s SYN retransmit.
CONNECTIONS = 100


@pytest.fixture
async def sandbox(clock):
    async with Sandbox(clock=clock, token_lifetime=LIFETIME) as running:
        yield running


@pytest.fixture
async def client(sandbox, clock):
    async with Bitcapital(
        sandbox.url,
        sandbox.client_id,
        sandbox.client_secret,
        refresh_margin=MARGIN,
        connection_limit=CONNECTIONS,
        clock=clock,
        sleep=clock.sleep,
    ) as running:
        yield running


async def wave(client: Bitcapital, size: int) -> list[Any]:
    """``size`` concurrent API requests; their results or exceptions."""
    return await asyncio.gather(
        *(client.request("GET", "/users/me") for _ in range(size)),
        return_exceptions=True,
    )


def failures(results: list[Any]) -> list[BaseException]:
    """The exceptions among a wave's results."""
    return [r for r in results if isinstance(r, BaseException)]


async def settle(client: Bitcapital) -> None:
    """Wait until the token manager's background work is done."""
    while tasks := [t for t in client.tokens._tasks if not t.done()]:
        await asyncio.wait(tasks)


class TestTokenEndpointDown:
    """The token endpoint stops answering."""

    async def test_outage_longer_than_margin_while_token_valid(
        self, sandbox, client, clock, caplog
    ):
        """Down for 580 s (margin 120 s), token valid: no failure, no wait."""
        await client.request("GET", "/users/me")
        start = clock()
        sandbox.faults.take_down("token")

        clock.advance(LIFETIME - MARGIN - 40)
        results = []
        with caplog.at_level(logging.WARNING, logger="bitcapital_async"):
            while clock() - start < LIFETIME - 20:
                clock.advance(20)
                results += await wave(client, 200)
                await settle(client)

        stats = client.tokens.stats
        assert len(results) >= 200 * 7
        assert failures(results) == []
        assert stats.waited == 1
        assert stats.failures >= 3
        assert stats.refreshes == 1
        assert sandbox.counters.unauthorized == 0
        assert sandbox.counters.token_requests == 1 + stats.fetches - 1
        assert [r.levelname for r in caplog.records] == ["WARNING"]

    async def test_recovery_after_an_outage_within_validity(
        self, sandbox, client, clock
    ):
        """Once the endpoint is back, a background refresh replaces the token."""
        await client.request("GET", "/users/me")
        old = client.tokens.current
        sandbox.faults.take_down("token")
        clock.advance(LIFETIME - 60)
        down = await wave(client, 200)
        await settle(client)

        sandbox.faults.restore("token")
        back = []
        while client.tokens.stats.refreshes == 1:
            clock.advance(5)
            back += await wave(client, 100)
            await settle(client)
        back += await wave(client, 100)

        assert failures(down) == failures(back) == []
        assert client.tokens.stats.waited == 1
        assert client.tokens.current != old
        assert clock() - 1000 < LIFETIME

    @pytest.mark.parametrize(
        "outage",
        [
            Reply(status=503, body={"error": "temporarily_unavailable"}),
            Reply(
                status=502, body="<html>Bad Gateway</html>", content_type="text/html"
            ),
        ],
        ids=["503-json", "502-html"],
    )
    async def test_outage_past_expiry_then_recovery(
        self, sandbox, client, clock, outage
    ):
        """Down past expiry: clear OAuthErrors, one fetch per wave, then recovery."""
        await client.request("GET", "/users/me")
        sandbox.faults.take_down("token", outage)
        clock.advance(LIFETIME)

        first = await wave(client, 200)
        second = await wave(client, 200)
        sandbox.faults.restore("token")
        recovered = await wave(client, 200)

        errors = failures(first) + failures(second)
        assert len(errors) == 400
        assert all(isinstance(e, OAuthError) for e in errors)
        assert {(e.status, e.retryable) for e in errors} == {(outage.status, True)}
        assert failures(recovered) == []
        # One refresh of four attempts per wave, one fetch to recover.
        assert sandbox.counters.token_requests == 1 + 4 + 4 + 1
        assert sandbox.counters.api_requests == 1 + 200
        assert client.tokens.stats.refreshes == 2


class TestSlowTokenEndpoint:
    """The token endpoint answers, but takes seconds."""

    async def test_no_waits_while_token_valid(self, sandbox, client, clock):
        """A 1 s token endpoint delays no request while the token is valid."""
        await client.request("GET", "/users/me")
        old = client.tokens.current
        sandbox.faults.latency["token"] = 1.0
        clock.advance(LIFETIME - MARGIN + 10)

        results = []
        while client.tokens.stats.refreshes == 1:
            results += await wave(client, 100)
            clock.advance(1)
            await asyncio.sleep(0.1)

        stats = client.tokens.stats
        assert len(results) >= 500
        assert failures(results) == []
        assert stats.waited == 1
        assert stats.background_refreshes == 1
        assert sandbox.counters.token_requests == 2
        assert client.tokens.current != old


class TestFlappingTokenEndpoint:
    """The token endpoint fails a few times, then answers."""

    async def test_cold_start_through_503_and_429(self, sandbox, client, clock):
        """300 cold callers through ``[503, 429 Retry-After: 2, 200]``: 3 fetches."""
        sandbox.faults.script(
            "token",
            [
                Reply(status=503, body={"error": "temporarily_unavailable"}),
                Reply(status=429, body="slow down", headers={"Retry-After": "2"}),
                None,
            ],
        )

        results = await wave(client, 300)

        assert failures(results) == []
        assert sandbox.counters.token_requests == 3
        assert sandbox.counters.api_requests == 300
        assert client.tokens.stats.waited == 300
        assert client.tokens.stats.retries == 2
        assert clock.slept[1] == 2.0


class TestRevokedUnderLoad:
    """The server revokes the token while requests are in flight."""

    async def test_revocation_costs_one_fetch(self, sandbox, client):
        """300 requests on a revoked token: one token fetch, no failure."""
        await client.request("GET", "/users/me")
        current = client.tokens.current
        assert current is not None
        sandbox.revoke_token(current.access_token)

        results = await wave(client, 300)

        assert failures(results) == []
        assert sandbox.counters.token_requests == 2
        assert sandbox.counters.revoked_tokens == 300
        assert sandbox.counters.api_requests == 1 + 300 + 300
