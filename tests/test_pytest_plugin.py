"""The bitcapital_sandbox fixture, as a user's own test suite gets it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

USER_TESTS = """
import asyncio
from decimal import Decimal

import pytest

from bitcapital_async.services import Recipient


@pytest.mark.asyncio
async def test_function_loop(bitcapital_sandbox):
    root = await bitcapital_sandbox.client.wallets.find_root()
    assert root.status == "ready"


@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop(bitcapital_sandbox):
    client = bitcapital_sandbox.client
    user = await client.consumers.create(email="a@example.com", password="pw")
    (wallet,) = await client.users.find_wallets(user.id)
    await client.assets.emit("BRLD", amount="9.99", destination=wallet.id)
    found = await client.wallets.find_one(wallet.id)
    assert found.balances[0].balance == Decimal("9.99")


@pytest.mark.asyncio(loop_scope="session")
async def test_session_loop(bitcapital_sandbox):
    page = await bitcapital_sandbox.client.consumers.find_all()
    assert page.total == 1


@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop_again_sees_a_fresh_sandbox(bitcapital_sandbox):
    page = await bitcapital_sandbox.client.consumers.find_all()
    assert page.total == 1


def test_sync_test_with_asyncio_run(bitcapital_sandbox):
    async def pay():
        client = bitcapital_sandbox.client
        root = await client.wallets.find_root()
        await client.assets.emit("BRLD", amount="3")
        return await client.payments.pay(
            source=root.id, recipients=[Recipient(destination=root.id, amount=1)]
        )

    transaction = asyncio.run(pay())
    assert transaction.payments[0].amount == Decimal(1)
    assert bitcapital_sandbox.call(lambda s: len(s.api.signed_requests)) == 2
"""

INI = """
[pytest]
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


class TestRegistration:
    def test_entry_point(self):
        """pytest finds the plugin through the pytest11 entry point."""
        plugins = {e.name: e.value for e in entry_points(group="pytest11")}

        assert plugins["bitcapital"] == "pytest_bitcapital"

    def test_loading_it_imports_nothing_heavy(self):
        """Importing the plugin loads neither the SDK nor aiohttp."""
        code = (
            "import sys, pytest_bitcapital\n"
            "print(sorted(m for m in sys.modules"
            " if m.split('.')[0] in"
            " {'aiohttp', 'bitcapital_async', 'attrs', 'cattrs'}))"
        )

        result = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )

        assert result.stdout.strip() == "[]"


class TestFixture:
    def test_works_on_every_loop_scope(self, tmp_path):
        """A user's suite passes on function, module and session loops, and on none."""
        (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TESTS))
        (tmp_path / "pytest.ini").write_text(INI)

        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        assert result.returncode == 0, result.stdout + result.stderr
        assert "5 passed" in result.stdout
