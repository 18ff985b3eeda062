"""Domains, their metrics and products against the sandbox over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bitcapital_async import APIError
from bitcapital_async.models import DomainRole, DomainSettings, UserRole
from bitcapital_async.services import Recipient


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


class TestDomains:
    async def test_find_root(self, api):
        """The instance's own domain is the root one."""
        root = await api.domains.find_root()

        assert (root.name, root.role) == ("Sandbox", DomainRole.ROOT)

    async def test_create_find_update_delete(self, api):
        """A tenant is created as common, found, changed and deleted."""
        created = await api.domains.create(
            name="Acme",
            slug="acme",
            test=True,
            urls=["acme.example.com"],
            settings=DomainSettings(primary_color="#ff0000"),
        )
        found = await api.domains.find_one(created.id)
        updated = await api.domains.update(
            created.id, postback_urls=["https://acme.example.com/hooks"]
        )
        await api.domains.delete(created.id)

        assert (created.role, created.slug, created.test) == (
            DomainRole.COMMON,
            "acme",
            True,
        )
        assert found.settings.primary_color == "#ff0000"
        assert found.urls == ["acme.example.com"]
        assert updated.postback_urls == ["https://acme.example.com/hooks"]
        with pytest.raises(APIError) as info:
            await api.domains.find_one(created.id)
        assert info.value.status == 404

    async def test_find_all_and_iter_all(self, api):
        """Domains are listed root first."""
        await api.domains.create(name="Tenant")

        page = await api.domains.find_all(limit=1)
        names = [d.name async for d in api.domains.iter_all(page_size=1)]

        assert ([d.name for d in page], page.total) == (["Sandbox"], 2)
        assert names == ["Sandbox", "Tenant"]

    async def test_consumers_and_mediators(self, api):
        """A domain lists its consumer users and its mediators apart."""
        root = await api.domains.find_root()
        await api.consumers.create(email="c1@example.com", password="pw")

        consumers = await api.domains.find_consumers(root.id)
        mediators = await api.domains.find_mediators(root.id)

        assert [u.email for u in consumers] == ["ana@sandbox.invalid", "c1@example.com"]
        assert [u.role for u in mediators] == [UserRole.MEDIATOR]

    async def test_root_domain_cannot_be_deleted(self, api):
        """Deleting the root domain is a 400."""
        root = await api.domains.find_root()

        with pytest.raises(APIError) as info:
            await api.domains.delete(root.id)

        assert info.value.message == "the root domain cannot be deleted"


class TestMetrics:
    async def _activity(self, api):
        first = await api.consumers.create(email="m1@example.com", password="pw")
        second = await api.consumers.create(email="m2@example.com", password="pw")
        (one,) = await api.users.find_wallets(first.id)
        (two,) = await api.users.find_wallets(second.id)
        await api.assets.emit("BRLD", amount="100", destination=one.id)
        await api.payments.pay(
            source=one.id,
            recipients=[
                Recipient(destination=two.id, amount="30"),
                Recipient(destination=two.id, amount="5"),
            ],
        )
        await api.assets.destroy("BRLD", amount="10", source=two.id)
        return (await api.domains.find_root()).id, one.id, two.id

    async def test_payments_amount_filters_by_type(self, api):
        """The type filter reaches the server as a query parameter."""
        domain, _, _ = await self._activity(api)

        emitted = await api.domains.metrics.payments_amount(domain, type="emit")
        common = await api.domains.metrics.payments_amount(domain, type="common")
        everything = await api.domains.metrics.payments_amount(domain)

        assert [row.total_amount for row in emitted] == [Decimal(100)]
        assert [row.total_amount for row in common] == [Decimal(35)]
        assert [row.total_amount for row in everything] == [Decimal(145)]
        assert emitted[0].time.tzinfo is not None

    async def test_payments_count_filters_by_source_and_recipient(self, api):
        """Source, recipient and asset filters narrow the count."""
        domain, one, two = await self._activity(api)

        from_one = await api.domains.metrics.payments_count(domain, source=one)
        to_two = await api.domains.metrics.payments_count(
            domain, recipient=two, asset="BRLD"
        )

        assert [row.count for row in from_one] == [2]
        assert [row.count for row in to_two] == [2]

    async def test_time_window(self, api):
        """A window in the future counts nothing; one around now counts all."""
        domain, _, _ = await self._activity(api)
        now = datetime.now(UTC)

        later = await api.domains.metrics.payments_count(
            domain, start=now + timedelta(hours=1)
        )
        around = await api.domains.metrics.payments_count(
            domain, start=now - timedelta(hours=1), end=now + timedelta(hours=1)
        )

        assert later == []
        assert [row.count for row in around] == [4]

    async def test_users_count_and_balance(self, api):
        """Users joined today and the domain's balance are reported."""
        domain, _, _ = await self._activity(api)

        users = await api.domains.metrics.users_count(domain)
        balance = await api.domains.metrics.balance(domain, asset="BRLD")

        assert [row.count for row in users] == [4]
        assert [row.total_amount for row in balance] == [Decimal(90)]

    async def test_bad_type_is_refused(self, api):
        """An unknown type is a 400 from the server."""
        domain = (await api.domains.find_root()).id

        with pytest.raises(APIError) as info:
            await api.domains.metrics.payments_count(domain, type="other")

        assert info.value.message == "type must be common, emit or destroy"


class TestProducts:
    async def test_find_all_find_one_iter_all(self, api):
        """The sandbox sells one product, which wallets belong to."""
        page = await api.products.find_all()
        found = await api.products.find_one(page[0].id)
        names = [p.name async for p in api.products.iter_all()]

        assert ([p.name for p in page], page.total) == (["Sandbox account"], 1)
        assert found.domain.name == "Sandbox"
        assert names == ["Sandbox account"]
