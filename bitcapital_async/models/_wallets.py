"""Wallets, the assets they hold, the cards on them and how to deposit into them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ._base import BaseModel, State
from ._converter import snake_case_wire

if TYPE_CHECKING:
    # Annotations only: resolve_model_types() binds these names at run time,
    # once every model module has loaded (the models refer to each other).
    from decimal import Decimal

    from ._domains import Product
    from ._enums import AssetProvider, CardStatus, WalletStatus
    from ._payments import Payment, Transaction
    from ._users import User

__all__ = [
    "Asset",
    "BankingWalletData",
    "Card",
    "DepositAccount",
    "DepositBank",
    "DepositInfo",
    "StellarWalletData",
    "Wallet",
    "WalletBalance",
    "WalletState",
]


@attrs.frozen(kw_only=True)
class Wallet(BaseModel):
    """An account that holds assets, on Stellar or at a custody provider.

    Attributes:
        status: Where the wallet stands in its registration; a plain ``str``
            when unknown to this SDK.
        stellar: The wallet's Stellar account.
        data: The wallet's bank account, for banking-backed wallets.
        user: The owner, or only the owner's id when the server did not join it.
        product: The product the wallet belongs to (nightly).
        additional_data: Free-form data the server keeps with the wallet.
        balances: The balance of each asset the wallet trusts.
        assets: The assets the wallet trusts; newer servers put the balance on
            each of them.
        issued_assets: The assets this wallet issues.
        transactions: The wallet's transactions, when joined.
        received: The payments the wallet received, when joined.
        states: The status history (nightly).
    """

    status: WalletStatus | str | None = None
    stellar: StellarWalletData | None = None
    data: BankingWalletData | None = None
    user: User | str | None = None
    product: Product | None = None
    additional_data: dict[str, Any] | None = None
    balances: list[WalletBalance] | None = None
    assets: list[Asset] | None = None
    issued_assets: list[Asset] | None = None
    transactions: list[Transaction] | None = None
    received: list[Payment] | None = None
    states: list[WalletState] | None = None


@attrs.frozen(kw_only=True)
class WalletState(State):
    """One entry of a wallet's status history.

    Attributes:
        status: The status the wallet entered.
    """

    status: WalletStatus | str | None = None


# Stellar's Horizon writes balances in snake_case and the API passes them on.
@attrs.frozen(kw_only=True, field_transformer=snake_case_wire)
class WalletBalance:
    """The balance of one asset in a wallet, as Stellar reports it.

    Attributes:
        balance: The amount held.
        limit: The most the wallet's trustline accepts.
        buying_liabilities: The amount reserved by open buy offers.
        selling_liabilities: The amount reserved by open sell offers.
        asset_type: ``native``, ``credit_alphanum4`` or ``credit_alphanum12``.
        asset_code: The asset's code (none for the native asset).
        asset_issuer: The issuing account (none for the native asset).
    """

    balance: Decimal | None = None
    limit: Decimal | None = None
    buying_liabilities: Decimal | None = None
    selling_liabilities: Decimal | None = None
    asset_type: str | None = None
    asset_code: str | None = None
    asset_issuer: str | None = None


@attrs.frozen(kw_only=True)
class StellarWalletData:
    """A wallet's Stellar account.

    Attributes:
        public_key: The account id (``G…``).
        secret_key: The account seed (``S…``), when the server reveals it;
            hidden from ``repr``.
        assets: The codes of the assets the account trusts.
    """

    public_key: str | None = None
    secret_key: str | None = attrs.field(default=None, repr=False)
    assets: list[str] | None = None


@attrs.frozen(kw_only=True)
class BankingWalletData:
    """The bank account behind a banking-backed wallet.

    Attributes:
        bank_code: The bank's COMPE code.
        account_agency: The branch.
        account_number: The account number.
        account_document: The holder's tax id.
    """

    bank_code: str | None = None
    account_agency: str | None = None
    account_number: str | None = None
    account_document: str | None = None


@attrs.frozen(kw_only=True)
class Asset(BaseModel):
    """An asset a wallet can hold, such as the instance's Brazilian real token.

    Attributes:
        name: A human name.
        code: The asset code (``BRLD``).
        issuer: The issuing account.
        provider: Where the asset lives; a plain ``str`` when unknown.
        root: Whether this is the instance's root asset (nightly).
        balance: The holding wallet's balance, on answers scoped to a wallet
            (nightly).
        wallets: The wallets holding it, when joined.
        payments: Its payments, when joined.
    """

    name: str | None = None
    code: str | None = None
    issuer: str | None = None
    provider: AssetProvider | str | None = None
    root: bool | None = None
    balance: Decimal | None = None
    wallets: list[Wallet] | None = None
    payments: list[Payment] | None = None


@attrs.frozen(kw_only=True)
class Card(BaseModel):
    """A payment card on a wallet.

    Attributes:
        status: Whether the card can be used; a plain ``str`` when unknown.
        virtual: Whether it is a virtual card rather than a plastic.
        user_id: The cardholder's user id.
        wallet_id: The wallet the card spends from (nightly).
        user: The cardholder, when joined.
    """

    status: CardStatus | str | None = None
    virtual: bool | None = None
    user_id: str | None = None
    wallet_id: str | None = None
    user: User | None = None


@attrs.frozen(kw_only=True)
class DepositInfo:
    """Where to send a bank transfer so that it lands in a wallet.

    Attributes:
        name: The beneficiary's name.
        tax_id: The beneficiary's tax id.
        external_id: The wallet's id at the custody provider.
        bank: The receiving bank.
        account: The receiving account.
        asset: The asset a deposit is credited in: its code, or the asset.
    """

    name: str | None = None
    tax_id: str | None = None
    external_id: str | None = None
    bank: DepositBank | None = None
    account: DepositAccount | None = None
    asset: Asset | str | None = None


@attrs.frozen(kw_only=True)
class DepositBank:
    """The bank that receives deposits into a wallet.

    Attributes:
        code: The bank's COMPE code.
        name: The bank's name.
    """

    code: str | None = None
    name: str | None = None


@attrs.frozen(kw_only=True)
class DepositAccount:
    """The bank account that receives deposits into a wallet.

    Attributes:
        holder: The account holder's name.
        agency: The branch.
        number: The account number.
        digit: The account check digit.
    """

    holder: str | None = None
    agency: str | None = None
    number: str | None = None
    digit: str | None = None
