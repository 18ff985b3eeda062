"""Wallets and their cards against the sandbox over real HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bitcapital_async import APIError, Bitcapital
from bitcapital_async.models import (
    CardStatus,
    DepositInfo,
    PaymentType,
    WalletStatus,
)
from bitcapital_async.services import BankAccount, Recipient


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


async def new_consumer(api, email):
    user = await api.consumers.create(
        email=email, password="pw", first_name="Ana", last_name="Souza"
    )
    (wallet,) = await api.users.find_wallets(user.id)
    return user, wallet


async def fund(api, wallet_id, amount):
    return await api.assets.emit("BRLD", amount=amount, destination=wallet_id)


class TestWallets:
    async def test_find_all_and_iter_all(self, api):
        """The root wallet and the demo consumer's wallet come first, in order."""
        _, wallet = await new_consumer(api, "list@example.com")
        root = await api.wallets.find_root()

        page = await api.wallets.find_all(skip=1, limit=5)
        everything = [w.id async for w in api.wallets.iter_all(page_size=2)]

        assert (page.total, page.skip, page.limit) == (3, 1, 5)
        assert page[-1].id == wallet.id
        assert everything[0] == root.id
        assert everything[-1] == wallet.id
        assert len(everything) == 3

    async def test_find_one_shows_balances(self, api):
        """A wallet answers with its status, owner and root-asset balance."""
        user, wallet = await new_consumer(api, "one@example.com")
        await fund(api, wallet.id, "12.5")

        found = await api.wallets.find_one(wallet.id)

        assert found.status is WalletStatus.READY
        assert found.user == user.id
        assert found.balances[0].balance == Decimal("12.5")
        assert found.balances[0].asset_code == "BRLD"
        assert found.stellar.public_key.startswith("G")
        assert len(found.stellar.public_key) == 56

    async def test_create_update_delete(self, api):
        """A second wallet is opened, annotated and closed."""
        user, _ = await new_consumer(api, "crud@example.com")

        created = await api.wallets.create(user=user.id, additional_data={"tag": "a"})
        updated = await api.wallets.update(created.id, additional_data={"tag": "b"})
        await api.wallets.delete(created.id)

        assert created.additional_data == {"tag": "a"}
        assert updated.additional_data == {"tag": "b"}
        assert created.id not in [w.id for w in await api.users.find_wallets(user.id)]
        with pytest.raises(APIError) as info:
            await api.wallets.find_one(created.id)
        assert info.value.status == 404

    async def test_transactions_and_payments_of_a_wallet(self, api):
        """A wallet's transactions are those it sent; its payments those it got."""
        _, sender = await new_consumer(api, "sender@example.com")
        _, receiver = await new_consumer(api, "receiver@example.com")
        await fund(api, sender.id, "20")
        sent = await api.payments.pay(
            source=sender.id, recipients=[Recipient(destination=receiver.id, amount=5)]
        )

        outgoing = await api.wallets.find_transactions(sender.id)
        incoming = await api.wallets.find_payments(receiver.id, limit=10)
        all_outgoing = [t.id async for t in api.wallets.iter_transactions(sender.id)]
        all_incoming = [t.id async for t in api.wallets.iter_payments(receiver.id)]

        assert [t.id for t in outgoing] == [sent.id]
        assert outgoing.total == 1
        assert [t.id for t in incoming] == [sent.id]
        assert (incoming.skip, incoming.limit) == (0, 10)
        assert all_outgoing == all_incoming == [sent.id]

    async def test_withdraw_with_a_banking_id(self, api):
        """A withdrawal to one of the owner's bankings debits the wallet."""
        user, wallet = await new_consumer(api, "wd@example.com")
        banking = await api.consumers.bankings.create(
            user.id, bank=1, agency=2, account=3, account_digit="4"
        )
        await fund(api, wallet.id, "10")

        transaction = await api.wallets.withdraw(
            wallet.id, amount=Decimal("2.5"), banking_id=banking.id
        )

        assert transaction.payments[0].type is PaymentType.WITHDRAWAL
        assert transaction.payments[0].amount == Decimal("2.5")
        found = await api.wallets.find_one(wallet.id)
        assert found.balances[0].balance == Decimal("7.5")

    async def test_withdraw_with_bank_details(self, bitcapital_sandbox):
        """Bank details go in the body, the amount as a JSON number."""
        seen = []

        async def record(request, handler):
            if request.method == "POST":
                seen.append(await request.body.as_bytes())
            return await handler(request)

        async with Bitcapital(
            bitcapital_sandbox.url,
            bitcapital_sandbox.client_id,
            bitcapital_sandbox.client_secret,
            middlewares=[record],
        ) as api:
            _, wallet = await new_consumer(api, "bank@example.com")
            await fund(api, wallet.id, "10")

            await api.wallets.withdraw(
                wallet.id,
                amount=3,
                bank=BankAccount(bank=341, agency=1, account=2, account_digit="3"),
            )

        assert seen[-1] == (
            b'{"amount":3,"bank":{"bank":341,"agency":1,"account":2,"accountDigit":"3"}}'
        )

    async def test_withdraw_needs_an_account(self, api):
        """Neither a banking id nor bank details is a 400."""
        _, wallet = await new_consumer(api, "none@example.com")

        with pytest.raises(APIError) as info:
            await api.wallets.withdraw(wallet.id, amount=1)

        assert info.value.status == 400
        assert info.value.message == "bankingId or bank is required"

    async def test_find_deposit_info(self, api):
        """Deposit details name the wallet's owner and the sandbox's bank."""
        _, wallet = await new_consumer(api, "deposit@example.com")

        info = await api.wallets.find_deposit_info(wallet.id)

        assert isinstance(info, DepositInfo)
        assert info.name == "Ana Souza"
        assert info.external_id == wallet.id
        assert (info.bank.code, info.account.agency) == ("000", "0001")
        assert info.asset == "BRLD"

    async def test_ids_that_would_change_the_path_are_refused(self, api):
        """An id with a slash or a dot-dot never reaches the server."""
        for bad in ("../users", "a/b", "", ".."):
            with pytest.raises(ValueError, match="not a valid id"):
                await api.wallets.find_one(bad)


class TestCards:
    async def test_emit_virtual_and_physical(self, api):
        """A virtual card is available at once; a physical one waits to be activated."""
        user, wallet = await new_consumer(api, "cards@example.com")

        virtual = await api.cards.emit(wallet.id, type="virtual")
        physical = await api.cards.emit(wallet.id, type="physical", plastic_id="P-1")

        assert (virtual.virtual, virtual.status) == (True, CardStatus.AVAILABLE)
        assert (physical.virtual, physical.status) == (False, CardStatus.BLOCKED)
        assert virtual.wallet_id == wallet.id
        assert virtual.user_id == user.id

    async def test_find_all_find_one_and_iter_all(self, api):
        """Cards are listed per wallet and found by id."""
        _, wallet = await new_consumer(api, "list-cards@example.com")
        first = await api.cards.emit(wallet.id, type="virtual")
        second = await api.cards.emit(wallet.id, type="virtual")

        page = await api.cards.find_all(wallet.id, limit=1)
        via_wallet = await api.wallets.find_cards(wallet.id)
        ids = [card.id async for card in api.cards.iter_all(wallet.id, page_size=1)]
        found = await api.cards.find_one(wallet.id, second.id)

        assert ([c.id for c in page], page.total) == ([first.id], 2)
        assert [c.id for c in via_wallet] == ids == [first.id, second.id]
        assert found.id == second.id

    async def test_activate_block_unblock(self, api):
        """Activation sets the password that blocking and unblocking then need."""
        _, wallet = await new_consumer(api, "life@example.com")
        card = await api.cards.emit(wallet.id, type="physical", plastic_id="P-2")

        activated = await api.cards.activate(wallet.id, card.id, password="1234")
        blocked = await api.cards.block(
            wallet.id, card.id, password="1234", comment="lost"
        )
        unblocked = await api.cards.unblock(wallet.id, card.id, password="1234")

        assert activated.status is CardStatus.AVAILABLE
        assert blocked.status is CardStatus.BLOCKED
        assert unblocked.status is CardStatus.AVAILABLE
        with pytest.raises(APIError) as info:
            await api.cards.block(wallet.id, card.id, password="0000")
        assert (info.value.status, info.value.message) == (403, "wrong card password")

    async def test_cancel(self, api):
        """A cancelled card stays cancelled; the reason is checked first."""
        _, wallet = await new_consumer(api, "cancel@example.com")
        card = await api.cards.emit(wallet.id, type="virtual")

        with pytest.raises(ValueError, match="from 3 to 16, got 2"):
            await api.cards.cancel(wallet.id, card.id, reason=2, comment="x")
        cancelled = await api.cards.cancel(
            wallet.id, card.id, reason=5, comment="stolen", otp="111111"
        )

        assert cancelled.status is CardStatus.CANCELLED
        with pytest.raises(APIError) as info:
            await api.cards.unblock(wallet.id, card.id, password="1")
        assert info.value.message == "the card is cancelled"

    async def test_card_payments(self, api):
        """A card that never spent has an empty page of payments."""
        _, wallet = await new_consumer(api, "spend@example.com")
        card = await api.cards.emit(wallet.id, type="virtual")

        page = await api.cards.find_payments(wallet.id, card.id)
        items = [p async for p in api.cards.iter_payments(wallet.id, card.id)]

        assert (page.items, page.total) == ([], 0)
        assert items == []
