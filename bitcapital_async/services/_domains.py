"""The instance: its domains (tenants) with their metrics, products, and status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from bitcapital_async.models import (
    AmountMetric,
    CountMetric,
    Domain,
    DomainRole,
    DomainSettings,
    Product,
    StatusResponse,
    User,
)

from ._base import Service, body, segment
from ._pagination import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping, Sequence

    from bitcapital_async._client import Bitcapital

__all__ = [
    "DomainMetrics",
    "DomainService",
    "MetricType",
    "ProductService",
    "StatusService",
]

M = TypeVar("M")

MetricType = Literal["common", "emit", "destroy"]
"""Which payments a metric counts: transfers, emissions or destructions."""


class DomainService(Service):
    """``client.domains``: tenants, with their users and ``metrics``."""

    def __init__(self, client: Bitcapital) -> None:
        super().__init__(client)
        self.metrics = DomainMetrics(client)

    async def find_all(
        self, *, skip: int | None = None, limit: int | None = None
    ) -> Page[Domain]:
        """One page of domains (``GET /domains``)."""
        return await self._page("/domains", Domain, skip=skip, limit=limit)

    def iter_all(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[Domain]:
        """Every domain, fetched a page at a time as you iterate."""
        return self._iterate("/domains", Domain, page_size=page_size)

    async def find_one(self, domain_id: str) -> Domain:
        """One domain by id (``GET /domains/:id``)."""
        return await self._call("GET", f"/domains/{segment(domain_id)}", Domain)

    async def find_root(self) -> Domain:
        """Get the instance's own domain (``GET /domains/root``)."""
        return await self._call("GET", "/domains/root", Domain)

    async def find_consumers(self, domain_id: str) -> list[User]:
        """List a domain's consumer users (``GET /domains/:id/consumers``)."""
        return await self._list(f"/domains/{segment(domain_id)}/consumers", User)

    async def find_mediators(self, domain_id: str) -> list[User]:
        """List a domain's mediators (``GET /domains/:id/mediators``)."""
        return await self._list(f"/domains/{segment(domain_id)}/mediators", User)

    async def create(
        self,
        *,
        name: str,
        role: DomainRole | str | None = None,
        slug: str | None = None,
        test: bool | None = None,
        urls: Sequence[str] | None = None,
        postback_url: str | None = None,
        postback_urls: Sequence[str] | None = None,
        settings: DomainSettings | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Domain:
        """Create a domain (``POST /domains``).

        Args:
            name: The domain's name.
            role: ``common`` for a tenant; the instance has one ``root``.
            slug: A short alphanumeric handle.
            test: Whether it is a test domain.
            urls: The hostnames it answers on.
            postback_url: Where postbacks go (older servers).
            postback_urls: Where postbacks go (newer servers).
            settings: Branding and transaction limits.
            extra: More body fields, sent as is.
        """
        payload = body(
            name=name,
            role=role,
            slug=slug,
            test=test,
            urls=_list(urls),
            postback_url=postback_url,
            postback_urls=_list(postback_urls),
            settings=settings,
            extra=extra,
        )
        return await self._call("POST", "/domains", Domain, json=payload)

    async def update(
        self,
        domain_id: str,
        *,
        name: str | None = None,
        slug: str | None = None,
        test: bool | None = None,
        urls: Sequence[str] | None = None,
        postback_url: str | None = None,
        postback_urls: Sequence[str] | None = None,
        settings: DomainSettings | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Domain:
        """Change some fields of a domain (``POST /domains/:id``); others stay.

        ``postback_urls=[url]`` is how postbacks are switched on.
        """
        payload = body(
            name=name,
            slug=slug,
            test=test,
            urls=_list(urls),
            postback_url=postback_url,
            postback_urls=_list(postback_urls),
            settings=settings,
            extra=extra,
        )
        path = f"/domains/{segment(domain_id)}"
        return await self._call("POST", path, Domain, json=payload)

    async def delete(self, domain_id: str) -> None:
        """Delete a domain (``DELETE /domains/:id``)."""
        await self._none("DELETE", f"/domains/{segment(domain_id)}")


class DomainMetrics(Service):
    """``client.domains.metrics``: a domain's activity over time, in buckets.

    Every method takes the same filters, sent as query parameters (the
    JavaScript SDK nests them in a request body by mistake):

    Args:
        domain_id: The domain.
        start: The earliest moment counted.
        end: The latest moment counted.
        source: Only payments from this wallet.
        recipient: Only payments to this wallet.
        asset: Only payments in this asset (id or code).
        type: ``common`` transfers, ``emit`` or ``destroy``.
    """

    async def payments_amount(
        self,
        domain_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        source: str | None = None,
        recipient: str | None = None,
        asset: str | None = None,
        type: MetricType | None = None,  # noqa: A002 - the API's name
    ) -> list[AmountMetric]:
        """How much moved per bucket (``…/metrics/payments/amount``)."""
        query = _filters(
            start=start,
            end=end,
            source=source,
            recipient=recipient,
            asset=asset,
            type_=type,
        )
        return await self._metric(domain_id, "payments/amount", AmountMetric, query)

    async def payments_count(
        self,
        domain_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        source: str | None = None,
        recipient: str | None = None,
        asset: str | None = None,
        type: MetricType | None = None,  # noqa: A002 - the API's name
    ) -> list[CountMetric]:
        """How many payments per bucket (``…/metrics/payments/count``)."""
        query = _filters(
            start=start,
            end=end,
            source=source,
            recipient=recipient,
            asset=asset,
            type_=type,
        )
        return await self._metric(domain_id, "payments/count", CountMetric, query)

    async def users_count(
        self,
        domain_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[CountMetric]:
        """How many users joined per bucket (``…/metrics/users/count``)."""
        query = _filters(start=start, end=end)
        return await self._metric(domain_id, "users/count", CountMetric, query)

    async def balance(
        self,
        domain_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        asset: str | None = None,
    ) -> list[AmountMetric]:
        """Sum the domain's balances per bucket (``…/metrics/balance``)."""
        query = _filters(start=start, end=end, asset=asset)
        return await self._metric(domain_id, "balance", AmountMetric, query)

    async def _metric(
        self, domain_id: str, name: str, model: type[M], query: dict[str, str | None]
    ) -> list[M]:
        path = f"/domains/{segment(domain_id)}/metrics/{name}"
        return await self._list(path, model, params=query)


class ProductService(Service):
    """``client.products``: what a domain sells; wallets belong to one."""

    async def find_all(
        self, *, skip: int | None = None, limit: int | None = None
    ) -> Page[Product]:
        """One page of products (``GET /products``)."""
        return await self._page("/products", Product, skip=skip, limit=limit)

    def iter_all(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[Product]:
        """Every product, fetched a page at a time as you iterate."""
        return self._iterate("/products", Product, page_size=page_size)

    async def find_one(self, product_id: str) -> Product:
        """One product by id (``GET /products/:id``)."""
        return await self._call("GET", f"/products/{segment(product_id)}", Product)


class StatusService(Service):
    """``client.status``: call it for the server's name, version and uptime."""

    async def __call__(self) -> StatusResponse:
        """Ask the server for its name, version and uptime (``GET /``)."""
        return await self._call("GET", "/", StatusResponse)


def _list(values: Sequence[str] | None) -> list[str] | None:
    return None if values is None else list(values)


def _filters(
    *,
    start: datetime | None,
    end: datetime | None,
    source: str | None = None,
    recipient: str | None = None,
    asset: str | None = None,
    type_: str | None = None,
) -> dict[str, str | None]:
    return {
        "start": _iso(start),
        "end": _iso(end),
        "source": source,
        "recipient": recipient,
        "asset": asset,
        "type": type_,
    }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    # A naive datetime is taken as UTC, as the models read the server's dates.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()
