"""Platform answers: server status, secret tokens and postback bodies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bitcapital_async._errors import ValidationError
from bitcapital_async.models import (
    OAuthSecretToken,
    Postback,
    PostbackEntity,
    SecretTokenResource,
    StatusResponse,
    User,
    structure,
    unstructure,
)

SECRET_TOKEN = "st_5f0c3b9a1d7e4c2b8a6f"


class TestStatusResponse:
    def test_round_trip(self):
        """GET / answers with name, version, environment and uptime."""
        wire = {
            "name": "bitcapital-core",
            "version": "1.6.1",
            "env": "sandbox",
            "uptime": 86400.25,
        }

        status = structure(wire, StatusResponse)

        assert status == StatusResponse(
            name="bitcapital-core", version="1.6.1", env="sandbox", uptime=86400.25
        )
        assert unstructure(status) == wire


class TestOAuthSecretToken:
    WIRE = {  # noqa: RUF012 - read only
        "id": "s0000000-0000-4000-8000-000000000001",
        "secretToken": SECRET_TOKEN,
        "expires": "2019-08-04T12:05:00+00:00",
        "user": {"id": "u1", "virtual": False},
        "scope": ["wallets:read", "payments:write"],
        "resources": [{"entity": "wallet", "id": "w1"}],
    }

    def test_structure(self):
        """The token, its expiry, scopes and resources are typed."""
        token = structure(self.WIRE, OAuthSecretToken)

        assert token == OAuthSecretToken(
            id="s0000000-0000-4000-8000-000000000001",
            secret_token=SECRET_TOKEN,
            expires=datetime(2019, 8, 4, 12, 5, tzinfo=UTC),
            user=User(id="u1"),
            scope=["wallets:read", "payments:write"],
            resources=[SecretTokenResource(entity="wallet", id="w1")],
        )

    def test_round_trip(self):
        """Structuring then unstructuring gives back the wire JSON."""
        assert unstructure(structure(self.WIRE, OAuthSecretToken)) == self.WIRE

    def test_secret_hidden_from_repr(self):
        """The secret token never shows in a repr."""
        token = structure(self.WIRE, OAuthSecretToken)

        assert SECRET_TOKEN not in repr(token)

    def test_scope_must_be_a_list(self):
        """A comma-joined scope string is not split into characters."""
        with pytest.raises(ValidationError) as info:
            structure({"id": "s1", "scope": "wallets:read"}, OAuthSecretToken)

        assert (info.value.field, info.value.reason) == (
            "scope",
            "expected a list, got str",
        )


class TestPostback:
    def test_transaction(self):
        """A transaction postback names the entity and its latest status."""
        wire = {
            "id": "t0000000-0000-4000-8000-000000000001",
            "entity": "transaction",
            "status": "executed",
        }

        postback = structure(wire, Postback)

        assert postback == Postback(
            id="t0000000-0000-4000-8000-000000000001",
            entity=PostbackEntity.TRANSACTION,
            status="executed",
        )
        assert unstructure(postback) == wire

    def test_unknown_entity_kept(self):
        """An entity kind newer than the SDK is kept as a string."""
        postback = structure({"id": "x1", "entity": "card"}, Postback)

        assert postback.entity == "card"

    def test_id_required(self):
        """A postback without the entity's id cannot be acted on."""
        with pytest.raises(ValidationError) as info:
            structure({"entity": "user", "status": "active"}, Postback)

        assert (info.value.model, info.value.field) == ("Postback", "id")
