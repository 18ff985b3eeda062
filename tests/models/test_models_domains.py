"""Domain, its settings and limits, products and metric rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bitcapital_async.models import (
    AmountMetric,
    CountMetric,
    Domain,
    DomainRole,
    DomainSettings,
    DomainSettingsLocks,
    Product,
    User,
    structure,
    unstructure,
)

DOMAIN_WIRE = {
    "id": "d0000000-0000-4000-8000-000000000001",
    "createdAt": "2019-01-10T12:00:00+00:00",
    "name": "Acme Pay",
    "role": "common",
    "slug": "acmepay",
    "test": True,
    "urls": ["pay.acme.com.br"],
    "postbackUrls": ["https://hooks.acme.com.br/bitcapital"],
    "settings": {
        "logo": "https://cdn.acme.com.br/logo.png",
        "primaryColor": "#112233",
        "tintColor": "#ffcc00",
        "locks": {
            "total_single_transaction_value": "5000",
            "total_sent_transactions_value_daily": "10000.50",
        },
    },
    "users": [{"id": "u1", "role": "mediator", "virtual": False}],
    "products": [{"id": "p0000000-0000-4000-8000-000000000002", "name": "Conta"}],
}


class TestDomain:
    def test_structure(self):
        """Settings and snake_case limits land in their typed attributes."""
        domain = structure(DOMAIN_WIRE, Domain)

        assert domain.role is DomainRole.COMMON
        assert domain.settings == DomainSettings(
            logo="https://cdn.acme.com.br/logo.png",
            primary_color="#112233",
            tint_color="#ffcc00",
            locks=DomainSettingsLocks(
                total_single_transaction_value=Decimal(5000),
                total_sent_transactions_value_daily=Decimal("10000.50"),
            ),
        )
        assert domain.users == [User(id="u1", role="mediator")]
        assert domain.products == [
            Product(id="p0000000-0000-4000-8000-000000000002", name="Conta")
        ]

    def test_round_trip(self):
        """Structuring then unstructuring gives back the wire JSON."""
        assert unstructure(structure(DOMAIN_WIRE, Domain)) == DOMAIN_WIRE

    def test_locks_from_numbers(self):
        """The server sends limits as numbers; they become exact Decimals."""
        locks = structure(
            {"total_recent_transactions_value_monthly": 1500.75}, DomainSettingsLocks
        )

        assert locks.total_recent_transactions_value_monthly == Decimal("1500.75")

    def test_camel_case_lock_key_is_unknown(self):
        """Limits are read only under their snake_case wire names."""
        locks = structure({"totalSingleTransactionValue": 1}, DomainSettingsLocks)

        assert locks == DomainSettingsLocks()

    def test_older_single_postback_url(self):
        """Older servers send one postbackUrl."""
        domain = structure({"id": "d1", "postbackUrl": "https://h.example"}, Domain)

        assert domain.postback_url == "https://h.example"


class TestProduct:
    def test_round_trip(self):
        """A product with its domain and wallets survives the round trip."""
        wire = {
            "id": "p1",
            "name": "Conta Digital",
            "domain": {"id": "d1", "name": "Acme Pay", "role": "root"},
            "wallets": [{"id": "w1", "status": "pending"}],
        }

        product = structure(wire, Product)

        assert product.domain == Domain(id="d1", name="Acme Pay", role=DomainRole.ROOT)
        assert unstructure(product) == wire


class TestMetrics:
    def test_amount_rows(self):
        """Amount rows read total_amount (snake_case on the wire) as a Decimal."""
        rows = structure(
            [
                {"time": "2019-08-01T00:00:00.000Z", "total_amount": 1234.56},
                {"time": "2019-08-02T00:00:00.000Z", "total_amount": "0"},
            ],
            list[AmountMetric],
        )

        assert rows == [
            AmountMetric(
                time=datetime(2019, 8, 1, tzinfo=UTC), total_amount=Decimal("1234.56")
            ),
            AmountMetric(
                time=datetime(2019, 8, 2, tzinfo=UTC), total_amount=Decimal(0)
            ),
        ]
        assert unstructure(rows[0]) == {
            "time": "2019-08-01T00:00:00+00:00",
            "total_amount": "1234.56",
        }

    def test_count_rows(self):
        """Count rows read an integer count."""
        rows = structure(
            [{"time": "2019-08-01T00:00:00Z", "count": 7}], list[CountMetric]
        )

        assert rows == [CountMetric(time=datetime(2019, 8, 1, tzinfo=UTC), count=7)]
