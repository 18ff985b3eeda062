"""The records nested under a consumer: addresses, phones, bank accounts, documents."""

from __future__ import annotations

import base64
from typing import IO, TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import aiohttp

from bitcapital_async.models import (
    Address,
    AddressType,
    Banking,
    BankingType,
    Document,
    DocumentSide,
    DocumentType,
    Phone,
    PhoneType,
)

from ._base import Service, body, segment
from ._pagination import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping
    from datetime import datetime

__all__ = [
    "AddressService",
    "BankingService",
    "DocumentService",
    "NestedService",
    "PhoneService",
]

R = TypeVar("R")


class NestedService(Service, Generic[R]):
    """The endpoints every kind of consumer record shares.

    ``/consumers/:userId/<kind>`` lists and creates, ``…/<kind>/:id`` reads,
    changes and deletes.
    """

    kind: ClassVar[str]
    model: type[R]

    async def find_all(
        self, user_id: str, *, skip: int | None = None, limit: int | None = None
    ) -> Page[R]:
        """One page of a consumer's records (``GET /consumers/:userId/<kind>``)."""
        return await self._page(self._base(user_id), self.model, skip=skip, limit=limit)

    def iter_all(
        self, user_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[R]:
        """Every record of a consumer, fetched a page at a time as you iterate."""
        return self._iterate(self._base(user_id), self.model, page_size=page_size)

    async def find_one(self, user_id: str, record_id: str) -> R:
        """One record (``GET /consumers/:userId/<kind>/:id``)."""
        return await self._call("GET", self._one(user_id, record_id), self.model)

    async def delete(self, user_id: str, record_id: str) -> None:
        """Delete a record (``DELETE /consumers/:userId/<kind>/:id``)."""
        await self._none("DELETE", self._one(user_id, record_id))

    async def _create(self, user_id: str, payload: dict[str, Any]) -> R:
        return await self._call("POST", self._base(user_id), self.model, json=payload)

    async def _update(self, user_id: str, record_id: str, payload: dict[str, Any]) -> R:
        path = self._one(user_id, record_id)
        return await self._call("POST", path, self.model, json=payload)

    def _base(self, user_id: str) -> str:
        return f"/consumers/{segment(user_id)}/{self.kind}"

    def _one(self, user_id: str, record_id: str) -> str:
        return f"{self._base(user_id)}/{segment(record_id)}"


class AddressService(NestedService[Address]):
    """``client.consumers.addresses``: a consumer's postal addresses."""

    kind = "addresses"
    model = Address

    async def create(
        self,
        user_id: str,
        *,
        type: AddressType | str | None = None,  # noqa: A002 - the API's name
        country: str | None = None,
        state: str | None = None,
        city: str | None = None,
        neighborhood: str | None = None,
        code: str | None = None,
        street: str | None = None,
        number: str | None = None,
        complement: str | None = None,
        reference: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Address:
        """Add an address to a consumer (``POST /consumers/:userId/addresses``).

        Args:
            user_id: The consumer user's id.
            type: ``home`` or ``work``.
            country: The country.
            state: The state (UF).
            city: The city.
            neighborhood: The neighbourhood (bairro).
            code: The postal code (CEP).
            street: The street.
            number: The house number.
            complement: The flat, floor or block.
            reference: A landmark to find it by.
            extra: More body fields, sent as is.
        """
        payload = body(
            type=type,
            country=country,
            state=state,
            city=city,
            neighborhood=neighborhood,
            code=code,
            street=street,
            number=number,
            complement=complement,
            reference=reference,
            extra=extra,
        )
        return await self._create(user_id, payload)

    async def update(
        self,
        user_id: str,
        address_id: str,
        *,
        type: AddressType | str | None = None,  # noqa: A002 - the API's name
        country: str | None = None,
        state: str | None = None,
        city: str | None = None,
        neighborhood: str | None = None,
        code: str | None = None,
        street: str | None = None,
        number: str | None = None,
        complement: str | None = None,
        reference: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Address:
        """Change some fields of an address; the others stay."""
        payload = body(
            type=type,
            country=country,
            state=state,
            city=city,
            neighborhood=neighborhood,
            code=code,
            street=street,
            number=number,
            complement=complement,
            reference=reference,
            extra=extra,
        )
        return await self._update(user_id, address_id, payload)


class PhoneService(NestedService[Phone]):
    """``client.consumers.phones``: a consumer's phone lines."""

    kind = "phones"
    model = Phone

    async def create(
        self,
        user_id: str,
        *,
        code: str,
        number: str,
        type: PhoneType | str | None = None,  # noqa: A002 - the API's name
        extension: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Phone:
        """Add a phone to a consumer (``POST /consumers/:userId/phones``).

        Args:
            user_id: The consumer user's id.
            code: The area code, digits only.
            number: The number, digits only.
            type: ``mobile`` (the server's default), ``home`` or ``work``.
            extension: The extension, if any.
            extra: More body fields, sent as is.
        """
        payload = body(
            type=type, code=code, number=number, extension=extension, extra=extra
        )
        return await self._create(user_id, payload)

    async def update(
        self,
        user_id: str,
        phone_id: str,
        *,
        code: str | None = None,
        number: str | None = None,
        type: PhoneType | str | None = None,  # noqa: A002 - the API's name
        extension: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Phone:
        """Change some fields of a phone; the others stay."""
        payload = body(
            type=type, code=code, number=number, extension=extension, extra=extra
        )
        return await self._update(user_id, phone_id, payload)


class BankingService(NestedService[Banking]):
    """``client.consumers.bankings``: a consumer's bank accounts, for withdrawals."""

    kind = "bankings"
    model = Banking

    async def create(
        self,
        user_id: str,
        *,
        bank: int,
        agency: int,
        account: int,
        account_digit: str,
        agency_digit: str | None = None,
        type: BankingType | str | None = None,  # noqa: A002 - the API's name
        extra: Mapping[str, Any] | None = None,
    ) -> Banking:
        """Add a bank account to a consumer (``POST /consumers/:userId/bankings``).

        Args:
            user_id: The consumer user's id.
            bank: The bank's COMPE code.
            agency: The branch number.
            account: The account number.
            account_digit: The account check digit.
            agency_digit: The branch check digit.
            type: ``checking`` or ``savings``.
            extra: More body fields, sent as is.
        """
        payload = body(
            type=type,
            bank=bank,
            agency=agency,
            agency_digit=agency_digit,
            account=account,
            account_digit=account_digit,
            extra=extra,
        )
        return await self._create(user_id, payload)

    async def update(
        self,
        user_id: str,
        banking_id: str,
        *,
        bank: int | None = None,
        agency: int | None = None,
        account: int | None = None,
        account_digit: str | None = None,
        agency_digit: str | None = None,
        type: BankingType | str | None = None,  # noqa: A002 - the API's name
        extra: Mapping[str, Any] | None = None,
    ) -> Banking:
        """Change some fields of a bank account; the others stay."""
        payload = body(
            type=type,
            bank=bank,
            agency=agency,
            agency_digit=agency_digit,
            account=account,
            account_digit=account_digit,
            extra=extra,
        )
        return await self._update(user_id, banking_id, payload)


class DocumentService(NestedService[Document]):
    """``client.consumers.documents``: a consumer's documents and their pictures.

    ``find_one`` takes a document's id or its type (``tax_id``, ``passport``…).
    """

    kind = "documents"
    model = Document

    async def create(
        self,
        user_id: str,
        *,
        type: DocumentType | str,  # noqa: A002 - the API's name
        number: str | None = None,
        expires_at: datetime | None = None,
        front: str | None = None,
        back: str | None = None,
        selfie: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Document:
        """Add a document to a consumer (``POST /consumers/:userId/documents``).

        Args:
            user_id: The consumer user's id.
            type: The kind of document.
            number: The document's number.
            expires_at: When the document expires.
            front: The front picture, base64 or a data URL.
            back: The back picture, base64 or a data URL.
            selfie: The holder's selfie with it, base64 or a data URL.
            extra: More body fields, sent as is.
        """
        payload = body(
            type=type,
            number=number,
            expires_at=expires_at,
            front=front,
            back=back,
            selfie=selfie,
            extra=extra,
        )
        return await self._create(user_id, payload)

    async def update(
        self,
        user_id: str,
        document_id: str,
        *,
        number: str | None = None,
        expires_at: datetime | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Document:
        """Change some fields of a document; the others stay."""
        payload = body(number=number, expires_at=expires_at, extra=extra)
        return await self._update(user_id, document_id, payload)

    async def upload_picture(
        self,
        user_id: str,
        type: DocumentType | str,  # noqa: A002 - the API's name
        side: DocumentSide | str,
        picture: bytes | IO[bytes],
        *,
        filename: str = "picture",
        content_type: str = "application/octet-stream",
    ) -> Document:
        """Upload a picture of a document as a multipart form.

        Calls ``POST /consumers/:userId/documents/:type/:side`` with the file in
        the form field ``picture``.

        Args:
            user_id: The consumer user's id.
            type: The kind of document.
            side: ``front``, ``back``, ``both_sides`` or ``selfie``.
            picture: The image, as bytes or a binary file open for reading.
            filename: The file name the form gives.
            content_type: The image's media type, e.g. ``image/jpeg``.
        """
        data = picture if isinstance(picture, bytes) else picture.read()
        form = aiohttp.FormData()
        form.add_field("picture", data, filename=filename, content_type=content_type)
        path = self._picture_path(user_id, type, side)
        return await self._call("POST", path, Document, data=form)

    async def upload_picture_base64(
        self,
        user_id: str,
        type: DocumentType | str,  # noqa: A002 - the API's name
        side: DocumentSide | str,
        picture: str | bytes,
    ) -> Document:
        """Upload a picture of a document inside JSON, as base64.

        Calls ``POST /consumers/:userId/documents/:type/:side`` with
        ``{"picture": ...}``.

        Args:
            user_id: The consumer user's id.
            type: The kind of document.
            side: ``front``, ``back``, ``both_sides`` or ``selfie``.
            picture: A base64 string or data URL, sent as is; or raw image
                bytes, which are base64-encoded first.
        """
        text = (
            base64.b64encode(picture).decode("ascii")
            if isinstance(picture, bytes)
            else picture
        )
        path = self._picture_path(user_id, type, side)
        return await self._call("POST", path, Document, json={"picture": text})

    def _picture_path(
        self, user_id: str, type_: DocumentType | str, side: DocumentSide | str
    ) -> str:
        return f"{self._base(user_id)}/{segment(type_)}/{segment(side)}"
