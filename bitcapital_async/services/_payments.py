"""Money: assets emitted and destroyed, payments between wallets, transactions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from bitcapital_async.models import (
    Asset,
    AssetProvider,
    BankTransferPayment,
    Payment,
    PaymentType,
    Transaction,
)

from ._base import Amount, Service, body, decimal_text, json_number, options, segment
from ._pagination import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping, Sequence
    from datetime import datetime

__all__ = [
    "AssetService",
    "PaymentService",
    "Recipient",
    "TransactionService",
]

# The developer hub caps one payment request at this many recipients.
MAX_RECIPIENTS: Final = 100


@attrs.frozen(kw_only=True)
class Recipient:
    """One leg of a payment: how much of which asset goes to which wallet.

    Attributes:
        destination: The id of the wallet credited.
        amount: How much; sent as a decimal string, so a ``Decimal`` or a
            string keeps it exact.
        asset: The asset's id or code, or ``root``; the server's root asset
            when left out.
        schedule_for: When to pay, for a scheduled payment.
    """

    destination: str
    amount: Amount
    asset: str | None = None
    schedule_for: datetime | None = None


class AssetService(Service):
    """``client.assets``: the instance's assets, and emitting or destroying them."""

    async def find_all(
        self, *, skip: int | None = None, limit: int | None = None
    ) -> Page[Asset]:
        """One page of assets (``GET /assets``)."""
        return await self._page("/assets", Asset, skip=skip, limit=limit)

    def iter_all(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[Asset]:
        """Every asset, fetched a page at a time as you iterate."""
        return self._iterate("/assets", Asset, page_size=page_size)

    async def find_one(self, asset_id: str) -> Asset:
        """One asset by id (``GET /assets/:id``)."""
        return await self._call("GET", f"/assets/{segment(asset_id)}", Asset)

    async def create(
        self,
        *,
        code: str,
        name: str | None = None,
        issuer: str | None = None,
        provider: AssetProvider | str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Asset:
        """Create an asset (``POST /assets``).

        Args:
            code: The asset code, e.g. ``BRLD``.
            name: A human name.
            issuer: The id of the issuing wallet; the root wallet by default.
            provider: Where the asset lives.
            extra: More body fields, sent as is.
        """
        payload = body(
            code=code, name=name, issuer=issuer, provider=provider, extra=extra
        )
        return await self._call("POST", "/assets", Asset, json=payload)

    async def emit(
        self,
        asset_id: str,
        *,
        amount: Amount,
        destination: str | None = None,
        additional_data: Mapping[str, Any] | None = None,
        payment_type: PaymentType | str | None = None,
        otp: str | None = None,
        idempotence_key: str | None = None,
    ) -> Transaction:
        """Create money: credit a wallet with new units (signed ``…/:id/emit``).

        Args:
            asset_id: The asset's id.
            amount: How much to emit.
            destination: The wallet credited; the mediator's wallet by default.
            additional_data: Free-form data recorded with the transaction.
            payment_type: The kind of payment recorded, e.g. ``deposit``.
            otp: A two-factor code, if the domain asks for one.
            idempotence_key: A key that makes a repeated call harmless.
        """
        payload = body(
            amount=decimal_text(amount),
            destination=destination,
            additional_data=_dict(additional_data),
            payment_type=payment_type,
        )
        return await self._money(asset_id, "emit", payload, otp, idempotence_key)

    async def destroy(
        self,
        asset_id: str,
        *,
        amount: Amount,
        source: str | None = None,
        additional_data: Mapping[str, Any] | None = None,
        payment_type: PaymentType | str | None = None,
        otp: str | None = None,
        idempotence_key: str | None = None,
    ) -> Transaction:
        """Remove money: debit units from a wallet for good (signed ``…/destroy``).

        Args:
            asset_id: The asset's id.
            amount: How much to destroy.
            source: The wallet debited; the mediator's wallet by default.
            additional_data: Free-form data recorded with the transaction.
            payment_type: The kind of payment recorded, e.g. ``withdrawal``.
            otp: A two-factor code, if the domain asks for one.
            idempotence_key: A key that makes a repeated call harmless.
        """
        payload = body(
            amount=decimal_text(amount),
            source=source,
            additional_data=_dict(additional_data),
            payment_type=payment_type,
        )
        return await self._money(asset_id, "destroy", payload, otp, idempotence_key)

    async def _money(
        self,
        asset_id: str,
        action: str,
        payload: dict[str, Any],
        otp: str | None,
        idempotence_key: str | None,
    ) -> Transaction:
        return await self._call(
            "POST",
            f"/assets/{segment(asset_id)}/{action}",
            Transaction,
            json=payload,
            headers=options(otp, idempotence_key),
            sign=True,
        )


class PaymentService(Service):
    """``client.payments``: paying wallets and withdrawing to bank accounts."""

    async def find_one(self, payment_id: str) -> Payment:
        """One payment by id (``GET /payments/:id``)."""
        return await self._call("GET", f"/payments/{segment(payment_id)}", Payment)

    async def pay(
        self,
        *,
        source: str,
        recipients: Sequence[Recipient],
        otp: str | None = None,
        idempotence_key: str | None = None,
    ) -> Transaction:
        """Pay one or more wallets from one wallet, atomically (signed ``/payments/``).

        Each recipient names its own asset, as 1.6.1 does; the older global
        asset in the path is not used.

        Args:
            source: The id of the wallet debited.
            recipients: Who gets how much, 1 to 100 of them.
            otp: A two-factor code, if the domain asks for one.
            idempotence_key: A key that makes a repeated call harmless.

        Raises:
            ValueError: No recipients, or more than 100.
        """
        if not 1 <= len(recipients) <= MAX_RECIPIENTS:
            raise ValueError(
                f"a payment has 1 to {MAX_RECIPIENTS} recipients, got {len(recipients)}"
            )
        payload = {
            "source": source,
            "recipients": [_recipient(recipient) for recipient in recipients],
        }
        return await self._call(
            "POST",
            "/payments/",
            Transaction,
            json=payload,
            headers=options(otp, idempotence_key),
            sign=True,
        )

    async def withdraw(
        self,
        banking_id: str,
        *,
        amount: Amount,
        description: str,
        otp: str | None = None,
        idempotence_key: str | None = None,
    ) -> BankTransferPayment:
        """Send money to one of a consumer's bank accounts (signed).

        Calls ``POST /payments/withdraw/:bankingId``; the consumer's wallet is
        debited.

        Args:
            banking_id: The id of the consumer's banking record.
            amount: How much to send.
            description: The transfer's description.
            otp: A two-factor code, if the domain asks for one.
            idempotence_key: A key that makes a repeated call harmless.
        """
        payload = {"amount": json_number(amount), "description": description}
        return await self._call(
            "POST",
            f"/payments/withdraw/{segment(banking_id)}",
            BankTransferPayment,
            json=payload,
            headers=options(otp, idempotence_key),
            sign=True,
        )


class TransactionService(Service):
    """``client.transactions``: the ledger operations behind payments."""

    async def find_one(self, transaction_id: str) -> Transaction:
        """One transaction by id, with its payments (``GET /transactions/:id``)."""
        path = f"/transactions/{segment(transaction_id)}"
        return await self._call("GET", path, Transaction)


def _recipient(recipient: Recipient) -> dict[str, Any]:
    return body(
        amount=decimal_text(recipient.amount),
        destination=recipient.destination,
        asset=recipient.asset,
        schedule_for=recipient.schedule_for,
    )


def _dict(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else dict(values)
