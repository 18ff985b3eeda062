"""What the sandbox's wallets spend through: cards, boletos and phone top-ups.

Paying a boleto or a top-up debits the paying wallet through the ledger, so the
same insufficient-funds rule applies; a boleto emitted here and then paid here
credits the wallet it was emitted for.
"""

from __future__ import annotations

import copy
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ._state import SandboxError, new_id, parse_amount, timestamp

if TYPE_CHECKING:
    from ._ledger import Ledger, Leg

__all__ = ["Spending"]

CARD_ACTIONS: Final = ("block", "unblock", "activate", "cancel")

# The card processor's cancellation codes.
_CANCEL_REASONS: Final = range(3, 17)

# Boleto bar codes are 44 digits, their digitable lines 47; both end the amount.
_BARCODE_DIGITS: Final = 44
_LINE_DIGITS: Final = 47
_AMOUNT_DIGITS: Final = 10

# A boleto emitted without a due date is due in this many days.
_DEFAULT_DUE_DAYS: Final = 3

DEALERS: Final = (("Vivo", "vivo"), ("Claro", "claro"), ("TIM", "tim"), ("Oi", "oi"))
TOP_UP_AMOUNTS: Final = ("10.00", "15.00", "20.00", "30.00", "50.00")


class Spending:
    """Cards on wallets, boletos and phone credit orders.

    Args:
        ledger: Where the money is.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.cards: dict[str, dict[str, Any]] = {}
        self.card_passwords: dict[str, str] = {}
        self.boletos: dict[str, dict[str, Any]] = {}
        self.boleto_wallets: dict[str, str] = {}
        self.paid_boletos: set[str] = set()
        self.orders: dict[str, dict[str, Any]] = {}

    # -- cards -----------------------------------------------------------------

    def emit_card(
        self, wallet_id: str, card_type: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Issue a virtual card (ready) or a physical one (blocked until activated)."""
        wallet = self.ledger.wallet(wallet_id)
        if card_type not in {"virtual", "physical"}:
            raise SandboxError(400, f"unknown card type: {card_type}")
        if card_type == "physical" and not data.get("plasticId"):
            raise SandboxError(400, "plasticId is required", {"field": "plasticId"})

        now = timestamp()
        card: dict[str, Any] = {
            "id": new_id(),
            "createdAt": now,
            "updatedAt": now,
            "walletId": wallet["id"],
            "userId": wallet["user"],
            "virtual": card_type == "virtual",
            "status": "available" if card_type == "virtual" else "blocked",
        }
        self.cards[card["id"]] = card
        return card

    def cards_of(self, wallet_id: str) -> list[dict[str, Any]]:
        """The cards on a wallet, oldest first."""
        self.ledger.wallet(wallet_id)
        return [c for c in self.cards.values() if c["walletId"] == wallet_id]

    def card(self, wallet_id: str, card_id: str) -> dict[str, Any]:
        """A card on a wallet, or a 404."""
        card = self.cards.get(card_id)
        if card is None or card["walletId"] != wallet_id:
            raise SandboxError(404, f"Card not found: {card_id}", {"id": card_id})
        return card

    def act_on_card(
        self, wallet_id: str, card_id: str, action: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Block, unblock, activate or cancel a card."""
        card = self.card(wallet_id, card_id)
        if card["status"] == "cancelled":
            raise SandboxError(400, "the card is cancelled")

        if action == "cancel":
            reason = data.get("reason")
            if not isinstance(reason, int) or reason not in _CANCEL_REASONS:
                raise SandboxError(400, "reason must be 3 to 16", {"field": "reason"})
            card["status"] = "cancelled"
        else:
            self._check_card_password(card["id"], data.get("password"), action)
            card["status"] = "blocked" if action == "block" else "available"
        card["updatedAt"] = timestamp()
        return card

    # -- boletos ---------------------------------------------------------------

    def emit_boleto(self, data: dict[str, Any]) -> dict[str, Any]:
        """Emit a boleto whose payment will credit a wallet."""
        amount = parse_amount(data.get("amount"))
        wallet = self.ledger.wallet(data.get("destination"))
        extra = data["extra"] if isinstance(data.get("extra"), dict) else {}
        expires_at = extra.get("expiresAt") or timestamp(
            datetime.now(UTC) + timedelta(days=_DEFAULT_DUE_DAYS)
        )

        cents = str(int(amount * 100)).rjust(_AMOUNT_DIGITS, "0")
        barcode = "0009" + "0" + "0000" + cents + _digits(25)
        owner = self.ledger.people.users.get(wallet["user"], {})
        now = timestamp()
        boleto: dict[str, Any] = {
            "id": new_id(),
            "createdAt": now,
            "updatedAt": now,
            "amount": format(amount, "f"),
            "expiresAt": expires_at,
            "beneficiaryName": owner.get("name"),
            "bank": "000",
            "agency": "0001",
            "barCode": barcode,
            "digitableLine": _digits(33) + "0000" + cents,
            "isRegistered": True,
        }
        self.boletos[boleto["id"]] = boleto
        self.boleto_wallets[boleto["id"]] = wallet["id"]
        return {
            "id": new_id(),
            "boleto": copy.deepcopy(boleto),
            "source": {"bitcapitalWalletId": wallet["id"]},
        }

    def boleto(self, boleto_id: str) -> dict[str, Any]:
        """An emitted boleto, or a 404."""
        boleto = self.boletos.get(boleto_id)
        if boleto is None:
            raise SandboxError(404, f"Boleto not found: {boleto_id}", {"id": boleto_id})
        return boleto

    def boleto_info(self, barcode: str) -> dict[str, Any]:
        """What the bank would say of a bar code or digitable line."""
        amount = _barcode_amount(barcode)
        emitted = self._emitted(barcode)
        expires_at = (
            emitted["expiresAt"]
            if emitted
            else timestamp(datetime.now(UTC) + timedelta(days=_DEFAULT_DUE_DAYS))
        )
        total = format(amount, "f")
        return {
            # The vendor's mock sends its booleans as strings; so does this.
            "paid": "true"
            if emitted and emitted["id"] in self.paid_boletos
            else "false",
            "boletoInfo": {
                "description": "Sandbox boleto",
                "amount": total,
                "expiresAt": expires_at,
                "hasExpirationDate": "true",
                "barcodeNumber": barcode,
            },
            "paymentInfo": {
                "contractId": new_id(),
                "traders": {
                    "recipient": (emitted or {}).get("beneficiaryName") or "Sandbox",
                    "recipientDocument": "00000000000191",
                },
                "expiresAt": expires_at,
                "totalAmount": total,
                "amountDetails": {
                    "interestAmount": "0",
                    "discount": "0",
                    "fineAmount": "0",
                    "totalAmount": total,
                    "paymentAmountUpdated": total,
                    "calculationDate": timestamp(),
                },
                "acceptPartialAmount": {"code": 1, "description": "no"},
                "barcode": barcode,
                "validDate": "true",
            },
        }

    def pay_boleto(self, data: dict[str, Any]) -> dict[str, Any]:
        """Pay a boleto from a user's first wallet."""
        barcode = str(data.get("barcode") or "")
        printed = _barcode_amount(barcode)
        emitted = self._emitted(barcode)
        if emitted and emitted["id"] in self.paid_boletos:
            raise SandboxError(400, "the boleto is already paid")
        payer = self.ledger.people.user(str(data.get("userId")))
        wallets = self.ledger.wallets_of(payer["id"])
        if not wallets:
            raise SandboxError(400, "the user has no wallet")

        discount = _optional_amount(data.get("discount"), "discount")
        tax = _optional_amount(data.get("taxAmount"), "taxAmount")
        amount = (
            parse_amount(data["amount"]) if data.get("amount") is not None else printed
        )
        total = amount - discount + tax
        destination = self.boleto_wallets.get(emitted["id"]) if emitted else None
        leg: Leg = (
            "boleto",
            parse_amount(str(total)),
            self.ledger.root_asset,
            destination,
        )
        transaction = self.ledger.record("bill", wallets[0]["id"], [leg])
        if emitted:
            self.paid_boletos.add(emitted["id"])

        return {
            "paymentId": transaction["payments"][0]["id"],
            "accountId": wallets[0]["id"],
            "status": "paid",
            "description": data.get("description"),
            "barcode": barcode,
            "expiresAt": emitted["expiresAt"] if emitted else None,
            "recipientName": (emitted or {}).get("beneficiaryName") or "Sandbox",
            "discount": float(discount),
            "taxAmount": float(tax),
            "amount": float(total),
        }

    # -- phone credits ---------------------------------------------------------

    def create_order(self, data: dict[str, Any]) -> dict[str, Any]:
        """Start a top-up order for a carrier, listing the amounts on offer."""
        provider = data.get("providerCode")
        if provider not in {code for _, code in DEALERS}:
            raise SandboxError(400, f"unknown provider: {provider}")
        for field in ("phoneCode", "phoneNumber"):
            if not isinstance(data.get(field), str) or not data[field].isdigit():
                raise SandboxError(400, f"{field} must be digits", {"field": field})

        now = timestamp()
        order: dict[str, Any] = {
            "id": new_id(),
            "createdAt": now,
            "updatedAt": now,
            "providerCode": provider,
            "phoneCode": data["phoneCode"],
            "phoneNumber": data["phoneNumber"],
            "providerOrderId": secrets.token_hex(8),
            "status": "pending",
            "amounts": [
                {"id": new_id(), "amount": amount, "amountKey": amount.split(".")[0]}
                for amount in TOP_UP_AMOUNTS
            ],
        }
        self.orders[order["id"]] = order
        return order

    def complete_order(self, order_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Pay a top-up order from a wallet with one of its offered amounts."""
        order = self.orders.get(order_id)
        if order is None:
            raise SandboxError(404, f"Order not found: {order_id}", {"id": order_id})
        if order["status"] != "pending":
            raise SandboxError(400, "the order is already completed")
        amount = parse_amount(data.get("amount"))
        if amount not in {Decimal(a) for a in TOP_UP_AMOUNTS}:
            raise SandboxError(400, f"amount {amount} is not on offer")

        source = self.ledger.wallet(data.get("source"))
        leg: Leg = ("service_fee", amount, self.ledger.root_asset, None)
        self.ledger.record("bill", source["id"], [leg])
        order.update(
            walletId=source["id"],
            chosenAmount=format(amount, ".2f"),
            status="completed",
            updatedAt=timestamp(),
        )
        return order

    def orders_of(self, wallet_id: str) -> list[dict[str, Any]]:
        """The completed top-ups a wallet paid for, oldest first."""
        self.ledger.wallet(wallet_id)
        return [o for o in self.orders.values() if o.get("walletId") == wallet_id]

    # -- internals -------------------------------------------------------------

    def _check_card_password(self, card_id: str, password: object, action: str) -> None:
        if not isinstance(password, str) or not password:
            raise SandboxError(400, "password is required", {"field": "password"})
        known = self.card_passwords.get(card_id)
        if action == "activate" and known is None:
            self.card_passwords[card_id] = password
        elif known is not None and not secrets.compare_digest(known, password):
            raise SandboxError(403, "wrong card password")

    def _emitted(self, barcode: str) -> dict[str, Any] | None:
        return next(
            (
                boleto
                for boleto in self.boletos.values()
                if barcode in (boleto["barCode"], boleto["digitableLine"])
            ),
            None,
        )


def _barcode_amount(barcode: str) -> Decimal:
    if not barcode.isdigit() or len(barcode) not in {_BARCODE_DIGITS, _LINE_DIGITS}:
        raise SandboxError(400, "barcode must be 44 or 47 digits", {"field": "barcode"})
    cents = barcode[9:19] if len(barcode) == _BARCODE_DIGITS else barcode[-10:]
    return Decimal(int(cents)) / 100


def _optional_amount(value: object, field: str) -> Decimal:
    return Decimal(0) if value in (None, 0) else parse_amount(value, field)


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))
