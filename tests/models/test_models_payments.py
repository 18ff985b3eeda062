"""Payment, Transaction, bank transfers and phone top-ups."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bitcapital_async.models import (
    Asset,
    BankTransfer,
    BankTransferDestination,
    BankTransferPayment,
    Payment,
    PaymentType,
    PhoneCredit,
    PhoneCreditAmount,
    PhoneCreditDealer,
    PhoneCreditDealers,
    Transaction,
    TransactionState,
    TransactionStatus,
    TransactionType,
    Wallet,
    structure,
    unstructure,
)

ACCESS_TOKEN = "c0a6e4b2f19d4c8e9b7a5d3f1e2c4b6a8d0f2e4c"

# POST /boletos/payment/pay on a newer server: an AUTHORIZED transaction.
TRANSACTION_WIRE = {
    "id": "t0000000-0000-4000-8000-000000000001",
    "createdAt": "2019-08-04T15:20:00+00:00",
    "type": "payment",
    "status": "AUTHORIZED",
    "source": {"id": "w0000000-0000-4000-8000-000000000002"},
    "payments": [
        {
            "id": "p0000000-0000-4000-8000-000000000003",
            "type": "boleto",
            "status": "settled",
            "amount": "59.42",
            "asset": {"id": "a1", "code": "BRLD"},
        }
    ],
    "additionalData": {"hash": "9f86d081884c7d65", "asset_code": "BRLD"},
    "createdBy": {"accessToken": ACCESS_TOKEN, "userId": "u1"},
    "states": [
        {"status": "pending", "additionalData": {}},
        {"status": "AUTHORIZED"},
    ],
}


class TestTransaction:
    def test_structure(self):
        """Status, payments and history are typed; AUTHORIZED is upper case."""
        transaction = structure(TRANSACTION_WIRE, Transaction)

        assert transaction.type is TransactionType.PAYMENT
        assert transaction.status is TransactionStatus.AUTHORIZED
        assert transaction.source == Wallet(id="w0000000-0000-4000-8000-000000000002")
        assert transaction.payments == [
            Payment(
                id="p0000000-0000-4000-8000-000000000003",
                type=PaymentType.BOLETO,
                status="settled",
                amount=Decimal("59.42"),
                asset=Asset(id="a1", code="BRLD"),
            )
        ]
        assert transaction.states == [
            TransactionState(status=TransactionStatus.PENDING, additional_data={}),
            TransactionState(status=TransactionStatus.AUTHORIZED),
        ]

    def test_round_trip(self):
        """Structuring then unstructuring gives back the wire JSON."""
        assert unstructure(structure(TRANSACTION_WIRE, Transaction)) == TRANSACTION_WIRE

    def test_created_by_hidden_from_repr(self):
        """The creator record may hold a bearer token, so repr leaves it out."""
        transaction = structure(TRANSACTION_WIRE, Transaction)

        assert ACCESS_TOKEN not in repr(transaction)


class TestPayment:
    def test_deposit_with_schedule(self):
        """A scheduled deposit keeps its type, destination and due date."""
        wire = {
            "id": "p1",
            "type": "deposit",
            "amount": "1000.00",
            "destination": {"id": "w1", "status": "ready"},
            "scheduleFor": "2019-09-01T12:00:00+00:00",
        }

        payment = structure(wire, Payment)

        assert payment.type is PaymentType.DEPOSIT
        assert payment.amount == Decimal("1000.00")
        assert payment.schedule_for == datetime(2019, 9, 1, 12, tzinfo=UTC)
        assert unstructure(payment) == wire

    def test_nightly_service_fee(self):
        """The nightly service_fee type is known."""
        payment = structure({"id": "p1", "type": "service_fee"}, Payment)

        assert payment.type is PaymentType.SERVICE_FEE


class TestBankTransferPayment:
    def test_round_trip(self):
        """A withdrawal receipt, which has no id of its own, round-trips."""
        wire = {
            "type": "withdrawal",
            "bitcapitalCoreId": "p0000000-0000-4000-8000-000000000009",
            "transactionCode": "TED-000123",
            "source": "w1",
            "amount": "250.00",
            "bankTransfer": {
                "destination": {
                    "bank": 341,
                    "agency": 1234,
                    "agencyDigit": "5",
                    "account": 567890,
                    "accountDigit": "1",
                    "name": "Ana Souza",
                    "taxIdNumber": "12345678909",
                    "type": "checking",
                },
                "identificator": 778899,
                "subIssuerCode": 12,
            },
        }

        receipt = structure(wire, BankTransferPayment)

        assert receipt == BankTransferPayment(
            type="withdrawal",
            bitcapital_core_id="p0000000-0000-4000-8000-000000000009",
            transaction_code="TED-000123",
            source="w1",
            amount=Decimal("250.00"),
            bank_transfer=BankTransfer(
                destination=BankTransferDestination(
                    bank=341,
                    agency=1234,
                    agency_digit="5",
                    account=567890,
                    account_digit="1",
                    name="Ana Souza",
                    tax_id_number="12345678909",
                    type="checking",
                ),
                identificator=778899,
                sub_issuer_code=12,
            ),
        )
        assert unstructure(receipt) == wire

    def test_source_as_wallet(self):
        """The debited wallet may also arrive joined."""
        receipt = structure({"source": {"id": "w1"}}, BankTransferPayment)

        assert receipt.source == Wallet(id="w1")


class TestPhoneCredit:
    def test_round_trip(self):
        """A top-up order with the carrier's amounts round-trips."""
        wire = {
            "id": "pc000000-0000-4000-8000-000000000004",
            "walletId": "w1",
            "providerCode": "2086",
            "phoneCode": "11",
            "phoneNumber": "987654321",
            "providerOrderId": "ord-5521",
            "status": "pending",
            "amounts": [
                {"id": "1", "amount": "15.00", "amountKey": "k15"},
                {"id": "2", "amount": "20.00", "amountKey": "k20"},
            ],
        }

        order = structure(wire, PhoneCredit)

        assert order.amounts == [
            PhoneCreditAmount(id="1", amount=Decimal("15.00"), amount_key="k15"),
            PhoneCreditAmount(id="2", amount=Decimal("20.00"), amount_key="k20"),
        ]
        assert unstructure(order) == wire

    def test_dealers(self):
        """The carriers list reads name and code."""
        dealers = structure(
            {"dealers": [{"name": "Vivo", "code": "2086"}]}, PhoneCreditDealers
        )

        assert dealers == PhoneCreditDealers(
            dealers=[PhoneCreditDealer(name="Vivo", code="2086")]
        )
