"""How much a FRESH ``get_token()`` costs: calls per second, one and many coroutines.

Run: ``.venv/bin/python benchmarks/bench_get_token.py``. It starts an embedded sandbox,
fetches one token, then times the cached path. Report the numbers with the machine.
"""

from __future__ import annotations

import asyncio
import time

from bitcapital_async import TokenManager
from bitcapital_async.sandbox import Sandbox

CALLS = 200_000
COROUTINES = 1_000


async def main() -> None:
    async with (
        Sandbox() as sandbox,
        TokenManager(
            sandbox.token_url, sandbox.client_id, sandbox.client_secret
        ) as tokens,
    ):
        await tokens.get_token()

        began = time.perf_counter()
        for _ in range(CALLS):
            await tokens.get_token()
        single = time.perf_counter() - began

        per_coroutine = CALLS // COROUTINES

        async def worker() -> None:
            for _ in range(per_coroutine):
                await tokens.get_token()

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(COROUTINES)))
        many = time.perf_counter() - began

        print(
            f"one coroutine:   {CALLS / single:>12,.0f} calls/s "
            f"({single / CALLS * 1e6:.2f} µs/call)"
        )
        print(f"{COROUTINES} coroutines: {CALLS / many:>12,.0f} calls/s")
        print(f"token requests:  {sandbox.counters.token_requests} (expected 1)")


if __name__ == "__main__":
    asyncio.run(main())
