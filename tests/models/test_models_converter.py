"""The converter: scalars, enums, errors, and the package's public surface."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from cattrs.errors import AttributeValidationNote

from bitcapital_async import models
from bitcapital_async._errors import ValidationError
from bitcapital_async.models import (
    AmountMetric,
    Asset,
    BoletoInfo,
    CountMetric,
    Payment,
    StatusResponse,
    Transaction,
    TransactionStatus,
    User,
    UserRole,
    UserStatus,
    Wallet,
    _converter,
    converter,
    structure,
    unstructure,
)


class TestPublicNames:
    def test_all(self):
        """The package exports exactly these names, sorted."""
        assert models.__all__ == sorted(models.__all__)
        assert set(models.__all__) == {
            "Address", "AddressType", "AmountMetric", "Asset", "AssetProvider",
            "BankTransfer", "BankTransferDestination", "BankTransferPayment",
            "Banking", "BankingType", "BankingWalletData", "BaseModel",
            "BaseResponse", "Boleto", "BoletoAmountDetails", "BoletoEmission",
            "BoletoEmissionSource", "BoletoInfo", "BoletoPartialAmount",
            "BoletoPaymentInfo", "BoletoPaymentResponse", "BoletoTraders",
            "BoletoValidateResponse", "Card", "CardStatus", "CardType",
            "CompanyData", "CompanyPartner", "Consumer", "ConsumerState",
            "ConsumerStatus", "ConsumerType", "CountMetric", "DepositAccount",
            "DepositBank", "DepositInfo", "Document", "DocumentSide",
            "DocumentState", "DocumentStatus", "DocumentType", "Domain",
            "DomainRole", "DomainSettings", "DomainSettingsLocks",
            "EconomicActivity", "KYCPreview", "OAuthSecretToken", "PartnerPhone",
            "Payment", "PaymentType", "Phone", "PhoneCredit", "PhoneCreditAmount",
            "PhoneCreditDealer", "PhoneCreditDealers", "PhoneType", "Postback",
            "PostbackEntity", "Product", "SecretTokenResource", "State",
            "StatusResponse", "StellarWalletData", "Transaction",
            "TransactionState", "TransactionStatus", "TransactionType", "User",
            "UserRole", "UserState", "UserStatus", "Wallet", "WalletBalance",
            "WalletState", "WalletStatus", "converter", "structure",
            "unstructure",
        }  # fmt: skip

    def test_annotations_resolved(self):
        """Every model's annotations are real types after import, none a string."""
        unresolved = [
            f"{name}.{field.name}"
            for name in models.__all__
            if attrs.has(cls := getattr(models, name))
            for field in attrs.fields(cls)
            if isinstance(field.type, str)
        ]

        assert unresolved == []

    def test_every_model_is_frozen_and_keyword_only(self):
        """No model can be changed after creation or built positionally."""
        user = User(id="u1")

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            user.name = "Ana"  # type: ignore[misc]
        with pytest.raises(TypeError):
            User("u1")  # type: ignore[misc]

    def test_converter_ignores_unknown_keys(self):
        """The shared converter is configured to drop unknown keys."""
        assert converter.forbid_extra_keys is False


class TestMoney:
    @pytest.mark.parametrize(
        "wire", ["59.42", 59.42, " 59.42 ", Decimal("59.42")], ids=repr
    )
    def test_decimal_from_string_or_number(self, wire):
        """A string, a float and a Decimal all give exactly Decimal('59.42')."""
        payment = structure({"id": "p1", "amount": wire}, Payment)

        assert payment.amount == Decimal("59.42")
        assert str(payment.amount) == "59.42"

    def test_decimal_from_int(self):
        """An integer amount stays exact."""
        payment = structure({"id": "p1", "amount": 100}, Payment)

        assert payment.amount == Decimal(100)

    def test_unstructured_as_fixed_point_string(self):
        """Amounts go out as plain decimal strings, never in exponent form."""
        payment = Payment(id="p1", amount=Decimal("1E-7"))

        assert unstructure(payment) == {"id": "p1", "amount": "0.0000001"}

    @pytest.mark.parametrize(
        ("wire", "reason"),
        [
            ("abc", "not a decimal amount: 'abc'"),
            ("NaN", "not a finite amount: 'NaN'"),
            (True, "expected a decimal string or number, got bool"),
            ({"value": 1}, "expected a decimal string or number, got dict"),
        ],
        ids=repr,
    )
    def test_rejects(self, wire, reason):
        """Anything but a finite decimal is a ValidationError on that field."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "p1", "amount": wire}, Payment)

        assert (info.value.model, info.value.field) == ("Payment", "amount")
        assert info.value.reason == reason


class TestDates:
    @pytest.mark.parametrize(
        ("wire", "expected"),
        [
            ("2019-08-04T12:30:00.000Z", datetime(2019, 8, 4, 12, 30, tzinfo=UTC)),
            ("2019-08-04T12:30:00+00:00", datetime(2019, 8, 4, 12, 30, tzinfo=UTC)),
            ("2019-08-04T12:30:00", datetime(2019, 8, 4, 12, 30, tzinfo=UTC)),
            ("2019-08-04", datetime(2019, 8, 4, tzinfo=UTC)),
            (
                "2019-08-04T09:30:00-03:00",
                datetime(2019, 8, 4, 9, 30, tzinfo=timezone(timedelta(hours=-3))),
            ),
        ],
    )
    def test_aware(self, wire, expected):
        """ISO-8601 strings become aware datetimes; a naive one is read as UTC."""
        user = structure({"id": "u1", "createdAt": wire}, User)

        assert user.created_at == expected
        assert user.created_at is not None
        assert user.created_at.utcoffset() == expected.utcoffset()

    def test_unstructured_with_offset(self):
        """Datetimes go out as ISO-8601 with their offset."""
        user = User(id="u1", created_at=datetime(2019, 8, 4, 12, 30, tzinfo=UTC))

        assert unstructure(user)["createdAt"] == "2019-08-04T12:30:00+00:00"

    def test_naive_unstructured_as_utc(self):
        """A naive datetime built in Python is sent as UTC, not as local time."""
        user = User(id="u1", created_at=datetime(2019, 8, 4, 12, 30))  # noqa: DTZ001

        assert unstructure(user)["createdAt"] == "2019-08-04T12:30:00+00:00"

    def test_rejects_garbage(self):
        """A string that is not a date names the field."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "u1", "updatedAt": "yesterday"}, User)

        assert str(info.value) == (
            "invalid User.updated_at: not an ISO-8601 date: 'yesterday'"
        )

    def test_rejects_numbers(self):
        """Epoch numbers are not accepted as dates."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "u1", "createdAt": 1564920000}, User)

        assert info.value.reason == "expected an ISO-8601 string, got int"


class TestScalars:
    @pytest.mark.parametrize(
        ("wire", "expected"),
        [(True, True), ("true", True), ("TRUE", True), (1, True), ("1", True),
         (False, False), ("false", False), (0, False), ("0", False)],
    )  # fmt: skip
    def test_bool_from_javascript_strings(self, wire, expected):
        """Booleans may arrive as strings; "false" must not become True."""
        info = structure({"hasExpirationDate": wire}, BoletoInfo)

        assert info.has_expiration_date is expected

    def test_bool_rejects_other_words(self):
        """A word that is not a boolean is an error, not truthy."""
        with pytest.raises(ValidationError) as info:
            structure({"hasExpirationDate": "yes"}, BoletoInfo)

        assert info.value.field == "has_expiration_date"
        assert info.value.reason == "not a boolean: 'yes'"

    def test_int_from_numeric_string(self):
        """Counts may arrive as strings, as SQL counts often do."""
        row = structure({"time": "2019-08-01T00:00:00Z", "count": "42"}, CountMetric)

        assert row.count == 42

    @pytest.mark.parametrize(("wire", "reason"), [
        (1.5, "expected an integer, got float"),
        ("4x", "not an integer: '4x'"),
        (True, "expected an integer, got bool"),
    ])  # fmt: skip
    def test_int_rejects(self, wire, reason):
        """A fraction, junk or a boolean is not silently truncated to an int."""
        with pytest.raises(ValidationError) as info:
            structure({"count": wire}, CountMetric)

        assert info.value.reason == reason

    def test_int_from_integral_float(self):
        """A count sent as 7.0 is the integer 7."""
        row = structure({"count": 7.0}, CountMetric)

        assert row.count == 7

    def test_datetime_instance_kept(self):
        """An aware datetime passed in Python is kept as it is."""
        moment = datetime(2019, 8, 4, 12, 30, tzinfo=UTC)

        user = structure({"id": "u1", "createdAt": moment}, User)

        assert user.created_at is moment

    def test_float_from_string(self):
        """Numbers sent as strings are read."""
        status = structure({"uptime": "12.5"}, StatusResponse)

        assert status.uptime == 12.5

    @pytest.mark.parametrize(("wire", "reason"), [
        ("soon", "not a number: 'soon'"),
        ([], "expected a number, got list"),
        (False, "expected a number, got bool"),
    ])  # fmt: skip
    def test_float_rejects(self, wire, reason):
        """A non-number uptime is an error."""
        with pytest.raises(ValidationError) as info:
            structure({"uptime": wire}, StatusResponse)

        assert (info.value.field, info.value.reason) == ("uptime", reason)

    def test_str_from_number(self):
        """Numeric codes sent as numbers become strings."""
        user = structure({"id": 12345, "name": 7}, User)

        assert (user.id, user.name) == ("12345", "7")

    def test_str_rejects_objects_without_echoing(self):
        """A dict in a string field fails without printing the value."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "u1", "password": {"secret": "hunter22"}}, User)

        assert info.value.field == "password"
        assert "hunter22" not in str(info.value)
        assert info.value.reason == "expected a string, got dict"


class TestEnums:
    def test_known_value_is_member(self):
        """A known value becomes the enum member."""
        user = structure({"id": "u1", "role": "admin", "status": "active"}, User)

        assert user.role is UserRole.ADMIN
        assert user.status is UserStatus.ACTIVE

    def test_unknown_value_kept_as_string(self):
        """A value newer than the SDK is kept as the plain string."""
        user = structure({"id": "u1", "role": "auditor", "status": "on_hold"}, User)

        assert user.role == "auditor"
        assert type(user.role) is str
        assert user.status == "on_hold"

    def test_uppercase_authorized(self):
        """TransactionStatus.AUTHORIZED is upper case on the wire."""
        transaction = structure({"id": "t1", "status": "AUTHORIZED"}, Transaction)

        assert transaction.status is TransactionStatus.AUTHORIZED
        assert unstructure(transaction) == {"id": "t1", "status": "AUTHORIZED"}

    def test_lowercase_authorized_is_unknown(self):
        """Enum matching is exact: "authorized" is not AUTHORIZED."""
        transaction = structure({"id": "t1", "status": "authorized"}, Transaction)

        assert transaction.status == "authorized"
        assert not isinstance(transaction.status, TransactionStatus)

    def test_unstructured_as_plain_str(self):
        """Members go out as plain strings, and format as their value."""
        data = unstructure(User(id="u1", role=UserRole.MEDIATOR))

        assert type(data["role"]) is str
        assert data == {"id": "u1", "role": "mediator", "virtual": False}
        assert f"/users/role/{UserRole.MEDIATOR}" == "/users/role/mediator"

    def test_rejects_non_string(self):
        """An enum field holding a number is an error."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "u1", "role": 3}, User)

        assert (info.value.field, info.value.reason) == (
            "role",
            "expected a string, got int",
        )


class TestNulls:
    def test_explicit_nulls_are_none(self):
        """JSON nulls are accepted in every optional field, enum or relation."""
        wire = {"id": "w1", "status": None, "user": None, "balances": None}

        wallet = structure(wire, Wallet)

        assert wallet == Wallet(id="w1")
        assert unstructure(wallet) == {"id": "w1"}


class TestUnknownKeys:
    def test_ignored(self):
        """Keys the model does not know are dropped, at every depth."""
        wallet = structure(
            {"id": "w1", "colour": "red", "balances": [{"balance": "1", "x": 2}]},
            Wallet,
        )

        assert unstructure(wallet) == {"id": "w1", "balances": [{"balance": "1"}]}


class TestValidationError:
    def test_own_error_passes_through(self):
        """A ValidationError raised by a hook is not wrapped a second time."""
        error = ValidationError("Refusal", "value", "custom hook refused it")

        class Refusal:
            pass

        def refuse(value, cls):
            raise error

        converter.register_structure_hook(Refusal, refuse)

        with pytest.raises(ValidationError) as info:
            structure({}, Refusal)

        assert info.value is error

    def test_path_skips_foreign_notes(self):
        """Notes that name no field are skipped when building the path."""
        leaf = ValueError("bad")
        leaf.add_note("added by someone else")
        inner = ExceptionGroup("inner", [leaf])
        inner.add_note("a plain note")
        inner.add_note(AttributeValidationNote("@ attribute x", "x", int))

        path, found = _converter._first_failure(ExceptionGroup("outer", [inner]))

        assert (path, found) == (["x"], leaf)

    def test_other_unions_left_to_cattrs(self):
        """Only ``Enum | str`` and ``Model | str`` unions get the lenient hook."""
        assert _converter._str_union_partner(int | str) is None
        assert _converter._str_union_partner(User | Wallet | str) is None
        assert _converter._str_union_partner(User | str | None) is User

    def test_names_model_and_nested_field(self):
        """A bad nested value names the model and the dotted path to it."""
        wire = {"id": "w1", "balances": [{"balance": "1"}, {"balance": "lots"}]}

        with pytest.raises(ValidationError) as info:
            structure(wire, Wallet)

        assert info.value.model == "Wallet"
        assert info.value.field == "balances.1.balance"
        assert info.value.reason == "not a decimal amount: 'lots'"
        assert str(info.value) == (
            "invalid Wallet.balances.1.balance: not a decimal amount: 'lots'"
        )

    def test_deep_path(self):
        """Paths run through models, lists and relations."""
        wire = {
            "id": "u1",
            "wallets": [{"id": "w1", "transactions": [{"id": "t1", "payments": [{}]}]}],
        }

        with pytest.raises(ValidationError) as info:
            structure(wire, User)

        assert info.value.field == "wallets.0.transactions.0.payments.0.id"
        assert info.value.reason == "required field missing"

    def test_not_an_object(self):
        """A non-object where a model belongs fails on the whole model."""
        with pytest.raises(ValidationError) as info:
            structure(["u1"], User)

        assert (info.value.model, info.value.field) == ("User", None)
        assert info.value.reason == "expected an object, got list"

    def test_nested_not_an_object(self):
        """A string where a nested model belongs names that field."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "u1", "domain": "d1"}, User)

        assert info.value.field == "domain"
        assert info.value.reason == "expected an object, got str"

    def test_string_is_not_a_list(self):
        """A string where a list belongs is not split into characters."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "a1", "wallets": "w1"}, Asset)

        assert (info.value.field, info.value.reason) == (
            "wallets",
            "expected a list, got str",
        )

    def test_list_is_not_a_dict(self):
        """A list where free-form data belongs is an error."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "t1", "additionalData": [1]}, Transaction)

        assert (info.value.field, info.value.reason) == (
            "additional_data",
            "expected an object, got list",
        )

    def test_list_of_models(self):
        """A list at the top names its index first."""
        with pytest.raises(ValidationError) as info:
            structure([{"id": "u1"}, {"id": "u2", "email": []}], list[User])

        assert info.value.model == "list[User]"
        assert info.value.field == "1.email"

    def test_dict_of_values(self):
        """A bad value in a typed mapping names its key."""
        with pytest.raises(ValidationError) as info:
            structure({"a": "1", "b": "x"}, dict[str, Decimal])

        assert (info.value.model, info.value.field) == ("dict[str, Decimal]", "b")

    @pytest.mark.parametrize(
        "wire",
        [None, 42, "x", [], {"id": "w1", "balances": {}}, {"id": "w1", "user": 5},
         {"id": "w1", "states": [{"status": ["x"]}]}, {"status": "ready"}],
        ids=repr,
    )  # fmt: skip
    def test_no_cattrs_error_escapes(self, wire):
        """Whatever arrives, the only error is ours, and it chains no group."""
        with pytest.raises(ValidationError) as info:
            structure(wire, Wallet)

        assert not isinstance(info.value.__cause__, BaseExceptionGroup)
        assert info.value.model == "Wallet"


class TestUnstructure:
    def test_omits_none_and_uses_wire_names(self):
        """None fields are left out; keys are camelCase or the declared wire name."""
        wallet = Wallet(
            id="w1",
            additional_data={"cardId": None, "hash": "abc"},
            balances=[models.WalletBalance(balance=Decimal(5), asset_code="BRLD")],
        )

        assert unstructure(wallet) == {
            "id": "w1",
            "additionalData": {"cardId": None, "hash": "abc"},
            "balances": [{"balance": "5", "asset_code": "BRLD"}],
        }

    def test_json_ready(self):
        """The result goes straight into json.dumps."""
        row = AmountMetric(
            time=datetime(2019, 8, 1, tzinfo=UTC), total_amount=Decimal("10.50")
        )

        text = json.dumps(unstructure([row]))

        assert (
            text == '[{"time": "2019-08-01T00:00:00+00:00", "total_amount": "10.50"}]'
        )
