"""The Bitcapital Core services, as attributes of the client.

Each service is one family of endpoints: ``client.wallets``, ``client.payments``
and so on. Methods take keyword arguments and return the typed models of
``bitcapital_async.models``; collections come a page at a time from
``find_all(skip=..., limit=...)`` or item by item from ``iter_all()``::

    page = await client.consumers.find_all(limit=50)
    async for wallet in client.wallets.iter_all():
        ...
"""

from ._base import Amount, Service
from ._bills import BoletoService, PhoneCreditService
from ._consumer_records import (
    AddressService,
    BankingService,
    DocumentService,
    NestedService,
    PhoneService,
)
from ._consumers import ConsumerService, PreviewService
from ._domains import (
    DomainMetrics,
    DomainService,
    MetricType,
    ProductService,
    StatusService,
)
from ._pagination import DEFAULT_PAGE_SIZE, Page
from ._payments import AssetService, PaymentService, Recipient, TransactionService
from ._users import MediatorService, UserService
from ._wallets import BankAccount, CardService, WalletService

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "AddressService",
    "Amount",
    "AssetService",
    "BankAccount",
    "BankingService",
    "BoletoService",
    "CardService",
    "ConsumerService",
    "DocumentService",
    "DomainMetrics",
    "DomainService",
    "MediatorService",
    "MetricType",
    "NestedService",
    "Page",
    "PaymentService",
    "PhoneCreditService",
    "PhoneService",
    "PreviewService",
    "ProductService",
    "Recipient",
    "Service",
    "StatusService",
    "TransactionService",
    "UserService",
    "WalletService",
]
