"""The sandbox's money: wallets, assets, balances and the transactions moving them.

Balances are ``Decimal`` per wallet and asset. Emitting an asset creates money in
a wallet, destroying it removes money, and a payment moves money between
wallets, all or nothing: a payment that one wallet cannot cover is refused
whole, with a 400 in ts-framework's error shape, as the platform does.
"""

from __future__ import annotations

import copy
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from ._state import SandboxError, new_id, parse_amount, timestamp

if TYPE_CHECKING:
    from ._state import Directory

__all__ = ["ROOT_ASSET_CODE", "Ledger", "Leg", "TransactionKind"]

ROOT_ASSET_CODE: Final = "BRLD"

# Stellar keeps seven decimals; balances are shown the way Horizon writes them.
_BALANCE_PLACES: Final = Decimal("0.0000001")

# The developer hub caps one payment at this many recipients.
_MAX_RECIPIENTS: Final = 100

# Stellar public keys: "G" and 55 base32 characters.
_BASE32: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_PUBLIC_KEY_LENGTH: Final = 55

TransactionKind = Literal["common", "emit", "destroy", "withdrawal", "bill"]
"""Why money moved; the domain metrics' ``type`` filter reads the first three."""

Leg = tuple[str, Decimal, dict[str, Any], str | None]
"""One payment of a transaction: type, amount, asset, destination wallet id."""


class Ledger:
    """Wallets and the money in them.

    Args:
        people: The directory whose users own the wallets.
        root_owner: The id of the user who owns the root wallet, which issues
            the root asset.
    """

    def __init__(self, people: Directory, root_owner: str) -> None:
        self.people = people
        self.wallets: dict[str, dict[str, Any]] = {}
        self.assets: dict[str, dict[str, Any]] = {}
        self.balances: dict[tuple[str, str], Decimal] = {}
        self.transactions: dict[str, dict[str, Any]] = {}
        self.kinds: dict[str, TransactionKind] = {}
        self.payments: dict[str, dict[str, Any]] = {}

        self.root_wallet = self.create_wallet({"user": root_owner})
        self.root_asset = self.create_asset(
            {"code": ROOT_ASSET_CODE, "name": "Brazilian Real Digital", "root": True}
        )

    # -- wallets ---------------------------------------------------------------

    def create_wallet(self, data: dict[str, Any]) -> dict[str, Any]:
        """Open a ready wallet for an existing user."""
        owner = data.get("user")
        owner_id = owner.get("id") if isinstance(owner, dict) else owner
        if not isinstance(owner_id, str):
            raise SandboxError(400, "user is required", {"field": "user"})
        self.people.user(owner_id)

        product = self.people.default_product
        if data.get("product") is not None:
            product = self.people.product(str(data["product"]))
        now = timestamp()
        wallet: dict[str, Any] = {
            "id": new_id(),
            "createdAt": now,
            "updatedAt": now,
            "status": "ready",
            "user": owner_id,
            "product": {"id": product["id"], "name": product["name"]},
            "additionalData": data.get("additionalData") or {},
            "stellar": {"publicKey": _public_key()},
        }
        self.wallets[wallet["id"]] = wallet
        return wallet

    def wallet(self, wallet_id: object) -> dict[str, Any]:
        """The stored wallet (``root`` names the root one), or a 404."""
        if wallet_id == "root":
            return self.root_wallet
        wallet = self.wallets.get(str(wallet_id))
        if wallet is None:
            raise SandboxError(404, f"Wallet not found: {wallet_id}", {"id": wallet_id})
        return wallet

    def wallets_of(self, user_id: str) -> list[dict[str, Any]]:
        """The wallets a user owns, oldest first."""
        return [w for w in self.wallets.values() if w["user"] == user_id]

    def delete_wallet(self, wallet_id: str) -> None:
        """Close an empty wallet; the root wallet and funded ones stay."""
        wallet = self.wallet(wallet_id)
        if wallet is self.root_wallet:
            raise SandboxError(400, "the root wallet cannot be deleted")
        if any(self.balance(wallet["id"], a) for a in self.assets):
            raise SandboxError(400, "a wallet with a balance cannot be deleted")
        del self.wallets[wallet["id"]]

    def balance(self, wallet_id: str, asset_id: str) -> Decimal:
        """A wallet's balance of one asset."""
        return self.balances.get((wallet_id, asset_id), Decimal(0))

    def render_wallet(self, wallet: dict[str, Any]) -> dict[str, Any]:
        """A wallet as the API answers it, with a balance per asset it holds."""
        data = copy.deepcopy(wallet)
        held = [
            asset
            for asset in self.assets.values()
            if asset is self.root_asset or (wallet["id"], asset["id"]) in self.balances
        ]
        data["balances"] = [
            {
                "balance": _stellar(self.balance(wallet["id"], asset["id"])),
                "asset_type": "credit_alphanum4",
                "asset_code": asset["code"],
                "asset_issuer": asset["issuer"],
            }
            for asset in held
        ]
        data["assets"] = [
            {
                **_asset_ref(asset),
                "balance": _stellar(self.balance(wallet["id"], asset["id"])),
            }
            for asset in held
        ]
        return data

    def deposit_info(self, wallet_id: str) -> dict[str, Any]:
        """The bank details that deposit into a wallet."""
        wallet = self.wallet(wallet_id)
        owner = self.people.users.get(wallet["user"], {})
        digits = "".join(c for c in wallet["id"] if c.isdigit()).ljust(8, "0")
        return {
            "name": owner.get("name"),
            "taxId": owner.get("consumer", {}).get("taxId") or "00000000000",
            "externalId": wallet["id"],
            "bank": {"code": "000", "name": "Bitcapital Sandbox Bank"},
            "account": {
                "holder": owner.get("name"),
                "agency": "0001",
                "number": digits[:8],
                "digit": digits[8:9] or "0",
            },
            "asset": ROOT_ASSET_CODE,
        }

    # -- assets ----------------------------------------------------------------

    def create_asset(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create an asset issued by the root wallet (or the ``issuer`` given)."""
        code = data.get("code")
        if not isinstance(code, str) or not code.isalnum() or len(code) > 12:
            raise SandboxError(400, "code must be 1 to 12 letters or digits")
        if any(asset["code"] == code for asset in self.assets.values()):
            raise SandboxError(400, f"asset code already in use: {code}")
        issuer = self.wallet(data.get("issuer") or self.root_wallet["id"])

        now = timestamp()
        asset: dict[str, Any] = {
            "id": new_id(),
            "createdAt": now,
            "updatedAt": now,
            "code": code,
            "name": data.get("name") or code,
            "issuer": issuer["stellar"]["publicKey"],
            "issuerWallet": issuer["id"],
            "provider": data.get("provider") or "stellar",
            "root": bool(data.get("root", False)),
        }
        self.assets[asset["id"]] = asset
        return asset

    def asset(self, reference: object) -> dict[str, Any]:
        """An asset by id or code (``root`` names the root one), or a 404."""
        if reference in (None, "root"):
            return self.root_asset
        for asset in self.assets.values():
            if reference in (asset["id"], asset["code"]):
                return asset
        raise SandboxError(404, f"Asset not found: {reference}", {"id": reference})

    def render_asset(self, asset: dict[str, Any]) -> dict[str, Any]:
        """An asset as the API answers it."""
        return {k: v for k, v in asset.items() if k != "issuerWallet"}

    # -- moving money ----------------------------------------------------------

    def emit(self, asset_ref: str, data: dict[str, Any]) -> dict[str, Any]:
        """Create money in a wallet (the root wallet by default)."""
        asset = self.asset(asset_ref)
        amount = parse_amount(data.get("amount"))
        destination = self.wallet(data.get("destination") or self.root_wallet["id"])
        leg: Leg = (
            str(data.get("paymentType") or "deposit"),
            amount,
            asset,
            destination["id"],
        )
        return self.record(
            "emit",
            asset["issuerWallet"],
            [leg],
            data.get("additionalData"),
            debit=False,
        )

    def destroy(self, asset_ref: str, data: dict[str, Any]) -> dict[str, Any]:
        """Remove money from a wallet (the root wallet by default)."""
        asset = self.asset(asset_ref)
        amount = parse_amount(data.get("amount"))
        source = self.wallet(data.get("source") or self.root_wallet["id"])
        leg: Leg = (str(data.get("paymentType") or "withdrawal"), amount, asset, None)
        return self.record("destroy", source["id"], [leg], data.get("additionalData"))

    def pay(self, data: dict[str, Any]) -> dict[str, Any]:
        """Move money from one wallet to up to 100, all or nothing."""
        source = self.wallet(data.get("source"))
        recipients = data.get("recipients")
        if not isinstance(recipients, list) or not recipients:
            raise SandboxError(400, "recipients must be a non-empty list")
        if len(recipients) > _MAX_RECIPIENTS:
            raise SandboxError(400, f"at most {_MAX_RECIPIENTS} recipients")

        legs: list[Leg] = []
        for index, recipient in enumerate(recipients):
            if not isinstance(recipient, dict):
                raise SandboxError(400, f"recipients[{index}] must be an object")
            amount = parse_amount(
                recipient.get("amount"), f"recipients[{index}].amount"
            )
            destination = self.wallet(recipient.get("destination"))
            asset = self.asset(recipient.get("asset") or data.get("asset"))
            legs.append(("transfer", amount, asset, destination["id"]))
        return self.record("common", source["id"], legs, data.get("additionalData"))

    def record(
        self,
        kind: TransactionKind,
        source_id: str,
        legs: list[Leg],
        additional: object = None,
        *,
        debit: bool = True,
    ) -> dict[str, Any]:
        """Check and apply one transaction: debit the source, credit each leg.

        Raises:
            SandboxError: 403 when the source's owner is blocked, 400 when the
                source cannot cover the legs of one asset.
        """
        source = self.wallet(source_id)
        if debit:
            self._check_funds(source, legs)
        for _, amount, asset, destination in legs:
            if debit:
                key = (source["id"], asset["id"])
                self.balances[key] = self.balance(*key) - amount
            if destination is not None:
                key = (destination, asset["id"])
                self.balances[key] = self.balance(*key) + amount

        now = timestamp()
        transaction: dict[str, Any] = {
            "id": new_id(),
            "createdAt": now,
            "updatedAt": now,
            "type": "payment",
            "status": "executed",
            "source": {"id": source["id"]},
            "payments": [self._payment(leg, now) for leg in legs],
            "additionalData": {
                **(additional if isinstance(additional, dict) else {}),
                "assetId": legs[0][2]["id"],
                "assetCode": legs[0][2]["code"],
            },
            "states": [{"status": "executed", "createdAt": now}],
        }
        for payment in transaction["payments"]:
            payment["transaction"] = transaction["id"]
        self.transactions[transaction["id"]] = transaction
        self.kinds[transaction["id"]] = kind
        return transaction

    def render_transaction(self, transaction: dict[str, Any]) -> dict[str, Any]:
        """A transaction as the API answers it, payments inside."""
        data = copy.deepcopy(transaction)
        for payment in data["payments"]:
            del payment["transaction"]
        return data

    def transaction(self, transaction_id: str) -> dict[str, Any]:
        """The stored transaction, or a 404."""
        found = self.transactions.get(transaction_id)
        if found is None:
            raise SandboxError(
                404, f"Transaction not found: {transaction_id}", {"id": transaction_id}
            )
        return found

    def payment(self, payment_id: str) -> dict[str, Any]:
        """A payment as the API answers it, with its transaction's id and status."""
        found = self.payments.get(payment_id)
        if found is None:
            raise SandboxError(
                404, f"Payment not found: {payment_id}", {"id": payment_id}
            )
        data = copy.deepcopy(found)
        transaction = self.transactions[found["transaction"]]
        data["transaction"] = {"id": transaction["id"], "status": transaction["status"]}
        return data

    def sent_by(self, wallet_id: str) -> list[dict[str, Any]]:
        """The transactions a wallet is the source of, oldest first."""
        self.wallet(wallet_id)
        return [t for t in self.transactions.values() if t["source"]["id"] == wallet_id]

    def received_by(self, wallet_id: str) -> list[dict[str, Any]]:
        """The transactions with a payment into a wallet, oldest first."""
        self.wallet(wallet_id)
        return [
            t
            for t in self.transactions.values()
            if any(
                p.get("destination", {}).get("id") == wallet_id for p in t["payments"]
            )
        ]

    def withdraw(self, wallet_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send money from a wallet to a bank account (``/wallets/:id/withdraw``)."""
        wallet = self.wallet(wallet_id)
        amount = parse_amount(data.get("amount"))
        banking_id, bank = data.get("bankingId"), data.get("bank")
        if banking_id is not None:
            self.people.record("bankings", wallet["user"], str(banking_id))
        elif not isinstance(bank, dict):
            raise SandboxError(400, "bankingId or bank is required", {"field": "bank"})
        leg: Leg = ("withdrawal", amount, self.root_asset, None)
        return self.record("withdrawal", wallet["id"], [leg])

    def withdraw_to_banking(
        self, banking_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Send money from a consumer's wallet to one of its bank accounts."""
        owner_id, banking = self._find_banking(banking_id)
        wallets = self.wallets_of(owner_id)
        if not wallets:
            raise SandboxError(400, "the banking's owner has no wallet")
        amount = parse_amount(data.get("amount"))
        leg: Leg = ("withdrawal", amount, self.root_asset, None)
        transaction = self.record("withdrawal", wallets[0]["id"], [leg])

        owner = self.people.users[owner_id]
        payment = transaction["payments"][0]
        return {
            "id": payment["id"],
            "type": "withdrawal",
            "bitcapitalCoreId": payment["id"],
            "transactionCode": secrets.token_hex(6),
            "source": wallets[0]["id"],
            "amount": format(amount, "f"),
            "bankTransfer": {
                "destination": {
                    "bank": banking.get("bank"),
                    "agency": banking.get("agency"),
                    "agencyDigit": banking.get("agencyDigit"),
                    "account": banking.get("account"),
                    "accountDigit": banking.get("accountDigit"),
                    "name": owner["name"],
                    "taxIdNumber": owner.get("consumer", {}).get("taxId"),
                    "type": banking.get("type", "checking"),
                },
                "identificator": len(self.transactions),
                "subIssuerCode": 1,
            },
        }

    # -- internals -------------------------------------------------------------

    def _check_funds(self, source: dict[str, Any], legs: list[Leg]) -> None:
        if self.people.is_blocked(source["user"]):
            raise SandboxError(
                403, "the wallet's owner is blocked", {"wallet": source["id"]}
            )
        needed: dict[str, Decimal] = {}
        for _, amount, asset, _ in legs:
            needed[asset["id"]] = needed.get(asset["id"], Decimal(0)) + amount
        for asset_id, amount in needed.items():
            balance = self.balance(source["id"], asset_id)
            if balance < amount:
                code = self.assets[asset_id]["code"]
                raise SandboxError(
                    400,
                    f"Insufficient funds: wallet {source['id']} has {balance} {code}, "
                    f"needs {amount}",
                    {
                        "wallet": source["id"],
                        "asset": code,
                        "balance": format(balance, "f"),
                        "amount": format(amount, "f"),
                    },
                )

    def _payment(self, leg: Leg, now: str) -> dict[str, Any]:
        kind, amount, asset, destination = leg
        payment: dict[str, Any] = {
            "id": new_id(),
            "createdAt": now,
            "updatedAt": now,
            "type": kind,
            "status": "settled",
            "amount": format(amount, "f"),
            "asset": _asset_ref(asset),
        }
        if destination is not None:
            payment["destination"] = {"id": destination}
        self.payments[payment["id"]] = payment
        return payment

    def _find_banking(self, banking_id: str) -> tuple[str, dict[str, Any]]:
        for owner_id, records in self.people.records["bankings"].items():
            if banking_id in records:
                return owner_id, records[banking_id]
        raise SandboxError(404, f"Banking not found: {banking_id}", {"id": banking_id})


def _asset_ref(asset: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["id"], "code": asset["code"], "name": asset["name"]}


def _stellar(amount: Decimal) -> str:
    return format(amount.quantize(_BALANCE_PLACES), "f")


def _public_key() -> str:
    return "G" + "".join(secrets.choice(_BASE32) for _ in range(_PUBLIC_KEY_LENGTH))
