"""End to end over real time: load across token lifetimes, and cancelled callers."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bitcapital_async import Bitcapital, BitcapitalError, TokenManager
from bitcapital_async.sandbox import Sandbox, ThreadedSandbox


class TestAcrossLifetimes:
    async def test_tokens_are_renewed_before_they_expire(self):
        """Under load over ~4 lifetimes, each token is replaced before it expires."""
        async with (
            Sandbox(token_lifetime=0.8) as sandbox,
            Bitcapital(sandbox.url, sandbox.client_id, sandbox.client_secret) as client,
        ):
            deadline = time.monotonic() + 3.2

            async def worker() -> int:
                done = 0
                while time.monotonic() < deadline:
                    await client.request("GET", "/users/me")
                    done += 1
                return done

            done = await asyncio.gather(*(worker() for _ in range(50)))

        issued = sandbox.issued
        assert sum(done) == sandbox.counters.api_requests
        assert sandbox.counters.expired_tokens == 0
        assert sandbox.counters.unauthorized == 0
        assert 4 <= len(issued) <= 9
        for old, new in itertools.pairwise(issued):
            assert new.issued_at < old.expires_at
        assert client.tokens.stats.waited == 50
        assert client.tokens.stats.background_refreshes == len(issued) - 1


class TestCancellation:
    async def test_cancelled_caller_does_not_kill_the_fetch(self):
        """A caller cancelled during the first fetch leaves the others their token."""
        async with (
            Sandbox() as sandbox,
            Bitcapital(sandbox.url, sandbox.client_id, sandbox.client_secret) as client,
        ):
            sandbox.faults.latency["token"] = 0.3
            callers = [asyncio.create_task(client.users.me()) for _ in range(10)]
            await asyncio.sleep(0.1)

            callers[0].cancel()
            results = await asyncio.gather(*callers, return_exceptions=True)

        assert isinstance(results[0], asyncio.CancelledError)
        assert [type(r).__name__ for r in results[1:]] == ["User"] * 9
        assert sandbox.counters.token_requests == 1

    async def test_timed_out_caller_does_not_kill_the_fetch(self):
        """A caller's timeout during the first fetch leaves the fetch running."""
        async with (
            Sandbox() as sandbox,
            Bitcapital(
                sandbox.url, sandbox.client_id, sandbox.client_secret, timeout=0.1
            ) as client,
        ):
            sandbox.faults.latency["token"] = 0.3

            first = await asyncio.gather(client.users.me(), return_exceptions=True)
            token = await client.tokens.get_token()

        assert type(first[0]).__name__ == "RequestTimeout"
        assert isinstance(first[0], TimeoutError)
        assert sandbox.is_valid(token.access_token)
        assert sandbox.counters.token_requests == 1

    async def test_aclose_during_a_fetch_is_a_clear_error(self):
        """A caller waiting when aclose() cancels the fetch gets a BitcapitalError."""
        async with Sandbox() as sandbox:
            sandbox.faults.latency["token"] = 0.3
            tokens = TokenManager(
                sandbox.token_url, sandbox.client_id, sandbox.client_secret
            )
            waiter = asyncio.create_task(tokens.get_token())
            await asyncio.sleep(0.1)

            await tokens.aclose()

            with pytest.raises(BitcapitalError) as info:
                await waiter
        assert str(info.value) == "the token manager was closed during the fetch"


class TestEventLoops:
    def test_one_client_across_asyncio_runs(self):
        """One client object serves successive asyncio.run() calls, one token each."""
        with ThreadedSandbox() as threaded:
            client = Bitcapital(
                threaded.url, threaded.client_id, threaded.client_secret
            )

            async def use() -> str | None:
                async with client:
                    return (await client.users.me()).id

            first = asyncio.run(use())
            second = asyncio.run(use())

            assert first == second == threaded.sandbox.clients["demo-client"].user_id
            assert threaded.sandbox.counters.token_requests == 1
