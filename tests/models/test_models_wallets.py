"""Wallet, its Stellar balances, assets, cards and deposit information."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bitcapital_async._errors import ValidationError
from bitcapital_async.models import (
    Asset,
    AssetProvider,
    BankingWalletData,
    Card,
    CardStatus,
    DepositAccount,
    DepositBank,
    DepositInfo,
    StellarWalletData,
    User,
    Wallet,
    WalletBalance,
    WalletState,
    WalletStatus,
    structure,
    unstructure,
)

STELLAR_SECRET = "SBX3L2Q6XJ4BHGH3RMYPNG4DKZ6XJXDTLQE6S2QSZ3AXGH7PRCSN7BBJ"

WALLET_WIRE = {
    "id": "w0000000-0000-4000-8000-000000000001",
    "createdAt": "2019-08-01T09:00:00+00:00",
    "status": "ready",
    "stellar": {
        "publicKey": "GCFXHS4GXL6BVUCXBWXGTITROWLVYXQKQLF4YH5O5JT3YZXCYPAFBJZB",
        "secretKey": STELLAR_SECRET,
        "assets": ["BRLD"],
    },
    "user": {"id": "u1", "firstName": "Ana", "virtual": False},
    "additionalData": {"externalId": "ext-991"},
    "balances": [
        {
            "balance": "1500.2500000",
            "limit": "922337203685.4775807",
            "buying_liabilities": "0.0000000",
            "selling_liabilities": "0.0000000",
            "asset_type": "credit_alphanum4",
            "asset_code": "BRLD",
            "asset_issuer": "GDGQVOKHW4VEJRU2TETD6DBRKEO5ERCNF353LW5WBFW3JJWQ2BRQ6KDD",
        },
        {"balance": "2.9999800", "asset_type": "native"},
    ],
    "assets": [{"id": "a1", "code": "BRLD", "balance": "1500.25", "root": True}],
    "states": [{"status": "pending"}, {"status": "registered_in_provider"}],
}


class TestWallet:
    def test_structure(self):
        """Balances keep Stellar's snake_case keys and become Decimals."""
        wallet = structure(WALLET_WIRE, Wallet)

        assert wallet.status is WalletStatus.READY
        assert wallet.user == User(id="u1", first_name="Ana")
        assert wallet.balances == [
            WalletBalance(
                balance=Decimal("1500.25"),
                limit=Decimal("922337203685.4775807"),
                buying_liabilities=Decimal(0),
                selling_liabilities=Decimal(0),
                asset_type="credit_alphanum4",
                asset_code="BRLD",
                asset_issuer="GDGQVOKHW4VEJRU2TETD6DBRKEO5ERCNF353LW5WBFW3JJWQ2BRQ6KDD",
            ),
            WalletBalance(balance=Decimal("2.99998"), asset_type="native"),
        ]
        assert wallet.assets == [
            Asset(id="a1", code="BRLD", balance=Decimal("1500.25"), root=True)
        ]
        assert wallet.states == [
            WalletState(status=WalletStatus.PENDING),
            WalletState(status=WalletStatus.REGISTERED_IN_PROVIDER),
        ]

    def test_round_trip(self):
        """Structuring then unstructuring gives back the wire JSON."""
        assert unstructure(structure(WALLET_WIRE, Wallet)) == WALLET_WIRE

    def test_user_as_bare_id(self):
        """An unjoined owner arrives as its id and stays a string."""
        wallet = structure({"id": "w1", "user": "u1"}, Wallet)

        assert wallet.user == "u1"
        assert unstructure(wallet) == {"id": "w1", "user": "u1"}

    def test_bad_user_names_field(self):
        """An owner that is neither an id nor an object is an error."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "w1", "user": 5}, Wallet)

        assert (info.value.field, info.value.reason) == (
            "user",
            "expected an object, got int",
        )

    def test_bad_balance_names_path(self):
        """A bad nested balance names Wallet.balances.<index>.balance."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "w1", "balances": [{"balance": [1]}]}, Wallet)

        assert (info.value.model, info.value.field) == ("Wallet", "balances.0.balance")

    def test_secret_key_hidden_from_repr(self):
        """The Stellar seed never shows in a repr, even nested."""
        wallet = structure(WALLET_WIRE, Wallet)

        assert STELLAR_SECRET not in repr(wallet)
        assert wallet.stellar is not None
        assert wallet.stellar.secret_key == STELLAR_SECRET

    def test_banking_data(self):
        """A banking-backed wallet carries its bank account under data."""
        wallet = structure(
            {"id": "w1", "data": {"bankCode": "341", "accountNumber": "12345"}}, Wallet
        )

        assert wallet.data == BankingWalletData(bank_code="341", account_number="12345")

    def test_unknown_status_kept(self):
        """A wallet status newer than the SDK is kept as a string."""
        wallet = structure({"id": "w1", "status": "frozen_by_court"}, Wallet)

        assert wallet.status == "frozen_by_court"


class TestStellarWalletData:
    def test_round_trip(self):
        """A Stellar account without its seed survives the round trip."""
        wire = {"publicKey": "GABC", "assets": ["BRLD", "XLM"]}

        data = structure(wire, StellarWalletData)

        assert data == StellarWalletData(public_key="GABC", assets=["BRLD", "XLM"])
        assert unstructure(data) == wire


class TestAsset:
    def test_round_trip(self):
        """An asset with its provider and wallets survives the round trip."""
        wire = {
            "id": "a0000000-0000-4000-8000-000000000002",
            "name": "Real Digital",
            "code": "BRLD",
            "issuer": "GDGQVOKHW4VEJRU2TETD6DBRKEO5ERCNF353LW5WBFW3JJWQ2BRQ6KDD",
            "provider": "cdt-visa",
            "root": False,
            "wallets": [{"id": "w1"}],
        }

        asset = structure(wire, Asset)

        assert asset.provider is AssetProvider.CDT_VISA
        assert asset.wallets == [Wallet(id="w1")]
        assert unstructure(asset) == wire


class TestCard:
    def test_round_trip(self):
        """A nightly wallet-scoped card survives the round trip."""
        wire = {
            "id": "cd000000-0000-4000-8000-000000000003",
            "status": "blocked",
            "virtual": True,
            "userId": "u1",
            "walletId": "w1",
        }

        card = structure(wire, Card)

        assert card == Card(
            id="cd000000-0000-4000-8000-000000000003",
            status=CardStatus.BLOCKED,
            virtual=True,
            user_id="u1",
            wallet_id="w1",
        )
        assert unstructure(card) == wire


class TestDepositInfo:
    def test_round_trip(self):
        """Deposit information for a wallet survives the round trip."""
        wire = {
            "name": "Ana Souza",
            "taxId": "12345678909",
            "externalId": "ext-991",
            "bank": {"code": "341", "name": "Itaú Unibanco"},
            "account": {"holder": "Ana Souza", "agency": "0001", "number": "123456"},
            "asset": "BRLD",
        }

        info = structure(wire, DepositInfo)

        assert info == DepositInfo(
            name="Ana Souza",
            tax_id="12345678909",
            external_id="ext-991",
            bank=DepositBank(code="341", name="Itaú Unibanco"),
            account=DepositAccount(holder="Ana Souza", agency="0001", number="123456"),
            asset="BRLD",
        )
        assert unstructure(info) == wire

    def test_asset_as_object(self):
        """The deposit asset may also arrive as the asset itself."""
        info = structure({"asset": {"id": "a1", "code": "BRLD"}}, DepositInfo)

        assert info.asset == Asset(id="a1", code="BRLD")
