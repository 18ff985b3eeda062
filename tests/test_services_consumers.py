"""Consumers, their nested records and the KYC preview, over real HTTP."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime

import pytest

from bitcapital_async import APIError
from bitcapital_async.models import (
    Address,
    AddressType,
    BankingType,
    ConsumerStatus,
    ConsumerType,
    Document,
    DocumentStatus,
    DocumentType,
    Phone,
    PhoneType,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


async def new_consumer(api, email="c@example.com", **fields):
    return await api.consumers.create(
        email=email, password="pw", first_name="Caio", last_name="Reis", **fields
    )


class TestConsumers:
    async def test_create_with_profile_and_records(self, api):
        """Profile fields and records sent on creation come back on the user."""
        user = await new_consumer(
            api,
            tax_id="12345678909",
            type=ConsumerType.PERSONAL,
            mother_name="Rosa Reis",
            birthday=datetime(1990, 5, 17, tzinfo=UTC),
            external_id="ext-1",
            addresses=[Address(id=None, type=AddressType.HOME, city="Recife")],
            phones=[Phone(id=None, code="81", number="999990000")],
        )

        consumer = user.consumer
        assert (user.name, user.email) == ("Caio Reis", "c@example.com")
        assert consumer.status is ConsumerStatus.PENDING_DOCUMENTS
        assert (consumer.tax_id, consumer.type) == (
            "12345678909",
            ConsumerType.PERSONAL,
        )
        assert consumer.mother_name == "Rosa Reis"
        assert consumer.birthday == datetime(1990, 5, 17, tzinfo=UTC)
        assert [a.city for a in consumer.addresses] == ["Recife"]
        assert [(p.type, p.number) for p in consumer.phones] == [
            (PhoneType.MOBILE, "999990000")
        ]

    async def test_find_all_find_one_and_iter_all(self, api):
        """The demo consumer is listed first, then the ones created, in order."""
        created = await new_consumer(api)

        page = await api.consumers.find_all(skip=1)
        found = await api.consumers.find_one(created.id)
        emails = [u.email async for u in api.consumers.iter_all(page_size=1)]

        assert ([u.id for u in page], page.total) == ([created.id], 2)
        assert found.consumer.user_id == created.id
        assert emails == ["ana@sandbox.invalid", "c@example.com"]

    async def test_update_and_delete(self, api):
        """Top-level and profile fields change; the deleted consumer is gone."""
        user = await new_consumer(api)

        updated = await api.consumers.update(
            user.id, first_name="Cauã", mother_name="Iara Reis"
        )
        await api.consumers.delete(user.id)

        assert updated.name == "Cauã Reis"
        assert updated.consumer.mother_name == "Iara Reis"
        with pytest.raises(APIError) as info:
            await api.consumers.find_one(user.id)
        assert info.value.status == 404

    async def test_block_and_unblock(self, api):
        """Blocking stops payments from the consumer's wallet until unblocked."""
        user = await new_consumer(api)
        (wallet,) = await api.users.find_wallets(user.id)
        await api.assets.emit("BRLD", amount="1", destination=wallet.id)

        await api.consumers.block(user.id)
        blocked = await api.consumers.find_one(user.id)
        with pytest.raises(APIError) as info:
            await api.assets.destroy("BRLD", amount="1", source=wallet.id)
        await api.consumers.unblock(user.id)
        unblocked = await api.consumers.find_one(user.id)

        assert blocked.consumer.status is ConsumerStatus.BLOCKED
        assert (info.value.status, info.value.message) == (
            403,
            "the wallet's owner is blocked",
        )
        assert unblocked.consumer.status is ConsumerStatus.PENDING_DOCUMENTS

    async def test_manual_kyc(self, api):
        """An approved manual analysis is recorded and makes the consumer ready."""
        user = await new_consumer(api)

        before = await api.consumers.find_kyc_data(user.id)
        recorded = await api.consumers.set_manual_kyc_result(
            user.id, result="approved", reason="documents match", tax_id="12345678909"
        )
        after = await api.consumers.find_kyc_data(user.id)

        assert before == {}
        assert recorded["result"] == "approved"
        assert after["reason"] == "documents match"
        ready = await api.consumers.find_one(user.id)
        assert ready.consumer.status is ConsumerStatus.READY


class TestAddresses:
    async def test_crud(self, api):
        """An address is added, listed, found, changed and removed."""
        user = await new_consumer(api)

        created = await api.consumers.addresses.create(
            user.id, type="work", street="Rua A", number="10", code="50000000"
        )
        page = await api.consumers.addresses.find_all(user.id)
        listed = [a.id async for a in api.consumers.addresses.iter_all(user.id)]
        updated = await api.consumers.addresses.update(user.id, created.id, number="12")
        found = await api.consumers.addresses.find_one(user.id, created.id)
        await api.consumers.addresses.delete(user.id, created.id)

        assert (created.type, created.street) == (AddressType.WORK, "Rua A")
        assert ([a.id for a in page], page.total) == ([created.id], 1)
        assert listed == [created.id]
        assert updated.number == found.number == "12"
        assert (await api.consumers.addresses.find_all(user.id)).total == 0


class TestPhones:
    async def test_crud(self, api):
        """A phone defaults to mobile and can be changed and removed."""
        user = await new_consumer(api)

        created = await api.consumers.phones.create(
            user.id, code="11", number="912345678"
        )
        updated = await api.consumers.phones.update(user.id, created.id, extension="9")
        found = await api.consumers.phones.find_one(user.id, created.id)
        listed = [p.id async for p in api.consumers.phones.iter_all(user.id)]
        await api.consumers.phones.delete(user.id, created.id)

        assert created.type is PhoneType.MOBILE
        assert updated.extension == found.extension == "9"
        assert listed == [created.id]
        assert (await api.consumers.phones.find_all(user.id)).items == []


class TestBankings:
    async def test_crud(self, api):
        """A bank account keeps its numbers as numbers and its digits as text."""
        user = await new_consumer(api)

        created = await api.consumers.bankings.create(
            user.id,
            bank=341,
            agency=1234,
            agency_digit="5",
            account=67890,
            account_digit="1",
            type=BankingType.SAVINGS,
        )
        updated = await api.consumers.bankings.update(
            user.id, created.id, account=11111
        )
        page = await api.consumers.bankings.find_all(user.id, limit=1)
        listed = [b.id async for b in api.consumers.bankings.iter_all(user.id)]
        await api.consumers.bankings.delete(user.id, created.id)

        assert (created.bank, created.agency, created.agency_digit) == (341, 1234, "5")
        assert created.type is BankingType.SAVINGS
        assert updated.account == 11111
        assert [b.id for b in page] == listed == [created.id]
        with pytest.raises(APIError):
            await api.consumers.bankings.find_one(user.id, created.id)


class TestDocuments:
    async def test_crud_and_find_by_type(self, api):
        """A document is found by its id or by its type."""
        user = await new_consumer(api)

        created = await api.consumers.documents.create(
            user.id, type=DocumentType.BRL_IDENTITY, number="12.345.678-9"
        )
        by_type = await api.consumers.documents.find_one(user.id, "brl_identity")
        updated = await api.consumers.documents.update(
            user.id, created.id, number="98.765.432-1"
        )
        listed = [d.id async for d in api.consumers.documents.iter_all(user.id)]
        page = await api.consumers.documents.find_all(user.id)
        await api.consumers.documents.delete(user.id, created.id)

        assert created.status is DocumentStatus.PENDING_INFORMATION
        assert by_type.id == created.id
        assert updated.number == "98.765.432-1"
        assert [d.id for d in page] == listed == [created.id]
        assert (await api.consumers.documents.find_all(user.id)).total == 0

    async def test_upload_picture_as_multipart(self, api):
        """A multipart upload lands in the document's front, as a data URL."""
        user = await new_consumer(api)

        document = await api.consumers.documents.upload_picture(
            user.id, "brl_drivers_license", "front", PNG, content_type="image/png"
        )

        assert isinstance(document, Document)
        assert document.type is DocumentType.BRL_DRIVERS_LICENSE
        assert document.status is DocumentStatus.PROCESSING
        assert document.front == "data:image/png;base64," + base64.b64encode(
            PNG
        ).decode("ascii")

    async def test_upload_picture_from_a_file(self, api):
        """A binary file object is read and sent like bytes."""
        user = await new_consumer(api)

        document = await api.consumers.documents.upload_picture(
            user.id, "passport", "selfie", io.BytesIO(b"jpeg-bytes")
        )

        assert document.selfie == "data:application/octet-stream;base64," + (
            base64.b64encode(b"jpeg-bytes").decode("ascii")
        )

    async def test_upload_picture_base64(self, api):
        """Raw bytes are base64-encoded; a string is sent as it is."""
        user = await new_consumer(api)

        both = await api.consumers.documents.upload_picture_base64(
            user.id, "brl_identity", "both_sides", PNG
        )
        selfie = await api.consumers.documents.upload_picture_base64(
            user.id, "brl_identity", "selfie", "data:image/png;base64,AAAA"
        )

        encoded = base64.b64encode(PNG).decode("ascii")
        assert both.front == both.back == encoded
        assert selfie.selfie == "data:image/png;base64,AAAA"
        assert selfie.id == both.id


class TestPreviews:
    async def test_kyc_preview(self, api):
        """A well-formed CPF passes the preview; one digit repeated does not."""
        good = await api.previews.kyc("12345678909")
        bad = await api.previews.kyc("11111111111")

        assert good.accepted is True
        assert good.details == {"taxId": "12345678909", "situation": "regular"}
        assert bad.accepted is False
