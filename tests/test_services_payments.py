"""Assets, payments and transactions against the sandbox over real HTTP."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bitcapital_async import APIError, Bitcapital
from bitcapital_async.models import (
    Asset,
    PaymentType,
    TransactionStatus,
    TransactionType,
)
from bitcapital_async.services import Recipient
from bitcapital_async.services._base import decimal_text, json_number


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


async def new_wallet(api, email):
    user = await api.consumers.create(
        email=email, password="pw", first_name="Test", last_name="User"
    )
    (wallet,) = await api.users.find_wallets(user.id)
    return wallet


async def balance(api, wallet_id):
    wallet = await api.wallets.find_one(wallet_id)
    return wallet.balances[0].balance


async def root_asset(api):
    page = await api.assets.find_all()
    return page.items[0]


class TestAssets:
    async def test_find_all_lists_the_root_asset(self, api):
        """A fresh sandbox has one asset, BRLD, issued by the root wallet."""
        page = await api.assets.find_all()

        assert (page.total, page.skip, page.limit) == (1, 0, 25)
        assert [(a.code, a.name, a.root) for a in page] == [
            ("BRLD", "Brazilian Real Digital", True)
        ]

    async def test_create_find_one_and_iter_all(self, api):
        """A created asset is found by id and listed after the root asset."""
        created = await api.assets.create(code="USDX", name="Dollar token")

        found = await api.assets.find_one(created.id)
        codes = [asset.code async for asset in api.assets.iter_all(page_size=1)]

        assert isinstance(found, Asset)
        assert (found.code, found.name, found.provider) == (
            "USDX",
            "Dollar token",
            "stellar",
        )
        assert codes == ["BRLD", "USDX"]

    async def test_emit_credits_the_destination(self, api):
        """Emitting creates money in the destination wallet."""
        wallet = await new_wallet(api, "emit@example.com")
        asset = await root_asset(api)

        transaction = await api.assets.emit(
            asset.id, amount=Decimal("150.25"), destination=wallet.id
        )

        assert transaction.type is TransactionType.PAYMENT
        assert transaction.status is TransactionStatus.EXECUTED
        (payment,) = transaction.payments
        assert (payment.type, payment.amount) == (
            PaymentType.DEPOSIT,
            Decimal("150.25"),
        )
        assert payment.destination.id == wallet.id
        assert await balance(api, wallet.id) == Decimal("150.25")

    async def test_emit_without_destination_funds_the_root_wallet(self, api):
        """Without a destination the mediator's (root) wallet receives the money."""
        asset = await root_asset(api)

        await api.assets.emit(asset.id, amount="10")

        root = await api.wallets.find_root()
        assert root.balances[0].balance == Decimal(10)
        assert root.assets[0].balance == Decimal(10)

    async def test_destroy_debits_the_source(self, api):
        """Destroying removes money from the source wallet."""
        wallet = await new_wallet(api, "destroy@example.com")
        asset = await root_asset(api)
        await api.assets.emit(asset.id, amount="100", destination=wallet.id)

        transaction = await api.assets.destroy(
            asset.id, amount="40.5", source=wallet.id, payment_type="withdrawal"
        )

        assert transaction.payments[0].type is PaymentType.WITHDRAWAL
        assert transaction.payments[0].destination is None
        assert await balance(api, wallet.id) == Decimal("59.5")

    async def test_destroy_more_than_held_is_refused(self, api):
        """Destroying beyond the balance is a 400 and changes nothing."""
        wallet = await new_wallet(api, "short@example.com")
        asset = await root_asset(api)
        await api.assets.emit(asset.id, amount="5", destination=wallet.id)

        with pytest.raises(APIError) as info:
            await api.assets.destroy(asset.id, amount="6", source=wallet.id)

        assert info.value.status == 400
        assert info.value.details["balance"] == "5"
        assert await balance(api, wallet.id) == Decimal(5)


class TestPayments:
    async def test_pay_moves_money_between_wallets(self, api):
        """A payment debits the source and credits every recipient."""
        source = await new_wallet(api, "payer@example.com")
        first = await new_wallet(api, "first@example.com")
        second = await new_wallet(api, "second@example.com")
        asset = await root_asset(api)
        await api.assets.emit(asset.id, amount="100", destination=source.id)

        transaction = await api.payments.pay(
            source=source.id,
            recipients=[
                Recipient(destination=first.id, amount=Decimal("10.50")),
                Recipient(destination=second.id, amount="0.25", asset="BRLD"),
            ],
        )

        assert transaction.source.id == source.id
        assert [p.amount for p in transaction.payments] == [
            Decimal("10.50"),
            Decimal("0.25"),
        ]
        assert await balance(api, source.id) == Decimal("89.25")
        assert await balance(api, first.id) == Decimal("10.5")
        assert await balance(api, second.id) == Decimal("0.25")

    async def test_pay_sends_the_exact_body_it_signs(self, api, bitcapital_sandbox):
        """The body is compact JSON with string amounts, posted to /payments/."""
        source = await new_wallet(api, "body@example.com")
        target = await new_wallet(api, "target@example.com")
        asset = await root_asset(api)
        await api.assets.emit(asset.id, amount="1", destination=source.id)

        await api.payments.pay(
            source=source.id, recipients=[Recipient(destination=target.id, amount=1)]
        )

        last = bitcapital_sandbox.call(lambda s: s.api.signed_requests[-1])
        assert (last.method, last.path) == ("POST", "/payments/")
        assert (
            last.body
            == json.dumps(
                {
                    "source": source.id,
                    "recipients": [{"amount": "1", "destination": target.id}],
                },
                separators=(",", ":"),
            ).encode()
        )

    async def test_insufficient_funds_is_refused_whole(self, api):
        """A payment the source cannot cover is a 400, and no wallet changes."""
        source = await new_wallet(api, "poor@example.com")
        target = await new_wallet(api, "rich@example.com")
        asset = await root_asset(api)
        await api.assets.emit(asset.id, amount="10", destination=source.id)

        with pytest.raises(APIError) as info:
            await api.payments.pay(
                source=source.id,
                recipients=[
                    Recipient(destination=target.id, amount="6"),
                    Recipient(destination=target.id, amount="6"),
                ],
            )

        error = info.value
        assert error.status == 400
        assert error.message == (
            f"Insufficient funds: wallet {source.id} has 10 BRLD, needs 12"
        )
        assert error.details == {
            "wallet": source.id,
            "asset": "BRLD",
            "balance": "10",
            "amount": "12",
        }
        assert error.stack_id is not None
        assert await balance(api, source.id) == Decimal(10)
        assert await balance(api, target.id) == Decimal(0)

    async def test_recipient_count_is_checked_before_sending(self, api):
        """No recipients, or more than 100, is a ValueError without a request."""
        with pytest.raises(ValueError, match="1 to 100 recipients, got 0"):
            await api.payments.pay(source="w", recipients=[])

        many = [Recipient(destination="w", amount=1)] * 101
        with pytest.raises(ValueError, match="got 101"):
            await api.payments.pay(source="w", recipients=many)

    async def test_find_one_returns_the_payment_and_its_transaction(self, api):
        """A payment is found by id, with the id of its transaction."""
        wallet = await new_wallet(api, "find@example.com")
        asset = await root_asset(api)
        transaction = await api.assets.emit(asset.id, amount="3", destination=wallet.id)

        payment = await api.payments.find_one(transaction.payments[0].id)

        assert payment.amount == Decimal(3)
        assert payment.asset.code == "BRLD"
        assert payment.transaction.id == transaction.id

    async def test_withdraw_to_a_banking(self, api):
        """A withdrawal debits the consumer's wallet and names the bank account."""
        user = await api.consumers.create(
            email="withdraw@example.com",
            password="pw",
            first_name="Rita",
            last_name="Lee",
            tax_id="12345678909",
        )
        (wallet,) = await api.users.find_wallets(user.id)
        banking = await api.consumers.bankings.create(
            user.id, bank=341, agency=1234, account=56789, account_digit="0"
        )
        asset = await root_asset(api)
        await api.assets.emit(asset.id, amount="80", destination=wallet.id)

        receipt = await api.payments.withdraw(
            banking.id, amount=Decimal("30.5"), description="rent"
        )

        assert receipt.amount == Decimal("30.5")
        assert receipt.source == wallet.id
        destination = receipt.bank_transfer.destination
        assert (destination.bank, destination.agency, destination.account) == (
            341,
            1234,
            56789,
        )
        assert (destination.name, destination.tax_id_number) == (
            "Rita Lee",
            "12345678909",
        )
        assert await balance(api, wallet.id) == Decimal("49.5")

    async def test_otp_and_idempotence_key_are_sent(self, bitcapital_sandbox):
        """Per-call options become x-bitcapital-otp and x-idempotence-key headers."""
        seen = []

        async def record(request, handler):
            seen.append(dict(request.headers))
            return await handler(request)

        async with Bitcapital(
            bitcapital_sandbox.url,
            bitcapital_sandbox.client_id,
            bitcapital_sandbox.client_secret,
            middlewares=[record],
        ) as client:
            asset = await root_asset(client)
            await client.assets.emit(
                asset.id, amount="1", otp="123456", idempotence_key="key-1"
            )

        assert seen[-1]["x-bitcapital-otp"] == "123456"
        assert seen[-1]["x-idempotence-key"] == "key-1"


class TestTransactions:
    async def test_find_one_returns_the_transaction_with_payments(self, api):
        """A transaction is found by id, with its payments and source."""
        wallet = await new_wallet(api, "tx@example.com")
        asset = await root_asset(api)
        emitted = await api.assets.emit(
            asset.id, amount="7", destination=wallet.id, additional_data={"ref": "A1"}
        )

        found = await api.transactions.find_one(emitted.id)

        assert found.id == emitted.id
        assert found.payments[0].amount == Decimal(7)
        assert found.additional_data["ref"] == "A1"
        assert found.additional_data["assetCode"] == "BRLD"

    async def test_unknown_id_is_a_404(self, api):
        """An unknown transaction is an APIError with the server's message."""
        with pytest.raises(APIError) as info:
            await api.transactions.find_one("nope")

        assert info.value.status == 404
        assert info.value.message == "Transaction not found: nope"


class TestAmounts:
    def test_decimal_text_keeps_the_exact_value(self):
        """Amounts become plain decimal strings, floats by their shortest repr."""
        assert decimal_text(Decimal("1E-7")) == "0.0000001"
        assert decimal_text(59.42) == "59.42"
        assert decimal_text(10) == "10"

    def test_json_number_for_number_fields(self):
        """Integral amounts become ints, others floats that print as given."""
        assert json_number(Decimal("30.00")) == 30
        assert isinstance(json_number(Decimal("30.00")), int)
        assert json_number("59.42") == 59.42

    def test_bad_amounts_are_refused(self):
        """Not a number, not finite, or a bool is refused before any request."""
        with pytest.raises(ValueError, match="not an amount: 'ten'"):
            decimal_text("ten")
        with pytest.raises(ValueError, match="not a finite amount"):
            json_number(float("inf"))
        with pytest.raises(TypeError, match="bool"):
            decimal_text(True)  # noqa: FBT003 - the mistake under test

    def test_service_repr(self, api):
        """A service's repr names it and nothing else."""
        assert repr(api.payments) == "<PaymentService>"
