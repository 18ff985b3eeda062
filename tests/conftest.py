"""Shared fixtures: a running sandbox and a clock that tests move by hand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bitcapital_async import Bitcapital
from bitcapital_async.sandbox import Sandbox


class FakeClock:
    """A monotonic clock and a sleep that advance only when told to.

    ``sleep`` moves the clock forward by the requested time and yields once to
    the loop, so back-off and Retry-After waits take no real time.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as running:
        yield running


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[Bitcapital]:
    async with Bitcapital(sandbox.url, sandbox.client_id, sandbox.client_secret) as c:
        yield c
