"""Consumers: the KYC profile of a consumer user, and what hangs off it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ._base import BaseModel, State

if TYPE_CHECKING:
    # Annotations only: resolve_model_types() binds these names at run time,
    # once every model module has loaded (the models refer to each other).
    from datetime import datetime

    from ._enums import (
        AddressType,
        BankingType,
        ConsumerStatus,
        ConsumerType,
        DocumentStatus,
        DocumentType,
        PhoneType,
    )
    from ._users import User

__all__ = [
    "Address",
    "Banking",
    "CompanyData",
    "CompanyPartner",
    "Consumer",
    "ConsumerState",
    "Document",
    "DocumentState",
    "EconomicActivity",
    "KYCPreview",
    "PartnerPhone",
    "Phone",
]


@attrs.frozen(kw_only=True)
class Consumer(BaseModel):
    """The KYC profile of a ``consumer`` user: who they are and how to reach them.

    Attributes:
        status: Where the consumer stands in onboarding; a plain ``str`` when
            unknown to this SDK.
        type: Whether the consumer is a company or a person (nightly).
        user: The user this profile belongs to, when joined.
        user_id: The id of that user.
        tax_id: The CPF or CNPJ, digits only.
        mother_name: The mother's full name, which Brazilian KYC asks for.
        birthday: The date of birth (or of incorporation).
        company_data: The registry data of a corporate consumer.
        addresses: The consumer's addresses, when joined.
        bankings: The consumer's bank accounts, when joined.
        documents: The consumer's documents, when joined.
        phones: The consumer's phones, when joined.
        states: The status history.
    """

    status: ConsumerStatus | str | None = None
    type: ConsumerType | str | None = None
    user: User | None = None
    user_id: str | None = None
    tax_id: str | None = None
    mother_name: str | None = None
    birthday: datetime | None = None
    company_data: CompanyData | None = None
    addresses: list[Address] | None = None
    bankings: list[Banking] | None = None
    documents: list[Document] | None = None
    phones: list[Phone] | None = None
    states: list[ConsumerState] | None = None


@attrs.frozen(kw_only=True)
class ConsumerState(State):
    """One entry of a consumer's status history.

    Attributes:
        status: The status the consumer entered.
    """

    status: ConsumerStatus | str | None = None


@attrs.frozen(kw_only=True)
class CompanyData:
    """The registry data of a corporate consumer.

    Attributes:
        trade_name: The name the company trades under.
        opening_date: When the company was incorporated.
        activities: Its registered economic activities (CNAE codes).
        partners: Its partners, who go through KYC as people.
    """

    trade_name: str | None = None
    opening_date: datetime | None = None
    activities: list[EconomicActivity] | None = None
    partners: list[CompanyPartner] | None = None


@attrs.frozen(kw_only=True)
class EconomicActivity:
    """One registered economic activity of a company.

    Attributes:
        is_main: Whether this is the company's main activity.
        code: The CNAE code.
        description: What the code stands for.
    """

    is_main: bool | None = None
    code: str | None = None
    description: str | None = None


@attrs.frozen(kw_only=True)
class CompanyPartner:
    """A partner of a corporate consumer.

    Dates here are kept as the server's strings: the API types them as free
    text, not as ISO-8601 dates.

    Attributes:
        name: The partner's full name.
        gender: The partner's gender, as the server spells it.
        birth_date: The date of birth.
        birth_country: The country of birth.
        tax_id: The partner's CPF.
        email: The partner's e-mail address.
        marital_status: The marital status.
        identity_doc: The number of the identity document.
        identity_doc_emission_date: When that document was issued.
        identity_doc_emission_entity: Who issued it.
        identity_doc_state: The state that issued it.
        phones: The partner's phones.
    """

    name: str | None = None
    gender: str | None = None
    birth_date: str | None = None
    birth_country: str | None = None
    tax_id: str | None = None
    email: str | None = None
    marital_status: str | None = None
    identity_doc: str | None = None
    identity_doc_emission_date: str | None = None
    identity_doc_emission_entity: str | None = None
    identity_doc_state: str | None = None
    phones: list[PartnerPhone] | None = None


@attrs.frozen(kw_only=True)
class PartnerPhone:
    """A partner's phone, stored inside the company data rather than as an entity.

    Attributes:
        type: What the line is used for.
        code: The area code.
        number: The number.
        extension: The extension, if any.
    """

    type: PhoneType | str | None = None
    code: str | None = None
    number: str | None = None
    extension: str | None = None


@attrs.frozen(kw_only=True)
class Address(BaseModel):
    """A postal address of a consumer.

    Attributes:
        type: What the address is used for.
        status: The address's verification status, as the server spells it.
        country: The country.
        state: The state (UF).
        city: The city.
        neighborhood: The neighbourhood (bairro).
        code: The postal code (CEP).
        street: The street.
        number: The house number, as written.
        complement: The flat, floor or block.
        reference: A landmark to find it by.
    """

    type: AddressType | str | None = None
    status: str | None = None
    country: str | None = None
    state: str | None = None
    city: str | None = None
    neighborhood: str | None = None
    code: str | None = None
    street: str | None = None
    number: str | None = None
    complement: str | None = None
    reference: str | None = None


@attrs.frozen(kw_only=True)
class Phone(BaseModel):
    """A phone line of a consumer.

    Attributes:
        type: What the line is used for.
        code: The area code, digits only.
        number: The number, digits only.
        extension: The extension, if any.
        verified_at: When the line was verified by a token, if it was.
    """

    type: PhoneType | str | None = None
    code: str | None = None
    number: str | None = None
    extension: str | None = None
    verified_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Banking(BaseModel):
    """A bank account of a consumer, for withdrawals.

    Attributes:
        type: Checking or savings.
        bank: The bank's COMPE code.
        agency: The branch number.
        agency_digit: The branch check digit.
        account: The account number.
        account_digit: The account check digit.
    """

    type: BankingType | str | None = None
    bank: int | None = None
    agency: int | None = None
    agency_digit: str | None = None
    account: int | None = None
    account_digit: str | None = None


@attrs.frozen(kw_only=True)
class Document(BaseModel):
    """An identity or address document of a consumer.

    The pictures are base64 or URLs, and both large and personal, so they are
    left out of ``repr``.

    Attributes:
        type: The kind of document.
        status: Where it stands in verification.
        consumer_id: The consumer it belongs to.
        number: The document's number.
        front: The picture of the front.
        back: The picture of the back.
        selfie: The holder's selfie with it.
        verified_at: When it was verified.
        expires_at: When the document itself expires.
        states: The status history.
    """

    type: DocumentType | str | None = None
    status: DocumentStatus | str | None = None
    consumer_id: str | None = None
    number: str | None = None
    front: str | None = attrs.field(default=None, repr=False)
    back: str | None = attrs.field(default=None, repr=False)
    selfie: str | None = attrs.field(default=None, repr=False)
    verified_at: datetime | None = None
    expires_at: datetime | None = None
    states: list[DocumentState] | None = None


@attrs.frozen(kw_only=True)
class DocumentState(State):
    """One entry of a document's status history.

    Attributes:
        status: The status the document entered.
    """

    status: DocumentStatus | str | None = None


@attrs.frozen(kw_only=True)
class KYCPreview:
    """The answer of a KYC preview (``GET /preview/kyc/:taxId``).

    Attributes:
        accepted: Whether the tax id would pass KYC.
        details: The provider's findings, whose shape the API does not fix.
    """

    accepted: bool | None = None
    details: Any = None
