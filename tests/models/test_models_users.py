"""User: the model the session and client build first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bitcapital_async._errors import ValidationError
from bitcapital_async.models import (
    Consumer,
    ConsumerStatus,
    Domain,
    DomainRole,
    User,
    UserRole,
    UserState,
    UserStatus,
    Wallet,
    WalletStatus,
    structure,
    unstructure,
)

# GET /users/me on a nightly server, for a consumer with its joins.
USER_WIRE = {
    "id": "6f1c1d52-7d0e-4f5e-9a53-2d0b8f3c1a10",
    "createdAt": "2019-08-04T12:00:00+00:00",
    "updatedAt": "2019-08-05T08:30:15.250000+00:00",
    "name": "Ana Souza",
    "firstName": "Ana",
    "lastName": "Souza",
    "email": "ana@example.com.br",
    "role": "consumer",
    "status": "active",
    "virtual": False,
    "domain": {
        "id": "0d6f7c2e-0000-4000-8000-000000000001",
        "name": "Acme Pay",
        "role": "common",
    },
    "consumer": {
        "id": "c0ffee00-0000-4000-8000-000000000002",
        "status": "ready",
        "taxId": "12345678909",
    },
    "wallets": [
        {
            "id": "7a11e700-0000-4000-8000-000000000003",
            "status": "ready",
            "user": "6f1c1d52-7d0e-4f5e-9a53-2d0b8f3c1a10",
        }
    ],
    "states": [{"status": "pending", "createdAt": "2019-08-04T12:00:00+00:00"}],
}


class TestUser:
    def test_structure(self):
        """Every field and join lands in its typed attribute."""
        user = structure(USER_WIRE, User)

        assert user == User(
            id="6f1c1d52-7d0e-4f5e-9a53-2d0b8f3c1a10",
            created_at=datetime(2019, 8, 4, 12, tzinfo=UTC),
            updated_at=datetime(2019, 8, 5, 8, 30, 15, 250000, tzinfo=UTC),
            name="Ana Souza",
            first_name="Ana",
            last_name="Souza",
            email="ana@example.com.br",
            role=UserRole.CONSUMER,
            status=UserStatus.ACTIVE,
            virtual=False,
            domain=Domain(
                id="0d6f7c2e-0000-4000-8000-000000000001",
                name="Acme Pay",
                role=DomainRole.COMMON,
            ),
            consumer=Consumer(
                id="c0ffee00-0000-4000-8000-000000000002",
                status=ConsumerStatus.READY,
                tax_id="12345678909",
            ),
            wallets=[
                Wallet(
                    id="7a11e700-0000-4000-8000-000000000003",
                    status=WalletStatus.READY,
                    user="6f1c1d52-7d0e-4f5e-9a53-2d0b8f3c1a10",
                )
            ],
            states=[
                UserState(
                    status=UserStatus.PENDING,
                    created_at=datetime(2019, 8, 4, 12, tzinfo=UTC),
                )
            ],
        )

    def test_round_trip(self):
        """Structuring then unstructuring gives back the wire JSON."""
        assert unstructure(structure(USER_WIRE, User)) == USER_WIRE

    def test_only_id_required(self):
        """A user needs only its id; virtual defaults to False."""
        user = structure({"id": "u1"}, User)

        assert user == User(id="u1")
        assert user.virtual is False
        assert unstructure(user) == {"id": "u1", "virtual": False}

    def test_id_is_required(self):
        """A user without an id is not a user."""
        with pytest.raises(ValidationError) as info:
            structure({"email": "ana@example.com.br"}, User)

        assert (info.value.model, info.value.field) == ("User", "id")
        assert info.value.reason == "required field missing"

    def test_virtual_client_credentials_user(self):
        """The stand-in user of a client credentials token is built from its id."""
        user = User(id="9e3d0c6a-0000-4000-8000-00000000000a", virtual=True)

        assert unstructure(user) == {
            "id": "9e3d0c6a-0000-4000-8000-00000000000a",
            "virtual": True,
        }

    def test_password_hidden_from_repr(self):
        """The password is sent but never printed."""
        user = User(id=None, email="ana@example.com.br", password="s3cr3t-pass")

        assert "s3cr3t-pass" not in repr(user)
        assert unstructure(user) == {
            "email": "ana@example.com.br",
            "password": "s3cr3t-pass",
            "virtual": False,
        }

    def test_create_body_omits_unset(self):
        """A user to create sends only what was set, in camelCase."""
        user = User(id=None, first_name="Ana", last_name="Souza", role="consumer")

        assert unstructure(user) == {
            "firstName": "Ana",
            "lastName": "Souza",
            "role": "consumer",
            "virtual": False,
        }

    def test_list(self):
        """A paginated answer is a bare JSON array of users."""
        users = structure([{"id": "u1"}, {"id": "u2", "role": "admin"}], list[User])

        assert users == [User(id="u1"), User(id="u2", role=UserRole.ADMIN)]
