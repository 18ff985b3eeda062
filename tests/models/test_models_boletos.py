"""Boletos: emitted slips, the pre-payment check and payment receipts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bitcapital_async.models import (
    Boleto,
    BoletoAmountDetails,
    BoletoEmission,
    BoletoEmissionSource,
    BoletoInfo,
    BoletoPartialAmount,
    BoletoPaymentInfo,
    BoletoPaymentResponse,
    BoletoTraders,
    BoletoValidateResponse,
    structure,
    unstructure,
)

BARCODE = "34191790010104351004791020150008291070026000"
DIGITABLE_LINE = "34191790010104351004791020150008291070026000123"

# GET /boletos?barcode=… as the SDK's mock sends it: booleans as strings.
VALIDATE_WIRE = {
    "paid": "false",
    "boletoInfo": {
        "description": "Conta de luz",
        "amount": 59.42,
        "expiresAt": "2019-08-10T00:00:00.000Z",
        "hasExpirationDate": "true",
        "barcodeNumber": BARCODE,
    },
    "paymentInfo": {
        "contractId": "ctr-7781",
        "idNumber": "2019080400000123",
        "traders": {
            "recipient": "Eletropaulo",
            "recipientDocument": "61695227000193",
            "payerName": "Ana Souza",
            "payerDocument": "12345678909",
        },
        "expiresAt": "2019-08-10T00:00:00.000Z",
        "totalAmount": 60.1,
        "amountDetails": {
            "interestAmount": 0.5,
            "discount": 0,
            "fineAmount": 0.18,
            "totalAmount": 60.1,
            "paymentAmountUpdated": 60.1,
            "calculationDate": "2019-08-04T10:00:00.000Z",
        },
        "acceptPartialAmount": {"code": 3, "description": "Não aceita"},
        "barcode": BARCODE,
        "digitableLine": DIGITABLE_LINE,
        "paymentDeadline": "2019-08-10T21:00:00.000Z",
        "validDate": "true",
        "nextBusinessDay": "2019-08-05",
    },
}


class TestBoletoValidateResponse:
    def test_structure(self):
        """String booleans are coerced; number amounts become exact Decimals."""
        answer = structure(VALIDATE_WIRE, BoletoValidateResponse)

        assert answer == BoletoValidateResponse(
            paid=False,
            boleto_info=BoletoInfo(
                description="Conta de luz",
                amount=Decimal("59.42"),
                expires_at=datetime(2019, 8, 10, tzinfo=UTC),
                has_expiration_date=True,
                barcode_number=BARCODE,
            ),
            payment_info=BoletoPaymentInfo(
                contract_id="ctr-7781",
                id_number="2019080400000123",
                traders=BoletoTraders(
                    recipient="Eletropaulo",
                    recipient_document="61695227000193",
                    payer_name="Ana Souza",
                    payer_document="12345678909",
                ),
                expires_at=datetime(2019, 8, 10, tzinfo=UTC),
                total_amount=Decimal("60.1"),
                amount_details=BoletoAmountDetails(
                    interest_amount=Decimal("0.5"),
                    discount=Decimal(0),
                    fine_amount=Decimal("0.18"),
                    total_amount=Decimal("60.1"),
                    payment_amount_updated=Decimal("60.1"),
                    calculation_date=datetime(2019, 8, 4, 10, tzinfo=UTC),
                ),
                accept_partial_amount=BoletoPartialAmount(
                    code=3, description="Não aceita"
                ),
                barcode=BARCODE,
                digitable_line=DIGITABLE_LINE,
                payment_deadline=datetime(2019, 8, 10, 21, tzinfo=UTC),
                valid_date=True,
                next_business_day="2019-08-05",
            ),
        )

    def test_round_trip(self):
        """A structured answer survives unstructure and structure unchanged."""
        answer = structure(VALIDATE_WIRE, BoletoValidateResponse)

        again = structure(unstructure(answer), BoletoValidateResponse)

        assert again == answer
        assert unstructure(answer)["paid"] is False
        assert unstructure(answer)["boletoInfo"]["amount"] == "59.42"


class TestBoleto:
    def test_round_trip(self):
        """An emitted boleto survives the round trip."""
        wire = {
            "id": "b0000000-0000-4000-8000-000000000001",
            "amount": "150.00",
            "expiresAt": "2019-08-20T00:00:00+00:00",
            "documentNumber": "000123",
            "beneficiaryName": "Acme Pay",
            "beneficiaryDocument": "11222333000181",
            "bank": "341",
            "agency": "0001",
            "barCode": BARCODE,
            "digitableLine": DIGITABLE_LINE,
            "isRegistered": True,
        }

        boleto = structure(wire, Boleto)

        assert boleto.amount == Decimal("150.00")
        assert boleto.is_registered is True
        assert unstructure(boleto) == wire

    def test_emission(self):
        """The nightly emit answer wraps the boleto and the credited wallet."""
        wire = {
            "id": "e1",
            "boleto": {"id": "b1", "amount": "10.00"},
            "source": {"bitcapitalWalletId": "w1"},
        }

        emission = structure(wire, BoletoEmission)

        assert emission == BoletoEmission(
            id="e1",
            boleto=Boleto(id="b1", amount=Decimal("10.00")),
            source=BoletoEmissionSource(bitcapital_wallet_id="w1"),
        )
        assert unstructure(emission) == wire


class TestBoletoPaymentResponse:
    def test_structure(self):
        """Numeric bank ids become strings; amounts become Decimals."""
        wire = {
            "paymentId": 99812,
            "accountId": 5521,
            "status": "PAID",
            "description": "Conta de luz",
            "barcode": BARCODE,
            "expiresAt": "2019-08-10T00:00:00.000Z",
            "recipientName": "Eletropaulo",
            "discount": 0,
            "taxAmount": 0.68,
            "amount": 60.1,
        }

        receipt = structure(wire, BoletoPaymentResponse)

        assert receipt == BoletoPaymentResponse(
            payment_id="99812",
            account_id="5521",
            status="PAID",
            description="Conta de luz",
            barcode=BARCODE,
            expires_at=datetime(2019, 8, 10, tzinfo=UTC),
            recipient_name="Eletropaulo",
            discount=Decimal(0),
            tax_amount=Decimal("0.68"),
            amount=Decimal("60.1"),
        )
        assert unstructure(receipt) == {
            **wire,
            "paymentId": "99812",
            "accountId": "5521",
            "expiresAt": "2019-08-10T00:00:00+00:00",
            "discount": "0",
            "taxAmount": "0.68",
            "amount": "60.1",
        }
