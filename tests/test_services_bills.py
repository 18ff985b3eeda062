"""Boletos and phone credits against the sandbox over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bitcapital_async import APIError
from bitcapital_async.models import PaymentType


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


async def funded_consumer(api, email, amount):
    user = await api.consumers.create(email=email, password="pw", name=email)
    (wallet,) = await api.users.find_wallets(user.id)
    if amount:
        await api.assets.emit("BRLD", amount=amount, destination=wallet.id)
    return user, wallet


async def balance(api, wallet_id):
    return (await api.wallets.find_one(wallet_id)).balances[0].balance


class TestBoletos:
    async def test_emit_and_find_one(self, api):
        """An emitted boleto carries its amount in its bar code and digitable line."""
        _, wallet = await funded_consumer(api, "payee@example.com", None)
        due = datetime(2030, 1, 31, tzinfo=UTC)

        emission = await api.boletos.emit(
            amount=Decimal("120.50"), destination=wallet.id, expires_at=due
        )
        found = await api.boletos.find_one(emission.boleto.id)

        assert emission.source.bitcapital_wallet_id == wallet.id
        boleto = emission.boleto
        assert (boleto.amount, boleto.expires_at) == (Decimal("120.50"), due)
        assert boleto.bar_code[9:19] == "0000012050"
        assert len(boleto.bar_code) == 44
        assert len(boleto.digitable_line) == 47
        assert found.bar_code == boleto.bar_code

    async def test_get_payment_info_reads_the_barcode_query(self, api):
        """The bar code travels in the query string and comes back checked."""
        _, wallet = await funded_consumer(api, "info@example.com", None)
        emission = await api.boletos.emit(amount=75, destination=wallet.id)

        info = await api.boletos.get_payment_info(emission.boleto.digitable_line)

        assert info.paid is False
        assert info.boleto_info.amount == Decimal(75)
        assert info.boleto_info.has_expiration_date is True
        assert info.payment_info.barcode == emission.boleto.digitable_line
        assert info.payment_info.amount_details.total_amount == Decimal(75)

    async def test_pay_moves_money_to_the_emitting_wallet(self, api):
        """Paying a boleto debits the payer and credits the wallet it was emitted to."""
        _, payee = await funded_consumer(api, "to@example.com", None)
        payer, payer_wallet = await funded_consumer(api, "from@example.com", "200")
        emission = await api.boletos.emit(amount="50", destination=payee.id)

        receipt = await api.boletos.pay(
            user_id=payer.id,
            barcode=emission.boleto.bar_code,
            description="invoice 7",
            discount="2.5",
            idempotence_key="boleto-7",
        )

        assert (receipt.amount, receipt.discount) == (Decimal("47.5"), Decimal("2.5"))
        assert (receipt.status, receipt.description) == ("paid", "invoice 7")
        assert receipt.account_id == payer_wallet.id
        assert await balance(api, payer_wallet.id) == Decimal("152.5")
        assert await balance(api, payee.id) == Decimal("47.5")
        info = await api.boletos.get_payment_info(emission.boleto.bar_code)
        assert info.paid is True
        with pytest.raises(APIError) as error:
            await api.boletos.pay(
                user_id=payer.id, barcode=emission.boleto.bar_code, description="again"
            )
        assert error.value.message == "the boleto is already paid"

    async def test_pay_a_foreign_boleto(self, api):
        """A bar code from elsewhere is paid at the amount it encodes."""
        payer, wallet = await funded_consumer(api, "bill@example.com", "100")
        barcode = "0009" + "0" + "0000" + "0000001999" + "1" * 25

        receipt = await api.boletos.pay(
            user_id=payer.id, barcode=barcode, description="power", tax_amount=1
        )

        assert receipt.amount == Decimal("20.99")
        assert await balance(api, wallet.id) == Decimal("79.01")
        transactions = await api.wallets.find_transactions(wallet.id)
        assert transactions[0].payments[0].type is PaymentType.BOLETO

    async def test_bad_barcode_is_refused(self, api):
        """A bar code of the wrong length is a 400."""
        with pytest.raises(APIError) as info:
            await api.boletos.get_payment_info("123")

        assert info.value.message == "barcode must be 44 or 47 digits"


class TestPhoneCredits:
    async def test_providers(self, api):
        """The carriers are listed with their codes."""
        providers = await api.phone_credits.find_providers()

        assert [(d.name, d.code) for d in providers.dealers] == [
            ("Vivo", "vivo"),
            ("Claro", "claro"),
            ("TIM", "tim"),
            ("Oi", "oi"),
        ]

    async def test_order_complete_and_history(self, api):
        """A completed top-up debits the wallet and shows in its history."""
        _, wallet = await funded_consumer(api, "phone@example.com", "40")

        order = await api.phone_credits.create_order(
            phone_code="11", phone_number="987654321", provider_code="vivo"
        )
        completed = await api.phone_credits.complete_order(
            order.id, amount="15.00", source=wallet.id
        )
        history = await api.phone_credits.find_order_history(wallet.id)

        assert order.status == "pending"
        assert [a.amount for a in order.amounts][:2] == [Decimal(10), Decimal(15)]
        assert (completed.status, completed.chosen_amount) == ("completed", "15.00")
        assert completed.wallet_id == wallet.id
        assert [o.id for o in history] == [order.id]
        assert await balance(api, wallet.id) == Decimal(25)

    async def test_amount_not_on_offer(self, api):
        """Completing with an amount the order does not offer is a 400."""
        _, wallet = await funded_consumer(api, "odd@example.com", "40")
        order = await api.phone_credits.create_order(
            phone_code="11", phone_number="987654321", provider_code="tim"
        )

        with pytest.raises(APIError) as info:
            await api.phone_credits.complete_order(
                order.id, amount=12, source=wallet.id
            )

        assert info.value.message == "amount 12 is not on offer"
