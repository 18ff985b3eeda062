"""The ``bitcapital_sandbox`` pytest fixture: a Bitcapital sandbox in two lines.

Installed with bitcapital-async and loaded by pytest through its ``pytest11``
entry point, in every test run. So this module imports nothing but pytest: the
SDK, aiohttp and the sandbox load only when a test asks for the fixture::

    async def test_root_wallet(bitcapital_sandbox):
        wallet = await bitcapital_sandbox.client.wallets.find_root()
        assert wallet.status == "ready"

It lives outside the ``bitcapital_async`` package because importing any module
of a package runs the package's ``__init__`` first, and that one loads aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bitcapital_async.sandbox import ThreadedSandbox

__all__ = ["bitcapital_sandbox"]


@pytest.fixture
def bitcapital_sandbox() -> Iterator[ThreadedSandbox]:
    """Give a test a fresh sandbox, served from its own thread and event loop.

    ``bitcapital_sandbox.client`` is a ``Bitcapital`` client for the test's
    event loop, whatever its scope, whose token holds every scope;
    ``bitcapital_sandbox.call(fn)`` runs ``fn(sandbox)`` on the sandbox's
    thread to seed or inspect its state. Each test gets its own sandbox, so
    tests do not see each other's wallets and payments.
    """
    from bitcapital_async.sandbox import ThreadedSandbox  # noqa: PLC0415 - see above

    with ThreadedSandbox() as sandbox:
        yield sandbox
