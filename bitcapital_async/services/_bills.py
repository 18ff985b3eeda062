"""Bills paid from a wallet: boletos (Brazilian bank slips) and phone top-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bitcapital_async.models import (
    Boleto,
    BoletoEmission,
    BoletoPaymentResponse,
    BoletoValidateResponse,
    PhoneCredit,
    PhoneCreditDealers,
)

from ._base import Amount, Service, body, decimal_text, json_number, options, segment

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["BoletoService", "PhoneCreditService"]


class BoletoService(Service):
    """``client.boletos``: check, pay and emit boletos (1.6.1's ``/boletos`` paths)."""

    async def get_payment_info(self, barcode: str) -> BoletoValidateResponse:
        """Ask the bank what it knows of a boleto before paying it.

        Calls ``GET /boletos?barcode=…``, with the bar code in the query string
        where the JavaScript SDK meant it to be.

        Args:
            barcode: The boleto's bar code or digitable line.
        """
        return await self._call(
            "GET", "/boletos", BoletoValidateResponse, params={"barcode": barcode}
        )

    async def find_one(self, boleto_id: str) -> Boleto:
        """One emitted boleto by id (``GET /boletos/:id``)."""
        return await self._call("GET", f"/boletos/{segment(boleto_id)}", Boleto)

    async def pay(
        self,
        *,
        user_id: str,
        barcode: str,
        description: str,
        amount: Amount | None = None,
        discount: Amount | None = None,
        tax_amount: Amount | None = None,
        otp: str | None = None,
        idempotence_key: str | None = None,
    ) -> BoletoPaymentResponse:
        """Pay a boleto from a user's wallet (signed ``POST /boletos/pay``).

        Args:
            user_id: The id of the user who pays.
            barcode: The boleto's bar code.
            description: A description kept with the payment.
            amount: How much to pay, if not the boleto's amount.
            discount: A discount to apply.
            tax_amount: Interest and fines to add.
            otp: A two-factor code, if the domain asks for one.
            idempotence_key: A key that makes a repeated call harmless.
        """
        payload = body(
            user_id=user_id,
            barcode=barcode,
            amount=_number(amount),
            discount=_number(discount),
            tax_amount=_number(tax_amount),
            description=description,
        )
        return await self._call(
            "POST",
            "/boletos/pay",
            BoletoPaymentResponse,
            json=payload,
            headers=options(otp, idempotence_key),
            sign=True,
        )

    async def emit(
        self,
        *,
        amount: Amount,
        destination: str,
        expires_at: datetime | None = None,
        otp: str | None = None,
        idempotence_key: str | None = None,
    ) -> BoletoEmission:
        """Emit a boleto whose payment credits a wallet (signed ``/boletos/emit``).

        Args:
            amount: How much the boleto asks for.
            destination: The id of the wallet credited when it is paid.
            expires_at: The due date.
            otp: A two-factor code, if the domain asks for one.
            idempotence_key: A key that makes a repeated call harmless.
        """
        payload = body(amount=json_number(amount), destination=destination)
        if expires_at is not None:
            payload["extra"] = body(expires_at=expires_at)
        return await self._call(
            "POST",
            "/boletos/emit",
            BoletoEmission,
            json=payload,
            headers=options(otp, idempotence_key),
            sign=True,
        )


class PhoneCreditService(Service):
    """``client.phone_credits``: mobile top-ups paid from a wallet (all signed)."""

    async def find_providers(self) -> PhoneCreditDealers:
        """List the carriers that sell top-ups (``GET /phone-credits/providers``)."""
        return await self._call(
            "GET", "/phone-credits/providers", PhoneCreditDealers, sign=True
        )

    async def find_order_history(self, wallet_id: str) -> list[PhoneCredit]:
        """List the top-up orders of a wallet (``…/order/history/:walletId``)."""
        path = f"/phone-credits/order/history/{segment(wallet_id)}"
        return await self._list(path, PhoneCredit, sign=True)

    async def create_order(
        self, *, phone_code: str, phone_number: str, provider_code: str
    ) -> PhoneCredit:
        """Start a top-up order; it lists the amounts on offer.

        Calls ``POST /phone-credits/order/create``.

        Args:
            phone_code: The area code.
            phone_number: The number to top up.
            provider_code: The carrier's code, from ``find_providers``.
        """
        payload = body(
            phone_code=phone_code,
            phone_number=phone_number,
            provider_code=provider_code,
        )
        return await self._call(
            "POST", "/phone-credits/order/create", PhoneCredit, json=payload, sign=True
        )

    async def complete_order(
        self,
        order_id: str,
        *,
        amount: Amount,
        source: str,
        otp: str | None = None,
        idempotence_key: str | None = None,
    ) -> PhoneCredit:
        """Pay a top-up order from a wallet (``…/order/:orderId/complete``).

        Args:
            order_id: The order, from ``create_order``.
            amount: One of the amounts the order offers.
            source: The id of the wallet that pays.
            otp: A two-factor code, if the domain asks for one.
            idempotence_key: A key that makes a repeated call harmless.
        """
        payload = {"amount": decimal_text(amount), "source": source}
        return await self._call(
            "POST",
            f"/phone-credits/order/{segment(order_id)}/complete",
            PhoneCredit,
            json=payload,
            headers=options(otp, idempotence_key),
            sign=True,
        )


def _number(amount: Amount | None) -> int | float | None:
    return None if amount is None else json_number(amount)
