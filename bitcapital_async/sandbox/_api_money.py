"""The sandbox's routes for money.

Wallets and their cards, assets, payments, transactions, boletos and phone
credits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._spending import CARD_ACTIONS, DEALERS
from ._state import SandboxError, timestamp

if TYPE_CHECKING:
    from ._api import Call, SandboxAPI
    from ._api_people import Route

__all__ = ["MoneyRoutes"]


class MoneyRoutes:
    """Handlers for the money endpoints, over ``api.ledger`` and ``api.spending``."""

    def __init__(self, api: SandboxAPI) -> None:
        self.api = api
        self.ledger = api.ledger
        self.spending = api.spending

    def table(self) -> list[Route]:
        """Every route, static paths before the parameterised ones they shadow."""
        return [
            ("GET", "/wallets", "wallets:read", False, self.wallets),
            ("POST", "/wallets", "wallets:write", False, self.create_wallet),
            ("GET", "/wallets/{id}", "wallets:read", False, self.find_wallet),
            ("POST", "/wallets/{id}", "wallets:write", False, self.update_wallet),
            ("DELETE", "/wallets/{id}", "wallets:delete", False, self.delete_wallet),
            ("GET", "/wallets/{id}/transactions", "wallets:read", False, self.sent),
            ("GET", "/wallets/{id}/payments", "wallets:read", False, self.received),
            ("GET", "/wallets/{id}/depositInfo", "wallets:read", False, self.deposit),
            ("POST", "/wallets/{id}/withdraw", "payments:write", False, self.withdraw),
            ("GET", "/wallets/{id}/cards", "wallets:read", False, self.cards),
            (
                "POST",
                "/wallets/{id}/cards/{type}",
                "wallets:write",
                False,
                self.emit_card,
            ),
            (
                "GET",
                "/wallets/{id}/cards/{card}",
                "wallets:read",
                False,
                self.find_card,
            ),
            (
                "GET",
                "/wallets/{id}/cards/{card}/payments",
                "wallets:read",
                False,
                self.card_payments,
            ),
            (
                "POST",
                "/wallets/{id}/cards/{card}/{action}",
                "wallets:write",
                False,
                self.act_on_card,
            ),
            ("GET", "/assets", "assets:read", False, self.assets),
            ("POST", "/assets", "assets:write", False, self.create_asset),
            ("GET", "/assets/{id}", "assets:read", False, self.find_asset),
            ("POST", "/assets/{id}/emit", "assets:emit", True, self.emit),
            ("POST", "/assets/{id}/destroy", "assets:destroy", True, self.destroy),
            ("POST", "/payments", "payments:write", True, self.pay),
            ("POST", "/payments/", "payments:write", True, self.pay),
            (
                "POST",
                "/payments/withdraw/{banking}",
                "payments:write",
                True,
                self.withdraw_to_banking,
            ),
            ("GET", "/payments/{id}", "payments:read", False, self.find_payment),
            ("GET", "/transactions/{id}", "transactions:read", False, self.transaction),
            ("GET", "/boletos", "payments:read", False, self.boleto_info),
            ("POST", "/boletos/pay", "payments:write", True, self.pay_boleto),
            ("POST", "/boletos/emit", "payments:write", True, self.emit_boleto),
            ("GET", "/boletos/{id}", "payments:read", False, self.find_boleto),
            (
                "GET",
                "/phone-credits/providers",
                "phone_credit:providers:read",
                True,
                self.providers,
            ),
            (
                "POST",
                "/phone-credits/order/create",
                "phone_credit:order:create",
                True,
                self.create_order,
            ),
            (
                "POST",
                "/phone-credits/order/{id}/complete",
                "phone_credit:order:complete",
                True,
                self.complete_order,
            ),
            # No scope names order history; reading a wallet's spending is closest.
            (
                "GET",
                "/phone-credits/order/history/{id}",
                "payments:read",
                True,
                self.order_history,
            ),
        ]

    # -- wallets ---------------------------------------------------------------

    async def wallets(self, call: Call) -> web.Response:
        return self.api.page(
            call, self.ledger.wallets.values(), self.ledger.render_wallet
        )

    async def create_wallet(self, call: Call) -> web.Response:
        return _json(self.ledger.render_wallet(self.ledger.create_wallet(call.body)))

    async def find_wallet(self, call: Call) -> web.Response:
        return _json(self.ledger.render_wallet(self.ledger.wallet(call.arg("id"))))

    async def update_wallet(self, call: Call) -> web.Response:
        wallet = self.ledger.wallet(call.arg("id"))
        if isinstance(call.body.get("additionalData"), dict):
            wallet["additionalData"] = call.body["additionalData"]
        wallet["updatedAt"] = timestamp()
        return _json(self.ledger.render_wallet(wallet))

    async def delete_wallet(self, call: Call) -> web.Response:
        self.ledger.delete_wallet(call.arg("id"))
        return _json(True)  # noqa: FBT003 - the JSON value itself

    async def sent(self, call: Call) -> web.Response:
        transactions = self.ledger.sent_by(self.ledger.wallet(call.arg("id"))["id"])
        return self.api.page(call, transactions, self.ledger.render_transaction)

    async def received(self, call: Call) -> web.Response:
        transactions = self.ledger.received_by(self.ledger.wallet(call.arg("id"))["id"])
        return self.api.page(call, transactions, self.ledger.render_transaction)

    async def deposit(self, call: Call) -> web.Response:
        return _json(self.ledger.deposit_info(call.arg("id")))

    async def withdraw(self, call: Call) -> web.Response:
        transaction = self.ledger.withdraw(call.arg("id"), call.body)
        return _json(self.ledger.render_transaction(transaction))

    # -- cards -----------------------------------------------------------------

    async def cards(self, call: Call) -> web.Response:
        wallet = self.ledger.wallet(call.arg("id"))
        return self.api.page(call, self.spending.cards_of(wallet["id"]))

    async def emit_card(self, call: Call) -> web.Response:
        wallet = self.ledger.wallet(call.arg("id"))
        card = self.spending.emit_card(wallet["id"], call.arg("type"), call.body)
        return _json(card)

    async def find_card(self, call: Call) -> web.Response:
        return _json(self.spending.card(call.arg("id"), call.arg("card")))

    async def card_payments(self, call: Call) -> web.Response:
        # Cards here never spend: the list is real, and empty.
        self.spending.card(call.arg("id"), call.arg("card"))
        return self.api.page(call, [])

    async def act_on_card(self, call: Call) -> web.Response:
        action = call.arg("action")
        if action not in CARD_ACTIONS:
            raise SandboxError(404, f"unknown card action: {action}")
        card = self.spending.act_on_card(
            call.arg("id"), call.arg("card"), action, call.body
        )
        return _json(card)

    # -- assets, payments, transactions ----------------------------------------

    async def assets(self, call: Call) -> web.Response:
        return self.api.page(
            call, self.ledger.assets.values(), self.ledger.render_asset
        )

    async def create_asset(self, call: Call) -> web.Response:
        asset = self.ledger.create_asset(call.body)
        return _json(self.ledger.render_asset(asset))

    async def find_asset(self, call: Call) -> web.Response:
        return _json(self.ledger.render_asset(self.ledger.asset(call.arg("id"))))

    async def emit(self, call: Call) -> web.Response:
        transaction = self.ledger.emit(call.arg("id"), call.body)
        return _json(self.ledger.render_transaction(transaction))

    async def destroy(self, call: Call) -> web.Response:
        transaction = self.ledger.destroy(call.arg("id"), call.body)
        return _json(self.ledger.render_transaction(transaction))

    async def pay(self, call: Call) -> web.Response:
        transaction = self.ledger.pay(call.body)
        return _json(self.ledger.render_transaction(transaction))

    async def withdraw_to_banking(self, call: Call) -> web.Response:
        return _json(self.ledger.withdraw_to_banking(call.arg("banking"), call.body))

    async def find_payment(self, call: Call) -> web.Response:
        return _json(self.ledger.payment(call.arg("id")))

    async def transaction(self, call: Call) -> web.Response:
        transaction = self.ledger.transaction(call.arg("id"))
        return _json(self.ledger.render_transaction(transaction))

    # -- boletos and phone credits ---------------------------------------------

    async def boleto_info(self, call: Call) -> web.Response:
        barcode = call.request.query.get("barcode")
        if not barcode:
            raise SandboxError(400, "the barcode query parameter is required")
        return _json(self.spending.boleto_info(barcode))

    async def pay_boleto(self, call: Call) -> web.Response:
        return _json(self.spending.pay_boleto(call.body))

    async def emit_boleto(self, call: Call) -> web.Response:
        return _json(self.spending.emit_boleto(call.body))

    async def find_boleto(self, call: Call) -> web.Response:
        return _json(self.spending.boleto(call.arg("id")))

    async def providers(self, call: Call) -> web.Response:
        del call
        return _json({"dealers": [{"name": n, "code": c} for n, c in DEALERS]})

    async def create_order(self, call: Call) -> web.Response:
        return _json(self.spending.create_order(call.body))

    async def complete_order(self, call: Call) -> web.Response:
        return _json(self.spending.complete_order(call.arg("id"), call.body))

    async def order_history(self, call: Call) -> web.Response:
        return _json(self.spending.orders_of(call.arg("id")))


def _json(data: Any) -> web.Response:
    return web.json_response(data)
