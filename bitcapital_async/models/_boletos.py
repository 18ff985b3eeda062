"""Boletos: Brazilian bank slips, emitted into a wallet or paid from one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ._base import BaseModel, BaseResponse

if TYPE_CHECKING:
    # Annotations only: resolve_model_types() binds these names at run time,
    # once every model module has loaded (the models refer to each other).
    from datetime import datetime
    from decimal import Decimal

__all__ = [
    "Boleto",
    "BoletoAmountDetails",
    "BoletoEmission",
    "BoletoEmissionSource",
    "BoletoInfo",
    "BoletoPartialAmount",
    "BoletoPaymentInfo",
    "BoletoPaymentResponse",
    "BoletoTraders",
    "BoletoValidateResponse",
]


@attrs.frozen(kw_only=True)
class Boleto(BaseModel):
    """A boleto emitted by the instance.

    Attributes:
        amount: The amount due.
        expires_at: The due date.
        document_number: The issuer's number for the boleto.
        beneficiary_name: Who is paid.
        beneficiary_code: The beneficiary's code at the bank.
        beneficiary_document: The beneficiary's tax id.
        bank: The bank's code.
        agency: The branch.
        agreement_number: The issuing agreement with the bank.
        agreement_number_digit: Its check digit.
        bar_code: The 44-digit bar code.
        digitable_line: The 47-digit line people type in.
        is_registered: Whether the bank has registered it.
        conductor_id: The id at the card processor (1.6.0 servers).
        conductor_number: The number at the card processor (1.6.0 servers).
        conductor_number_digit: Its check digit (1.6.0 servers).
    """

    amount: Decimal | None = None
    expires_at: datetime | None = None
    document_number: str | None = None
    beneficiary_name: str | None = None
    beneficiary_code: str | None = None
    beneficiary_document: str | None = None
    bank: str | None = None
    agency: str | None = None
    agreement_number: str | None = None
    agreement_number_digit: str | None = None
    bar_code: str | None = None
    digitable_line: str | None = None
    is_registered: bool | None = None
    conductor_id: str | None = None
    conductor_number: str | None = None
    conductor_number_digit: str | None = None


@attrs.frozen(kw_only=True)
class BoletoEmission:
    """The answer to emitting a boleto into a wallet (nightly).

    Attributes:
        id: The emission's id.
        boleto: The boleto emitted.
        source: Where its payment will be credited.
    """

    id: str | None = None
    boleto: Boleto | None = None
    source: BoletoEmissionSource | None = None


@attrs.frozen(kw_only=True)
class BoletoEmissionSource:
    """Where an emitted boleto's payment will be credited.

    Attributes:
        bitcapital_wallet_id: The wallet credited.
    """

    bitcapital_wallet_id: str | None = None


@attrs.frozen(kw_only=True)
class BoletoValidateResponse(BaseResponse):
    """What the bank knows of a boleto before paying it.

    Booleans here may arrive as the strings ``"true"`` and ``"false"``; the
    converter reads those as booleans.

    Attributes:
        paid: Whether it is already paid.
        boleto_info: The boleto as printed.
        payment_info: What paying it today costs.
    """

    paid: bool | None = None
    boleto_info: BoletoInfo | None = None
    payment_info: BoletoPaymentInfo | None = None


@attrs.frozen(kw_only=True)
class BoletoInfo:
    """A boleto as printed.

    Attributes:
        description: The issuer's description.
        amount: The amount printed.
        expires_at: The due date printed.
        has_expiration_date: Whether it has a due date at all.
        barcode_number: The bar code.
    """

    description: str | None = None
    amount: Decimal | None = None
    expires_at: datetime | None = None
    has_expiration_date: bool | None = None
    barcode_number: str | None = None


@attrs.frozen(kw_only=True)
class BoletoPaymentInfo:
    """What paying a boleto today costs, and until when it can be paid.

    Attributes:
        contract_id: The bank's id for this check.
        id_number: The boleto's number in the interbank registry.
        traders: Who pays whom.
        expires_at: The due date.
        total_amount: What paying today costs.
        amount_details: How that total is made up.
        accept_partial_amount: Whether a partial payment is accepted.
        barcode: The bar code.
        digitable_line: The line people type in.
        payment_deadline: The last moment it can be paid.
        valid_date: Whether today is a valid day to pay it.
        next_business_day: The next business day, as the bank writes it.
    """

    contract_id: str | None = None
    id_number: str | None = None
    traders: BoletoTraders | None = None
    expires_at: datetime | None = None
    total_amount: Decimal | None = None
    amount_details: BoletoAmountDetails | None = None
    accept_partial_amount: BoletoPartialAmount | None = None
    barcode: str | None = None
    digitable_line: str | None = None
    payment_deadline: datetime | None = None
    valid_date: bool | None = None
    next_business_day: str | None = None


@attrs.frozen(kw_only=True)
class BoletoTraders:
    """Who pays whom on a boleto.

    Attributes:
        recipient: The beneficiary's name.
        recipient_document: The beneficiary's tax id.
        payer_name: The payer's name.
        payer_document: The payer's tax id.
    """

    recipient: str | None = None
    recipient_document: str | None = None
    payer_name: str | None = None
    payer_document: str | None = None


@attrs.frozen(kw_only=True)
class BoletoAmountDetails:
    """How the cost of paying a boleto today is made up.

    Attributes:
        interest_amount: Interest for paying late.
        discount: Discount for paying early.
        fine_amount: The fine for paying late.
        total_amount: The total due.
        payment_amount_updated: The printed amount brought up to date.
        calculation_date: When the bank computed these.
    """

    interest_amount: Decimal | None = None
    discount: Decimal | None = None
    fine_amount: Decimal | None = None
    total_amount: Decimal | None = None
    payment_amount_updated: Decimal | None = None
    calculation_date: datetime | None = None


@attrs.frozen(kw_only=True)
class BoletoPartialAmount:
    """Whether a boleto accepts a payment of less than its total.

    Attributes:
        code: The registry's code for the rule.
        description: What the code means.
    """

    code: int | None = None
    description: str | None = None


@attrs.frozen(kw_only=True)
class BoletoPaymentResponse(BaseResponse):
    """The receipt of paying a boleto.

    Attributes:
        payment_id: The payment's id at the bank.
        account_id: The paying account's id at the bank.
        status: Where the payment stands, as the bank spells it.
        description: The description sent with the payment.
        barcode: The bar code paid.
        expires_at: The boleto's due date.
        recipient_name: Who was paid.
        amount: The amount paid.
        discount: The discount applied.
        tax_amount: Interest and fines paid.
    """

    payment_id: str | None = None
    account_id: str | None = None
    status: str | None = None
    description: str | None = None
    barcode: str | None = None
    expires_at: datetime | None = None
    recipient_name: str | None = None
    amount: Decimal | None = None
    discount: Decimal | None = None
    tax_amount: Decimal | None = None
