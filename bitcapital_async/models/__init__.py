"""Typed models of the Bitcapital Core API and the converter that fills them.

Models are frozen attrs classes with snake_case names; ``structure`` builds one
from the API's camelCase JSON and ``unstructure`` turns one back::

    user = structure(await response.json(), User)
    users = structure(await response.json(), list[User])
    body = unstructure(user)

Fields holding an enum are typed ``SomeEnum | str``: a value this SDK does not
know yet arrives as the plain string instead of failing the whole answer.
"""

from __future__ import annotations

from ._base import BaseModel, BaseResponse, State
from ._boletos import (
    Boleto,
    BoletoAmountDetails,
    BoletoEmission,
    BoletoEmissionSource,
    BoletoInfo,
    BoletoPartialAmount,
    BoletoPaymentInfo,
    BoletoPaymentResponse,
    BoletoTraders,
    BoletoValidateResponse,
)
from ._consumers import (
    Address,
    Banking,
    CompanyData,
    CompanyPartner,
    Consumer,
    ConsumerState,
    Document,
    DocumentState,
    EconomicActivity,
    KYCPreview,
    PartnerPhone,
    Phone,
)
from ._converter import converter, resolve_model_types, structure, unstructure
from ._domains import (
    AmountMetric,
    CountMetric,
    Domain,
    DomainSettings,
    DomainSettingsLocks,
    Product,
)
from ._enums import (
    AddressType,
    AssetProvider,
    BankingType,
    CardStatus,
    CardType,
    ConsumerStatus,
    ConsumerType,
    DocumentSide,
    DocumentStatus,
    DocumentType,
    DomainRole,
    PaymentType,
    PhoneType,
    PostbackEntity,
    TransactionStatus,
    TransactionType,
    UserRole,
    UserStatus,
    WalletStatus,
)
from ._payments import (
    BankTransfer,
    BankTransferDestination,
    BankTransferPayment,
    Payment,
    PhoneCredit,
    PhoneCreditAmount,
    PhoneCreditDealer,
    PhoneCreditDealers,
    Transaction,
    TransactionState,
)
from ._platform import OAuthSecretToken, Postback, SecretTokenResource, StatusResponse
from ._users import User, UserState
from ._wallets import (
    Asset,
    BankingWalletData,
    Card,
    DepositAccount,
    DepositBank,
    DepositInfo,
    StellarWalletData,
    Wallet,
    WalletBalance,
    WalletState,
)

__all__ = [
    "Address",
    "AddressType",
    "AmountMetric",
    "Asset",
    "AssetProvider",
    "BankTransfer",
    "BankTransferDestination",
    "BankTransferPayment",
    "Banking",
    "BankingType",
    "BankingWalletData",
    "BaseModel",
    "BaseResponse",
    "Boleto",
    "BoletoAmountDetails",
    "BoletoEmission",
    "BoletoEmissionSource",
    "BoletoInfo",
    "BoletoPartialAmount",
    "BoletoPaymentInfo",
    "BoletoPaymentResponse",
    "BoletoTraders",
    "BoletoValidateResponse",
    "Card",
    "CardStatus",
    "CardType",
    "CompanyData",
    "CompanyPartner",
    "Consumer",
    "ConsumerState",
    "ConsumerStatus",
    "ConsumerType",
    "CountMetric",
    "DepositAccount",
    "DepositBank",
    "DepositInfo",
    "Document",
    "DocumentSide",
    "DocumentState",
    "DocumentStatus",
    "DocumentType",
    "Domain",
    "DomainRole",
    "DomainSettings",
    "DomainSettingsLocks",
    "EconomicActivity",
    "KYCPreview",
    "OAuthSecretToken",
    "PartnerPhone",
    "Payment",
    "PaymentType",
    "Phone",
    "PhoneCredit",
    "PhoneCreditAmount",
    "PhoneCreditDealer",
    "PhoneCreditDealers",
    "PhoneType",
    "Postback",
    "PostbackEntity",
    "Product",
    "SecretTokenResource",
    "State",
    "StatusResponse",
    "StellarWalletData",
    "Transaction",
    "TransactionState",
    "TransactionStatus",
    "TransactionType",
    "User",
    "UserRole",
    "UserState",
    "UserStatus",
    "Wallet",
    "WalletBalance",
    "WalletState",
    "WalletStatus",
    "converter",
    "structure",
    "unstructure",
]

# The models name each other across modules (a User holds Wallets, a Wallet has
# a User), so their annotations can only be resolved once all are loaded.
resolve_model_types(globals())
