"""Wallets, their movements and deposit details, and the cards that spend from them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from bitcapital_async.models import (
    Card,
    CardType,
    DepositInfo,
    Payment,
    Transaction,
    Wallet,
)

from ._base import Amount, Service, body, json_number, options, segment
from ._pagination import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping
    from datetime import datetime

__all__ = ["BankAccount", "CardService", "WalletService"]

# The cancellation reason codes the card processor accepts.
CANCEL_REASONS: Final = range(3, 17)


@attrs.frozen(kw_only=True)
class BankAccount:
    """A bank account to withdraw to, when it is not one of the consumer's bankings.

    Attributes:
        bank: The bank's COMPE code.
        agency: The branch number.
        agency_digit: The branch check digit.
        account: The account number.
        account_digit: The account check digit.
    """

    bank: int
    agency: int
    account: int
    account_digit: str
    agency_digit: str | None = None


class WalletService(Service):
    """``client.wallets``: wallets, their transactions, cards and withdrawals."""

    async def find_all(
        self, *, skip: int | None = None, limit: int | None = None
    ) -> Page[Wallet]:
        """One page of wallets (``GET /wallets``)."""
        return await self._page("/wallets", Wallet, skip=skip, limit=limit)

    def iter_all(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[Wallet]:
        """Every wallet, fetched a page at a time as you iterate."""
        return self._iterate("/wallets", Wallet, page_size=page_size)

    async def find_one(self, wallet_id: str) -> Wallet:
        """One wallet by id, with its balances (``GET /wallets/:id``)."""
        return await self._call("GET", _path(wallet_id), Wallet)

    async def find_root(self) -> Wallet:
        """Get the root wallet, which issues the assets (``GET /wallets/root``)."""
        return await self._call("GET", "/wallets/root", Wallet)

    async def find_transactions(
        self, wallet_id: str, *, skip: int | None = None, limit: int | None = None
    ) -> Page[Transaction]:
        """One page of the transactions a wallet made (``…/:id/transactions``)."""
        path = _path(wallet_id, "transactions")
        return await self._page(path, Transaction, skip=skip, limit=limit)

    def iter_transactions(
        self, wallet_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Transaction]:
        """Every transaction a wallet made, a page at a time as you iterate."""
        path = _path(wallet_id, "transactions")
        return self._iterate(path, Transaction, page_size=page_size)

    async def find_payments(
        self, wallet_id: str, *, skip: int | None = None, limit: int | None = None
    ) -> Page[Transaction]:
        """One page of the transactions that paid into a wallet (``…/:id/payments``).

        Version 1.6.1 of the JavaScript SDK reads these as transactions, each
        holding its payments.
        """
        path = _path(wallet_id, "payments")
        return await self._page(path, Transaction, skip=skip, limit=limit)

    def iter_payments(
        self, wallet_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Transaction]:
        """Every transaction that paid into a wallet, a page at a time."""
        path = _path(wallet_id, "payments")
        return self._iterate(path, Transaction, page_size=page_size)

    async def find_cards(
        self, wallet_id: str, *, skip: int | None = None, limit: int | None = None
    ) -> Page[Card]:
        """One page of the cards on a wallet (``GET /wallets/:id/cards``)."""
        return await self._page(_path(wallet_id, "cards"), Card, skip=skip, limit=limit)

    async def create(
        self,
        *,
        user: str,
        product: str | None = None,
        additional_data: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Wallet:
        """Open a wallet for a user (``POST /wallets``).

        Args:
            user: The owner's user id.
            product: The id of the product the wallet belongs to.
            additional_data: Free-form data to keep with the wallet.
            extra: More body fields, sent as is.
        """
        payload = body(
            user=user,
            product=product,
            additional_data=_dict(additional_data),
            extra=extra,
        )
        return await self._call("POST", "/wallets", Wallet, json=payload)

    async def update(
        self,
        wallet_id: str,
        *,
        additional_data: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Wallet:
        """Change some fields of a wallet (``POST /wallets/:id``); others stay."""
        payload = body(additional_data=_dict(additional_data), extra=extra)
        return await self._call("POST", _path(wallet_id), Wallet, json=payload)

    async def delete(self, wallet_id: str) -> None:
        """Close a wallet (``DELETE /wallets/:id``)."""
        await self._none("DELETE", _path(wallet_id))

    async def withdraw(
        self,
        wallet_id: str,
        *,
        amount: Amount,
        banking_id: str | None = None,
        bank: BankAccount | None = None,
        otp: str | None = None,
        idempotence_key: str | None = None,
    ) -> Transaction:
        """Send money from a wallet to a bank account (``POST /wallets/:id/withdraw``).

        Name the account by ``banking_id`` (one of the owner's bankings) or
        give its details in ``bank``.

        Args:
            wallet_id: The wallet debited.
            amount: How much to send.
            banking_id: The id of one of the owner's bank accounts.
            bank: A bank account's details, instead.
            otp: A two-factor code, if the domain asks for one.
            idempotence_key: A key that makes a repeated call harmless.
        """
        payload = body(amount=json_number(amount), banking_id=banking_id, bank=bank)
        return await self._call(
            "POST",
            _path(wallet_id, "withdraw"),
            Transaction,
            json=payload,
            headers=options(otp, idempotence_key),
        )

    async def find_deposit_info(self, wallet_id: str) -> DepositInfo:
        """Get the bank details that deposit into a wallet (``…/depositInfo``)."""
        return await self._call("GET", _path(wallet_id, "depositInfo"), DepositInfo)


class CardService(Service):
    """``client.cards``: the cards on a wallet (1.6.1's wallet-scoped endpoints)."""

    async def find_all(
        self, wallet_id: str, *, skip: int | None = None, limit: int | None = None
    ) -> Page[Card]:
        """One page of the cards on a wallet (``GET /wallets/:id/cards``)."""
        return await self._page(_path(wallet_id, "cards"), Card, skip=skip, limit=limit)

    def iter_all(
        self, wallet_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Card]:
        """Every card on a wallet, fetched a page at a time as you iterate."""
        return self._iterate(_path(wallet_id, "cards"), Card, page_size=page_size)

    async def find_one(self, wallet_id: str, card_id: str) -> Card:
        """One card (``GET /wallets/:walletId/cards/:cardId``)."""
        return await self._call("GET", _card(wallet_id, card_id), Card)

    async def find_payments(
        self,
        wallet_id: str,
        card_id: str,
        *,
        skip: int | None = None,
        limit: int | None = None,
    ) -> Page[Payment]:
        """One page of a card's payments (``…/cards/:cardId/payments``)."""
        path = _card(wallet_id, card_id, "payments")
        return await self._page(path, Payment, skip=skip, limit=limit)

    def iter_payments(
        self, wallet_id: str, card_id: str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Payment]:
        """Every payment of a card, fetched a page at a time as you iterate."""
        path = _card(wallet_id, card_id, "payments")
        return self._iterate(path, Payment, page_size=page_size)

    async def emit(
        self,
        wallet_id: str,
        *,
        type: CardType | str,  # noqa: A002 - the API's name
        plastic_id: str | None = None,
        expiration_date: datetime | None = None,
        otp: str | None = None,
    ) -> Card:
        """Issue a card on a wallet (``POST /wallets/:walletId/cards/:type``).

        Args:
            wallet_id: The wallet the card spends from.
            type: ``virtual`` or ``physical``.
            plastic_id: The plastic's id, for a physical card.
            expiration_date: When a virtual card expires.
            otp: A two-factor code, if the domain asks for one.
        """
        payload = body(plastic_id=plastic_id, expiration_date=expiration_date)
        path = _path(wallet_id, "cards", segment(type))
        return await self._call("POST", path, Card, json=payload, headers=options(otp))

    async def block(
        self,
        wallet_id: str,
        card_id: str,
        *,
        password: str,
        comment: str | None = None,
        otp: str | None = None,
    ) -> Card:
        """Block a card until it is unblocked (``…/cards/:cardId/block``)."""
        payload = body(card_id=card_id, password=password, comment=comment)
        return await self._act(wallet_id, card_id, "block", payload, otp)

    async def unblock(
        self, wallet_id: str, card_id: str, *, password: str, otp: str | None = None
    ) -> Card:
        """Unblock a blocked card (``…/cards/:cardId/unblock``)."""
        payload = body(card_id=card_id, password=password)
        return await self._act(wallet_id, card_id, "unblock", payload, otp)

    async def activate(
        self, wallet_id: str, card_id: str, *, password: str, otp: str | None = None
    ) -> Card:
        """Activate a card that arrived, setting its password (``…/activate``)."""
        payload = body(card_id=card_id, password=password)
        return await self._act(wallet_id, card_id, "activate", payload, otp)

    async def cancel(
        self,
        wallet_id: str,
        card_id: str,
        *,
        reason: int,
        comment: str,
        otp: str | None = None,
    ) -> Card:
        """Cancel a card for good (``…/cards/:cardId/cancel``).

        Args:
            wallet_id: The card's wallet.
            card_id: The card.
            reason: The processor's cancellation code, 3 to 16.
            comment: Why, in words.
            otp: A two-factor code, if the domain asks for one.

        Raises:
            ValueError: ``reason`` is not a code from 3 to 16.
        """
        if reason not in CANCEL_REASONS:
            raise ValueError(f"reason must be a code from 3 to 16, got {reason!r}")
        payload = body(comment=comment, reason=reason)
        return await self._act(wallet_id, card_id, "cancel", payload, otp)

    async def _act(
        self,
        wallet_id: str,
        card_id: str,
        action: str,
        payload: dict[str, Any],
        otp: str | None,
    ) -> Card:
        path = _card(wallet_id, card_id, action)
        return await self._call("POST", path, Card, json=payload, headers=options(otp))


def _path(wallet_id: str, *rest: str) -> str:
    return "/".join(("/wallets", segment(wallet_id), *rest))


def _card(wallet_id: str, card_id: str, *rest: str) -> str:
    return _path(wallet_id, "cards", segment(card_id), *rest)


def _dict(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else dict(values)
