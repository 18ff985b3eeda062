"""Consumers: the KYC'd customers of a domain, and the KYC preview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bitcapital_async.models import (
    Address,
    CompanyData,
    ConsumerType,
    Document,
    KYCPreview,
    Phone,
    User,
)

from ._base import Service, body, segment
from ._consumer_records import (
    AddressService,
    BankingService,
    DocumentService,
    PhoneService,
)
from ._pagination import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping, Sequence
    from datetime import datetime

    from bitcapital_async._client import Bitcapital

__all__ = ["ConsumerService", "PreviewService"]


class ConsumerService(Service):
    """``client.consumers``: consumer users, and their nested records.

    ``addresses``, ``phones``, ``bankings`` and ``documents`` reach the records
    hanging off a consumer, e.g. ``client.consumers.phones.find_all(user_id)``.
    """

    def __init__(self, client: Bitcapital) -> None:
        super().__init__(client)
        self.addresses = AddressService(client)
        self.phones = PhoneService(client)
        self.bankings = BankingService(client)
        self.documents = DocumentService(client)

    async def find_all(
        self, *, skip: int | None = None, limit: int | None = None
    ) -> Page[User]:
        """One page of consumer users (``GET /consumers``)."""
        return await self._page("/consumers", User, skip=skip, limit=limit)

    def iter_all(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[User]:
        """Every consumer user, fetched a page at a time as you iterate."""
        return self._iterate("/consumers", User, page_size=page_size)

    async def find_one(self, user_id: str) -> User:
        """One consumer user by id (``GET /consumers/:id``)."""
        return await self._call("GET", f"/consumers/{segment(user_id)}", User)

    async def create(
        self,
        *,
        email: str,
        password: str,
        first_name: str | None = None,
        last_name: str | None = None,
        name: str | None = None,
        product_id: str | None = None,
        external_id: str | None = None,
        tax_id: str | None = None,
        type: ConsumerType | str | None = None,  # noqa: A002 - the API's name
        mother_name: str | None = None,
        birthday: datetime | None = None,
        company_data: CompanyData | None = None,
        addresses: Sequence[Address] | None = None,
        phones: Sequence[Phone] | None = None,
        documents: Sequence[Document] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> User:
        """Create a consumer user and its KYC profile (``POST /consumers``).

        Records passed here (``Address(id=None, ...)`` and so on) are created
        with the consumer; later changes go through ``addresses``, ``phones``
        and ``documents``.

        Args:
            email: The login e-mail address.
            password: The initial password.
            first_name: The given name.
            last_name: The family name.
            name: The display name, if not first and last name joined.
            product_id: The product the consumer signs up for.
            external_id: Your own id for the consumer.
            tax_id: The CPF or CNPJ, digits only.
            type: ``personal`` or ``corporate``.
            mother_name: The mother's full name.
            birthday: The date of birth (or of incorporation).
            company_data: The registry data of a corporate consumer.
            addresses: Addresses to create with it.
            phones: Phones to create with it.
            documents: Documents to create with it.
            extra: More top-level body fields, sent as is.
        """
        profile = body(
            tax_id=tax_id,
            type=type,
            mother_name=mother_name,
            birthday=birthday,
            company_data=company_data,
            addresses=list(addresses) if addresses is not None else None,
            phones=list(phones) if phones is not None else None,
            documents=list(documents) if documents is not None else None,
        )
        payload = body(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            name=name,
            product_id=product_id,
            external_id=external_id,
            consumer=profile or None,
            extra=extra,
        )
        return await self._call("POST", "/consumers", User, json=payload)

    async def update(
        self,
        user_id: str,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        name: str | None = None,
        tax_id: str | None = None,
        mother_name: str | None = None,
        birthday: datetime | None = None,
        company_data: CompanyData | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> User:
        """Change some fields of a consumer (``POST /consumers/:id``); others stay.

        Addresses, phones and documents change through their own services.
        """
        profile = body(
            tax_id=tax_id,
            mother_name=mother_name,
            birthday=birthday,
            company_data=company_data,
        )
        payload = body(
            email=email,
            first_name=first_name,
            last_name=last_name,
            name=name,
            consumer=profile or None,
            extra=extra,
        )
        path = f"/consumers/{segment(user_id)}"
        return await self._call("POST", path, User, json=payload)

    async def delete(self, user_id: str) -> None:
        """Delete a consumer (``DELETE /consumers/:id``)."""
        await self._none("DELETE", f"/consumers/{segment(user_id)}")

    async def block(self, user_id: str) -> None:
        """Block a consumer from moving money (``POST /consumers/:id/block``)."""
        await self._none("POST", f"/consumers/{segment(user_id)}/block")

    async def unblock(self, user_id: str) -> None:
        """Lift a block (``POST /consumers/:id/unblock``)."""
        await self._none("POST", f"/consumers/{segment(user_id)}/unblock")

    async def find_kyc_data(self, user_id: str) -> dict[str, Any]:
        """Get what KYC found on a consumer (``GET /consumers/:id/kyc``).

        The API does not fix the shape of this answer, so it is returned as
        decoded JSON.
        """
        path = f"/consumers/{segment(user_id)}/kyc"
        return await self._call("GET", path, dict[str, Any])

    async def set_manual_kyc_result(
        self,
        user_id: str,
        *,
        result: str,
        reason: str | None = None,
        name: str | None = None,
        tax_id: str | None = None,
        mother_name: str | None = None,
        address: str | None = None,
        phone: str | None = None,
        birthday: datetime | None = None,
    ) -> dict[str, Any]:
        """Record the outcome of a manual KYC analysis (``POST /consumers/:id/kyc``).

        Args:
            user_id: The consumer user's id.
            result: The outcome, as your operators name it.
            reason: Why.
            name: The name checked.
            tax_id: The tax id checked.
            mother_name: The mother's name checked.
            address: The address checked.
            phone: The phone checked.
            birthday: The date of birth checked.
        """
        payload = body(
            name=name,
            result=result,
            reason=reason,
            tax_id=tax_id,
            mother_name=mother_name,
            address=address,
            phone=phone,
            birthday=birthday,
        )
        path = f"/consumers/{segment(user_id)}/kyc"
        return await self._call("POST", path, dict[str, Any], json=payload)


class PreviewService(Service):
    """``client.previews``: checks to run before onboarding someone."""

    async def kyc(self, tax_id: str) -> KYCPreview:
        """Whether a tax id would pass KYC (signed ``GET /preview/kyc/:taxId``).

        Args:
            tax_id: The CPF or CNPJ, digits only.
        """
        path = f"/preview/kyc/{segment(tax_id)}"
        return await self._call("GET", path, KYCPreview, sign=True)
