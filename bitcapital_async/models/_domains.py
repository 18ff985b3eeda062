"""Domains (tenants of an instance), their products, settings and metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ._base import BaseModel
from ._converter import snake_case_wire

if TYPE_CHECKING:
    # Annotations only: resolve_model_types() binds these names at run time,
    # once every model module has loaded (the models refer to each other).
    from datetime import datetime
    from decimal import Decimal

    from ._enums import DomainRole
    from ._users import User
    from ._wallets import Wallet

__all__ = [
    "AmountMetric",
    "CountMetric",
    "Domain",
    "DomainSettings",
    "DomainSettingsLocks",
    "Product",
]


@attrs.frozen(kw_only=True)
class Domain(BaseModel):
    """A tenant of a Bitcapital instance, with its own users and branding.

    Attributes:
        name: The domain's name.
        role: ``root`` for the instance's own domain, ``common`` for tenants.
        slug: A short alphanumeric handle.
        test: Whether this is a test domain.
        urls: The hostnames the domain answers on.
        postback_url: Where postbacks go (older servers, one URL).
        postback_urls: Where postbacks go (newer servers, several URLs).
        settings: Branding and transaction limits.
        users: The domain's users, when joined.
        products: The domain's products (nightly).
    """

    name: str | None = None
    role: DomainRole | str | None = None
    slug: str | None = None
    test: bool | None = None
    urls: list[str] | None = None
    postback_url: str | None = None
    postback_urls: list[str] | None = None
    settings: DomainSettings | None = None
    users: list[User] | None = None
    products: list[Product] | None = None


@attrs.frozen(kw_only=True)
class DomainSettings:
    """A domain's branding and transaction limits.

    Attributes:
        logo: The logo's URL.
        primary_color: The main brand colour, as CSS.
        tint_color: The accent colour, as CSS.
        locks: The transaction limits.
    """

    logo: str | None = None
    primary_color: str | None = None
    tint_color: str | None = None
    locks: DomainSettingsLocks | None = None


# The server writes these limits with snake_case keys, unlike the rest of Domain.
@attrs.frozen(kw_only=True, field_transformer=snake_case_wire)
class DomainSettingsLocks:
    """A domain's transaction limits, in the domain's base asset.

    Attributes:
        total_single_transaction_value: The most one transaction may move.
        total_recent_transactions_value_daily: The most moved in a day.
        total_recent_transactions_value_weekly: The most moved in a week.
        total_recent_transactions_value_monthly: The most moved in a month.
        total_sent_transactions_value_daily: The most sent in a day.
        total_sent_transactions_value_weekly: The most sent in a week.
        total_sent_transactions_value_monthly: The most sent in a month.
        total_received_transactions_value_daily: The most received in a day.
        total_received_transactions_value_weekly: The most received in a week.
        total_received_transactions_value_monthly: The most received in a month.
    """

    total_single_transaction_value: Decimal | None = None
    total_recent_transactions_value_daily: Decimal | None = None
    total_recent_transactions_value_weekly: Decimal | None = None
    total_recent_transactions_value_monthly: Decimal | None = None
    total_sent_transactions_value_daily: Decimal | None = None
    total_sent_transactions_value_weekly: Decimal | None = None
    total_sent_transactions_value_monthly: Decimal | None = None
    total_received_transactions_value_daily: Decimal | None = None
    total_received_transactions_value_weekly: Decimal | None = None
    total_received_transactions_value_monthly: Decimal | None = None


@attrs.frozen(kw_only=True)
class Product(BaseModel):
    """A product a domain sells, which wallets (or, on 1.6.0, users) belong to.

    Attributes:
        name: The product's name.
        domain: The domain that sells it, when joined.
        users: Its users (1.6.0 servers).
        wallets: Its wallets (nightly servers).
    """

    name: str | None = None
    domain: Domain | None = None
    users: list[User] | None = None
    wallets: list[Wallet] | None = None


@attrs.frozen(kw_only=True, field_transformer=snake_case_wire)
class AmountMetric:
    """One row of a domain's amount metrics (payments amount, balance).

    Attributes:
        time: The start of the bucket.
        total_amount: The amount in the bucket (``total_amount`` on the wire).
    """

    time: datetime | None = None
    total_amount: Decimal | None = None


@attrs.frozen(kw_only=True)
class CountMetric:
    """One row of a domain's count metrics (payments count, users count).

    Attributes:
        time: The start of the bucket.
        count: How many in the bucket.
    """

    time: datetime | None = None
    count: int | None = None
