"""Consumer and what hangs off it: company data, addresses, phones, documents."""

from __future__ import annotations

from datetime import UTC, datetime

from bitcapital_async.models import (
    Address,
    AddressType,
    Banking,
    BankingType,
    CompanyData,
    CompanyPartner,
    Consumer,
    ConsumerState,
    ConsumerStatus,
    ConsumerType,
    Document,
    DocumentState,
    DocumentStatus,
    DocumentType,
    EconomicActivity,
    KYCPreview,
    PartnerPhone,
    Phone,
    PhoneType,
    structure,
    unstructure,
)

ADDRESS_WIRE = {
    "id": "ad000000-0000-4000-8000-000000000001",
    "type": "home",
    "status": "verified",
    "country": "BR",
    "state": "SP",
    "city": "São Paulo",
    "neighborhood": "Pinheiros",
    "code": "05422001",
    "street": "Rua dos Pinheiros",
    "number": "870",
    "complement": "apto 12",
}
PHONE_WIRE = {
    "id": "ph000000-0000-4000-8000-000000000002",
    "type": "mobile",
    "code": "11",
    "number": "987654321",
    "verifiedAt": "2019-08-02T10:00:00+00:00",
}
BANKING_WIRE = {
    "id": "bk000000-0000-4000-8000-000000000003",
    "type": "checking",
    "bank": 341,
    "agency": 1234,
    "agencyDigit": "5",
    "account": 567890,
    "accountDigit": "X",
}
DOCUMENT_WIRE = {
    "id": "dc000000-0000-4000-8000-000000000004",
    "type": "brl_drivers_license",
    "status": "processing",
    "number": "01234567890",
    "front": "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD",
    "states": [{"status": "pending_information"}, {"status": "processing"}],
}
CONSUMER_WIRE = {
    "id": "c0000000-0000-4000-8000-000000000005",
    "createdAt": "2019-08-01T09:00:00+00:00",
    "status": "manual_verification",
    "type": "corporate",
    "userId": "u0000000-0000-4000-8000-000000000006",
    "taxId": "11222333000181",
    "birthday": "2010-03-01T00:00:00+00:00",
    "companyData": {
        "tradeName": "Padaria Pão Quente",
        "openingDate": "2010-03-01T00:00:00+00:00",
        "activities": [{"isMain": True, "code": "1091-1/02", "description": "Padaria"}],
        "partners": [
            {
                "name": "João Lima",
                "birthDate": "1975-06-20",
                "taxId": "98765432100",
                "email": "joao@example.com.br",
                "phones": [{"type": "work", "code": "11", "number": "33334444"}],
            }
        ],
    },
    "addresses": [ADDRESS_WIRE],
    "bankings": [BANKING_WIRE],
    "documents": [DOCUMENT_WIRE],
    "phones": [PHONE_WIRE],
    "states": [
        {"status": "pending_phone_verification"},
        {"status": "manual_verification", "additionalData": {"reason": "CNPJ"}},
    ],
}


class TestConsumer:
    def test_structure(self):
        """A corporate consumer with every join lands in typed attributes."""
        consumer = structure(CONSUMER_WIRE, Consumer)

        assert consumer.status is ConsumerStatus.MANUAL_VERIFICATION
        assert consumer.type is ConsumerType.CORPORATE
        assert consumer.birthday == datetime(2010, 3, 1, tzinfo=UTC)
        assert consumer.company_data == CompanyData(
            trade_name="Padaria Pão Quente",
            opening_date=datetime(2010, 3, 1, tzinfo=UTC),
            activities=[
                EconomicActivity(is_main=True, code="1091-1/02", description="Padaria")
            ],
            partners=[
                CompanyPartner(
                    name="João Lima",
                    birth_date="1975-06-20",
                    tax_id="98765432100",
                    email="joao@example.com.br",
                    phones=[
                        PartnerPhone(type=PhoneType.WORK, code="11", number="33334444")
                    ],
                )
            ],
        )
        assert consumer.states == [
            ConsumerState(status=ConsumerStatus.PENDING_PHONE_VERIFICATION),
            ConsumerState(
                status=ConsumerStatus.MANUAL_VERIFICATION,
                additional_data={"reason": "CNPJ"},
            ),
        ]

    def test_round_trip(self):
        """Structuring then unstructuring gives back the wire JSON."""
        assert unstructure(structure(CONSUMER_WIRE, Consumer)) == CONSUMER_WIRE


class TestAddress:
    def test_structure(self):
        """An address keeps its CEP and number as strings."""
        address = structure(ADDRESS_WIRE, Address)

        assert address == Address(
            id="ad000000-0000-4000-8000-000000000001",
            type=AddressType.HOME,
            status="verified",
            country="BR",
            state="SP",
            city="São Paulo",
            neighborhood="Pinheiros",
            code="05422001",
            street="Rua dos Pinheiros",
            number="870",
            complement="apto 12",
        )

    def test_numeric_cep_becomes_string(self):
        """A CEP sent as a number is read as its digits."""
        address = structure({"id": "a1", "code": 5422001}, Address)

        assert address.code == "5422001"


class TestPhone:
    def test_round_trip(self):
        """A verified mobile phone survives the round trip."""
        phone = structure(PHONE_WIRE, Phone)

        assert phone.type is PhoneType.MOBILE
        assert phone.verified_at == datetime(2019, 8, 2, 10, tzinfo=UTC)
        assert unstructure(phone) == PHONE_WIRE


class TestBanking:
    def test_round_trip(self):
        """Bank, agency and account are numbers; the digits are strings."""
        banking = structure(BANKING_WIRE, Banking)

        assert banking == Banking(
            id="bk000000-0000-4000-8000-000000000003",
            type=BankingType.CHECKING,
            bank=341,
            agency=1234,
            agency_digit="5",
            account=567890,
            account_digit="X",
        )
        assert unstructure(banking) == BANKING_WIRE


class TestDocument:
    def test_structure(self):
        """A document's type, status and history are typed."""
        document = structure(DOCUMENT_WIRE, Document)

        assert document.type is DocumentType.BRL_DRIVERS_LICENSE
        assert document.status is DocumentStatus.PROCESSING
        assert document.states == [
            DocumentState(status=DocumentStatus.PENDING_INFORMATION),
            DocumentState(status=DocumentStatus.PROCESSING),
        ]
        assert unstructure(document) == DOCUMENT_WIRE

    def test_pictures_hidden_from_repr(self):
        """Base64 pictures are personal and large, so repr leaves them out."""
        document = structure(DOCUMENT_WIRE, Document)

        assert "base64" not in repr(document)
        assert "01234567890" in repr(document)

    def test_unknown_type_kept(self):
        """A document type newer than the SDK is kept as a string."""
        document = structure({"id": "d1", "type": "brl_work_card"}, Document)

        assert document.type == "brl_work_card"


class TestKYCPreview:
    def test_structure(self):
        """The preview keeps its free-form details as sent."""
        preview = structure(
            {"accepted": "false", "details": {"score": 312, "reasons": ["pep"]}},
            KYCPreview,
        )

        assert preview == KYCPreview(
            accepted=False, details={"score": 312, "reasons": ["pep"]}
        )
        assert unstructure(preview) == {
            "accepted": False,
            "details": {"score": 312, "reasons": ["pep"]},
        }
