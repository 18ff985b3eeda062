"""Reading token responses: lenient on shape, strict on what matters."""

from __future__ import annotations

import datetime as dt
import logging
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bitcapital_async import OAuthCredentials, OAuthError
from bitcapital_async._credentials import (
    MAX_LIFETIME,
    MIN_LIFETIME,
    SHORTEST_LIFETIME,
)

ISSUED_AT = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def read(**data: object) -> OAuthCredentials:
    """Credentials from a response with ``access_token`` ``T`` and ``data``."""
    return OAuthCredentials.from_response(
        {"access_token": "T", **data}, issued_at=ISSUED_AT, default_lifetime=900
    )


class TestExpiresIn:
    """``expires_in`` in every shape real servers send."""

    @pytest.mark.parametrize(
        ("value", "lifetime"),
        [
            (3600, 3600.0),
            ("3600", 3600.0),
            (" 3600 ", 3600.0),
            ("3600.0", 3600.0),
            (3600.9, 3600.9),
        ],
    )
    def test_readable_values(self, value, lifetime, caplog):
        """Case 5: numbers and numeric strings mean about 3600 s, silently."""
        credentials = read(expires_in=value)

        assert credentials.expires_in == lifetime
        assert credentials.expires_at == ISSUED_AT + dt.timedelta(seconds=lifetime)
        assert caplog.records == []

    @pytest.mark.parametrize(
        "value",
        [
            None,
            "abc",
            "",
            math.nan,
            math.inf,
            -math.inf,
            "NaN",
            "Infinity",
            True,
            [3600],
            {"seconds": 3600},
        ],
    )
    def test_unreadable_values_are_absent(self, value, caplog):
        """Case 5: unreadable values mean the default lifetime and one warning."""
        with caplog.at_level(logging.WARNING, logger="bitcapital_async"):
            credentials = read(expires_in=value)

        assert credentials.expires_in == 900.0
        assert [r.getMessage() for r in caplog.records] == [
            "token response has no usable expires_in; assuming 900 s"
        ]
        assert caplog.records[0].name == "bitcapital_async.tokens"

    def test_absent(self, caplog):
        """Case 4: no ``expires_in`` at all means the default lifetime."""
        with caplog.at_level(logging.WARNING, logger="bitcapital_async"):
            credentials = read()

        assert credentials.expires_in == 900.0
        assert len(caplog.records) == 1

    @pytest.mark.parametrize(("value", "expected"), [(0.3, 0.3), (1e-9, 0.1)])
    def test_short_positive_lifetime_is_honoured(self, value, expected):
        """A positive sub-second lifetime is kept, down to 0.1 s against spinning."""
        credentials = read(expires_in=value)

        assert credentials.expires_in == expected

    @pytest.mark.parametrize(
        "value", [0, -5, "0", "-1", -1e9, pytest.param(-(10**400), id="-10**400")]
    )
    def test_zero_or_less_is_a_floor(self, value):
        """Case 6: ``expires_in`` <= 0 means about a second, never eternal."""
        credentials = read(expires_in=value)

        assert credentials.expires_in == MIN_LIFETIME == 1.0

    @pytest.mark.parametrize(
        "value",
        [1e12, pytest.param(10**400, id="10**400"), 1e308, "1e400", MAX_LIFETIME],
    )
    def test_absurd_values_clamp(self, value):
        """A lifetime beyond a year clamps to a year instead of overflowing."""
        credentials = read(expires_in=value)

        assert credentials.expires_in == MAX_LIFETIME
        assert credentials.expires_at == ISSUED_AT + dt.timedelta(days=365)

    @given(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.text(max_size=20),
            st.floats().map(str),
            st.integers().map(str),
        )
    )
    def test_any_value_gives_a_bounded_lifetime(self, value):
        """Whatever ``expires_in`` holds, the lifetime is from 0.1 s to a year."""
        credentials = read(expires_in=value)

        assert SHORTEST_LIFETIME <= credentials.expires_in <= MAX_LIFETIME
        assert credentials.expires_at == ISSUED_AT + dt.timedelta(
            seconds=credentials.expires_in
        )


class TestExpiresAt:
    """An absolute ``expires_at``, as storage writes it."""

    @pytest.mark.parametrize(
        "value",
        [
            "2024-01-01T01:00:00+00:00",
            "2024-01-01T01:00:00",
            "2024-01-01T03:00:00+02:00",
            ISSUED_AT.timestamp() + 3600,
            (ISSUED_AT.timestamp() + 3600) * 1000,
        ],
    )
    def test_absolute_expiry(self, value):
        """ISO strings, epoch seconds and epoch milliseconds all read alike."""
        credentials = read(expires_at=value, expires_in=60)

        assert credentials.expires_in == 3600.0
        assert credentials.expires_at == dt.datetime(2024, 1, 1, 1, tzinfo=dt.UTC)

    def test_far_future_expiry_clamps_both_fields(self):
        """A year-9999 ``expires_at`` clamps the lifetime and ``expires_at`` alike."""
        credentials = read(expires_at="9999-12-31T23:59:59Z")

        assert credentials.expires_in == MAX_LIFETIME
        assert credentials.expires_at == ISSUED_AT + dt.timedelta(days=365)

    @pytest.mark.parametrize("value", ["yesterday", math.nan, 1e300, [1]])
    def test_unreadable_expiry_falls_back_to_expires_in(self, value):
        """An unreadable ``expires_at`` leaves ``expires_in`` in charge."""
        credentials = read(expires_at=value, expires_in=60)

        assert credentials.expires_in == 60.0

    def test_storage_round_trip(self):
        """``to_dict`` then ``from_response`` later keeps the same ``expires_at``."""
        stored = read(expires_in=3600, refresh_token="R", scope="a b").to_dict()
        later = ISSUED_AT + dt.timedelta(seconds=600)

        loaded = OAuthCredentials.from_response(stored, issued_at=later)

        assert loaded.expires_at == ISSUED_AT + dt.timedelta(seconds=3600)
        assert loaded.expires_in == 3000.0
        assert (loaded.access_token, loaded.refresh_token) == ("T", "R")
        assert loaded.scope == ("a", "b")


class TestShapes:
    """Snake and camel case, token types, scopes, missing tokens."""

    def test_bitcapital_response(self):
        """The vendor's snake_case response fills every field."""
        credentials = OAuthCredentials.from_response(
            {
                "access_token": "T",
                "token_type": "bearer",
                "expires_in": 3600,
                "user_id": "u-1",
                "virtual": True,
                "scope": ["users:read", "wallets:read"],
            },
            issued_at=ISSUED_AT,
        )

        assert credentials == OAuthCredentials(
            access_token="T",
            token_type="Bearer",
            expires_in=3600.0,
            expires_at=dt.datetime(2024, 1, 1, 1, tzinfo=dt.UTC),
            user_id="u-1",
            virtual=True,
            scope=("users:read", "wallets:read"),
        )

    def test_camel_case(self):
        """The JavaScript SDK's camelCase names read the same."""
        credentials = OAuthCredentials.from_response(
            {
                "accessToken": "T",
                "tokenType": "Bearer",
                "expiresIn": "60",
                "refreshToken": "R",
                "userId": 7,
                "virtual": "true",
            },
            issued_at=ISSUED_AT,
        )

        assert (credentials.access_token, credentials.refresh_token) == ("T", "R")
        assert (credentials.expires_in, credentials.user_id) == (60.0, "7")
        assert credentials.virtual

    @pytest.mark.parametrize(
        ("value", "token_type"),
        [("bearer", "Bearer"), ("BEARER", "Bearer"), (None, "Bearer"), ("MAC", "MAC")],
    )
    def test_token_type(self, value, token_type):
        """``bearer`` in any case reads ``Bearer``; others are kept."""
        assert read(token_type=value, expires_in=60).token_type == token_type

    @pytest.mark.parametrize(
        ("value", "scope"),
        [
            ("a b", ("a", "b")),
            ("a,b", ("a", "b")),
            (["a", "b"], ("a", "b")),
            ("", ()),
        ],
    )
    def test_scope_shapes(self, value, scope):
        """A granted scope as a string or a list."""
        assert read(scope=value, expires_in=60).scope == scope

    def test_absent_scope_is_the_requested_scope(self):
        """RFC 6749 §5.1: no ``scope`` in the answer means the scope requested."""
        credentials = OAuthCredentials.from_response(
            {"access_token": "T", "expires_in": 60}, requested_scope=("x", "y")
        )

        assert credentials.scope == ("x", "y")

    @pytest.mark.parametrize(
        "data",
        [{}, {"access_token": ""}, {"access_token": "  "}, {"access_token": 42}],
    )
    def test_missing_access_token_is_an_error(self, data):
        """A response without a usable ``access_token`` is ``invalid_response``."""
        with pytest.raises(OAuthError) as info:
            OAuthCredentials.from_response(data)

        assert info.value.error == "invalid_response"
        assert not info.value.retryable

    def test_access_token_is_trimmed(self):
        """Whitespace around the token is not part of it."""
        assert read(access_token=" T2 \n", expires_in=60).access_token == "T2"

    def test_repr_hides_tokens(self):
        """Neither the access nor the refresh token shows in the repr."""
        credentials = read(
            access_token="AT-SECRET", refresh_token="RT-SECRET", expires_in=60
        )

        shown = repr(credentials) + str(credentials)

        assert "AT-SECRET" not in shown
        assert "RT-SECRET" not in shown
        assert "expires_in=60.0" in shown
