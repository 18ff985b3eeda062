"""The closed vocabularies of the Bitcapital API, as ``str``-valued enums.

Every enum here is an ``enum.StrEnum``, so a member compares equal to its wire
value and formats as it (``f"/users/role/{UserRole.ADMIN}"`` is
``"/users/role/admin"``). Model fields that hold one are typed
``SomeEnum | str``: the converter returns the member when the value is known and
the raw string when it is not, because the server grew new values between
releases (``UserStatus`` gained three in nightly) and an SDK that refuses a whole
answer over one new status word breaks on every server upgrade.
"""

from __future__ import annotations

import enum

__all__ = [
    "AddressType",
    "AssetProvider",
    "BankingType",
    "CardStatus",
    "CardType",
    "ConsumerStatus",
    "ConsumerType",
    "DocumentSide",
    "DocumentStatus",
    "DocumentType",
    "DomainRole",
    "PaymentType",
    "PhoneType",
    "PostbackEntity",
    "TransactionStatus",
    "TransactionType",
    "UserRole",
    "UserStatus",
    "WalletStatus",
]


class UserRole(enum.StrEnum):
    """What a user may do on its domain."""

    ADMIN = "admin"
    AUDIT = "audit"
    MEDIATOR = "mediator"
    OPERATOR = "operator"
    CONSUMER = "consumer"
    PUBLIC = "public"


class UserStatus(enum.StrEnum):
    """Whether a user account can be used."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING = "pending"
    PROCESSING = "processing"
    FAILED = "failed"


class ConsumerType(enum.StrEnum):
    """Whether a consumer is a company or a person."""

    CORPORATE = "corporate"
    PERSONAL = "personal"


class ConsumerStatus(enum.StrEnum):
    """Where a consumer stands in onboarding and KYC."""

    READY = "ready"
    REJECTED = "rejected"
    PENDING_DOCUMENTS = "pending_documents"
    PENDING_SELFIE = "pending_selfie"
    PENDING_DELETION = "pending_deletion"
    PENDING_PHONE_VERIFICATION = "pending_phone_verification"
    PENDING_KYC_RECHECK = "pending_kyc_recheck"
    PROCESSING_DOCUMENTS = "processing_documents"
    PROCESSING_WALLETS = "processing_wallets"
    PROVIDER_FAILED = "provider_failed"
    INVALID_DOCUMENTS = "invalid_documents"
    MANUAL_VERIFICATION = "manual_verification"
    SUSPENDED = "suspended"
    BLOCKED = "blocked"
    DELETED = "deleted"


class AddressType(enum.StrEnum):
    """What an address is used for."""

    HOME = "home"
    WORK = "work"


class PhoneType(enum.StrEnum):
    """What a phone line is used for."""

    HOME = "home"
    WORK = "work"
    MOBILE = "mobile"


class BankingType(enum.StrEnum):
    """The kind of a bank account."""

    CHECKING = "checking"
    SAVINGS = "savings"


class DocumentType(enum.StrEnum):
    """The kind of an identity or address document."""

    TAX_ID = "tax_id"
    BRL_IDENTITY = "brl_identity"
    BRL_INDIVIDUAL_REG = "brl_individual_reg"
    BRL_DRIVERS_LICENSE = "brl_drivers_license"
    BRL_ADDRESS_STATEMENT = "brl_address_statement"
    PASSPORT = "passport"
    OTHER = "other"


class DocumentStatus(enum.StrEnum):
    """Where a document stands in verification."""

    VERIFIED = "verified"
    MANUALLY_VERIFIED = "manually_verified"
    DELETED_BY_USER = "deleted_by_user"
    PENDING_INFORMATION = "pending_information"
    PROCESSING = "processing"
    FAILED_VERIFICATION = "failed_verification"
    FAILED_MANUAL_VERIFICATION = "failed_manual_verification"


class DocumentSide(enum.StrEnum):
    """Which picture of a document an upload carries."""

    FRONT = "front"
    BACK = "back"
    BOTH_SIDES = "both_sides"
    SELFIE = "selfie"


class DomainRole(enum.StrEnum):
    """Whether a domain is the instance's root or a tenant under it."""

    ROOT = "root"
    COMMON = "common"


class WalletStatus(enum.StrEnum):
    """Where a wallet stands in its registration with the custody provider."""

    PENDING = "pending"
    REGISTERED = "registered"
    REGISTERED_IN_PROVIDER = "registered_in_provider"
    PENDING_PROVIDER_APPROVAL = "pending_provider_approval"
    READY = "ready"
    FAILED = "failed"
    REJECTED = "rejected"


class AssetProvider(enum.StrEnum):
    """The ledger or issuer that holds an asset."""

    STELLAR = "stellar"
    CDT_VISA = "cdt-visa"
    CELSIUS_NETWORK = "celsius-network"


class PaymentType(enum.StrEnum):
    """What moved money in a payment."""

    BOLETO = "boleto"
    CARD = "card"
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    TRANSFER = "transfer"
    TRANSACTION_REVERSAL = "transaction_reversal"
    SERVICE_FEE = "service_fee"


class TransactionType(enum.StrEnum):
    """The ledger operation a transaction performs."""

    CREATE_ACCOUNT = "create_account"
    CHANGE_TRUST = "change_trust"
    PAYMENT = "payment"


class TransactionStatus(enum.StrEnum):
    """Where a transaction stands.

    ``AUTHORIZED`` is upper case on the wire, unlike every other value: the
    nightly server sends it that way.
    """

    PENDING = "pending"
    AUTHORIZED = "AUTHORIZED"
    EXECUTED = "executed"
    NOTIFIED = "notified"
    FAILED = "failed"


class CardType(enum.StrEnum):
    """Whether a card is a plastic or only numbers."""

    VIRTUAL = "virtual"
    PHYSICAL = "physical"


class CardStatus(enum.StrEnum):
    """Whether a card can be used."""

    AVAILABLE = "available"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class PostbackEntity(enum.StrEnum):
    """The kind of entity a postback announces a change on."""

    USER = "user"
    TRANSACTION = "transaction"
