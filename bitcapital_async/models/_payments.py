"""Money movements: payments, the transactions grouping them, transfers, top-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ._base import BaseModel, BaseResponse, State

if TYPE_CHECKING:
    # Annotations only: resolve_model_types() binds these names at run time,
    # once every model module has loaded (the models refer to each other).
    from datetime import datetime
    from decimal import Decimal

    from ._enums import PaymentType, TransactionStatus, TransactionType
    from ._wallets import Asset, Wallet

__all__ = [
    "BankTransfer",
    "BankTransferDestination",
    "BankTransferPayment",
    "Payment",
    "PhoneCredit",
    "PhoneCreditAmount",
    "PhoneCreditDealer",
    "PhoneCreditDealers",
    "Transaction",
    "TransactionState",
]


@attrs.frozen(kw_only=True)
class Payment(BaseModel):
    """One movement of an asset into a wallet, inside a transaction.

    Attributes:
        type: What moved the money; a plain ``str`` when unknown to this SDK.
        status: Where the payment stands (``settled``), as the server spells it.
        amount: How much moved.
        asset: The asset moved, when joined.
        destination: The wallet credited, when joined.
        transaction: The transaction holding this payment, when joined.
        schedule_for: When a scheduled payment is due.
    """

    type: PaymentType | str | None = None
    status: str | None = None
    amount: Decimal | None = None
    asset: Asset | None = None
    destination: Wallet | None = None
    transaction: Transaction | None = None
    schedule_for: datetime | None = None


@attrs.frozen(kw_only=True)
class Transaction(BaseModel):
    """A ledger operation from one source wallet, made of payments.

    Attributes:
        type: The ledger operation; a plain ``str`` when unknown.
        status: Where it stands (nightly); note ``TransactionStatus.AUTHORIZED``
            is upper case on the wire.
        source: The wallet debited, when joined.
        payments: The payments it made.
        additional_data: Free-form data such as the Stellar ``hash`` and the
            asset's id and code, in both camelCase and snake_case.
        created_by: Who created it: a user on 1.6.0 servers, an access token on
            nightly ones. Kept as sent, and out of ``repr`` because a token
            record can hold the bearer token itself.
        states: The status history.
    """

    type: TransactionType | str | None = None
    status: TransactionStatus | str | None = None
    source: Wallet | None = None
    payments: list[Payment] | None = None
    additional_data: dict[str, Any] | None = None
    created_by: dict[str, Any] | None = attrs.field(default=None, repr=False)
    states: list[TransactionState] | None = None


@attrs.frozen(kw_only=True)
class TransactionState(State):
    """One entry of a transaction's status history.

    Attributes:
        status: The status the transaction entered.
    """

    status: TransactionStatus | str | None = None


@attrs.frozen(kw_only=True)
class BankTransferPayment(BaseResponse):
    """The receipt of a withdrawal to a bank account.

    Attributes:
        type: The kind of transfer, as the server spells it.
        bitcapital_core_id: The id of the matching payment in the core.
        transaction_code: The bank's code for the transfer.
        source: The wallet debited, or only its id.
        amount: How much was sent.
        bank_transfer: Where it went.
    """

    type: str | None = None
    bitcapital_core_id: str | None = None
    transaction_code: str | None = None
    source: Wallet | str | None = None
    amount: Decimal | None = None
    bank_transfer: BankTransfer | None = None


@attrs.frozen(kw_only=True)
class BankTransfer:
    """The bank side of a withdrawal.

    Attributes:
        destination: The account credited.
        identificator: The transfer's number at the bank.
        sub_issuer_code: The sub-issuer that sent it.
    """

    destination: BankTransferDestination | None = None
    identificator: int | None = None
    sub_issuer_code: int | None = None


@attrs.frozen(kw_only=True)
class BankTransferDestination:
    """The bank account a withdrawal credits.

    Attributes:
        bank: The bank's COMPE code.
        agency: The branch number.
        agency_digit: The branch check digit.
        account: The account number.
        account_digit: The account check digit.
        name: The holder's name.
        tax_id_number: The holder's tax id.
        type: Checking or savings, as the server spells it.
    """

    bank: int | None = None
    agency: int | None = None
    agency_digit: str | None = None
    account: int | None = None
    account_digit: str | None = None
    name: str | None = None
    tax_id_number: str | None = None
    type: str | None = None


@attrs.frozen(kw_only=True)
class PhoneCredit(BaseModel):
    """A mobile phone top-up order (nightly).

    Attributes:
        wallet_id: The wallet that pays for it.
        provider_code: The carrier's code.
        phone_code: The area code.
        phone_number: The number to top up.
        chosen_amount: The amount option picked, as the server spells it.
        provider_order_id: The order's id at the carrier.
        status: Where the order stands, as the server spells it.
        amounts: The amounts the carrier offers.
    """

    wallet_id: str | None = None
    provider_code: str | None = None
    phone_code: str | None = None
    phone_number: str | None = None
    chosen_amount: str | None = None
    provider_order_id: str | None = None
    status: str | None = None
    amounts: list[PhoneCreditAmount] | None = None


@attrs.frozen(kw_only=True)
class PhoneCreditAmount:
    """One amount a carrier offers for a top-up.

    Attributes:
        id: The option's id.
        amount: The value of the top-up.
        amount_key: The carrier's key for this option.
    """

    id: str | None = None
    amount: Decimal | None = None
    amount_key: str | None = None


@attrs.frozen(kw_only=True)
class PhoneCreditDealers:
    """The carriers that sell top-ups (``GET /phone-credits/providers``).

    Attributes:
        dealers: The carriers.
    """

    dealers: list[PhoneCreditDealer] | None = None


@attrs.frozen(kw_only=True)
class PhoneCreditDealer:
    """A carrier that sells top-ups.

    Attributes:
        name: The carrier's name.
        code: The code to order with.
    """

    name: str | None = None
    code: str | None = None
