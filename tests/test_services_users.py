"""Users, mediators and the status endpoint against the sandbox over real HTTP."""

from __future__ import annotations

import pytest

from bitcapital_async import APIError
from bitcapital_async.models import StatusResponse, UserRole, UserStatus
from bitcapital_async.sandbox import DEMO_USERNAME


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


class TestUsers:
    async def test_me_is_the_clients_user(self, api, bitcapital_sandbox):
        """/users/me answers for the client's own (mediator) user."""
        me = await api.users.me()

        client = bitcapital_sandbox.sandbox.clients["demo-client"]
        assert (me.id, me.role) == (client.user_id, UserRole.MEDIATOR)

    async def test_find_one_of_a_seeded_user(self, api, bitcapital_sandbox):
        """The sandbox's password user is also a consumer record."""
        demo = bitcapital_sandbox.sandbox.users[DEMO_USERNAME]

        user = await api.users.find_one(demo.user_id)

        assert (user.email, user.name, user.role) == (
            DEMO_USERNAME,
            "Ana Lima",
            UserRole.CONSUMER,
        )
        assert user.password is None
        assert user.domain.name == "Sandbox"

    async def test_create_update_delete(self, api):
        """A user is created with a role, renamed, and deleted."""
        created = await api.users.create(
            email="op@example.com",
            role=UserRole.OPERATOR,
            password="secret-pw",
            first_name="Olga",
            last_name="Pires",
        )
        updated = await api.users.update(created.id, last_name="Prado")
        await api.users.delete(created.id)

        assert (created.name, created.status) == ("Olga Pires", UserStatus.ACTIVE)
        assert updated.name == "Olga Prado"
        with pytest.raises(APIError) as info:
            await api.users.find_one(created.id)
        assert info.value.message == f"User not found: {created.id}"

    async def test_find_all_by_role_and_iter(self, api):
        """Users are listed per role, a page at a time."""
        for index in range(3):
            await api.users.create(email=f"audit{index}@example.com", role="audit")

        page = await api.users.find_all_by_role("audit", skip=1, limit=1)
        emails = [u.email async for u in api.users.iter_all_by_role("audit")]

        assert ([u.email for u in page], page.total) == (["audit1@example.com"], 3)
        assert emails == [f"audit{index}@example.com" for index in range(3)]

    async def test_find_wallets(self, api):
        """A consumer's wallet is listed under its user."""
        user = await api.consumers.create(email="w@example.com", password="pw")

        wallets = await api.users.find_wallets(user.id)

        assert [w.user for w in wallets] == [user.id]

    async def test_reset_then_set_password(self, api, bitcapital_sandbox):
        """The reset token issued for an e-mail sets a new password once."""
        user = await api.users.create(email="forgot@example.com", role="operator")

        await api.users.reset("forgot@example.com")
        (token,) = bitcapital_sandbox.call(lambda s: list(s.api.people.reset_tokens))
        await api.users.set_password(token, "new-password")

        assert bitcapital_sandbox.call(lambda s: s.api.people.passwords[user.id]) == (
            "new-password"
        )
        with pytest.raises(APIError) as info:
            await api.users.set_password(token, "again")
        assert (info.value.status, info.value.message) == (
            400,
            "invalid or used reset token",
        )

    async def test_reset_of_an_unknown_email_looks_the_same(self, api):
        """Resetting an unknown address succeeds, so addresses cannot be probed."""
        await api.users.reset("nobody@example.com")


class TestMediators:
    async def test_create(self, api):
        """A mediator is a user with the mediator role and a wallet."""
        mediator = await api.mediators.create(
            email="m@example.com", password="pw", name="Maria Mediadora"
        )

        assert (mediator.role, mediator.name) == (UserRole.MEDIATOR, "Maria Mediadora")
        assert len(await api.users.find_wallets(mediator.id)) == 1


class TestStatus:
    async def test_status(self, api):
        """client.status() reports the server's name and environment."""
        status = await api.status()

        assert isinstance(status, StatusResponse)
        assert (status.name, status.env) == ("bitcapital-sandbox", "sandbox")
