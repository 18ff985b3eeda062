"""Grants: what the token manager asks the token endpoint for, and how it renews.

A client-credentials grant renews itself by asking again. A user session starts
with the password grant and is renewed with refresh tokens (RFC 6749 §6); the
password is used once and not kept. When a refresh token is missing or refused,
the session has ended and only a new login can start another.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import attrs

from ._credentials import OAuthCredentials
from ._errors import InvalidGrant, SessionExpired

__all__ = [
    "ClientCredentialsGrant",
    "EndedGrant",
    "Grant",
    "PasswordGrant",
    "RefreshTokenGrant",
]


class Grant(Protocol):
    """One way of obtaining tokens."""

    def params(self) -> dict[str, str]:
        """The form fields of the next token request.

        Raises:
            SessionExpired: This grant cannot produce another token.
        """

    def secrets(self) -> tuple[str, ...]:
        """Values to redact from errors and logs while this grant is in use."""

    def next_grant(self, credentials: OAuthCredentials) -> Grant:
        """The grant that renews ``credentials``."""

    def accept(self, credentials: OAuthCredentials) -> OAuthCredentials:
        """``credentials`` as they are kept (e.g. with the old refresh token)."""

    def ends_session(self, error: Exception) -> bool:
        """Whether ``error`` means the session is over rather than failed once."""


@attrs.frozen
class ClientCredentialsGrant:
    """RFC 6749 §4.4: the client authenticates as itself; renewal asks again."""

    scope: tuple[str, ...] = ()

    def params(self) -> dict[str, str]:
        """``grant_type=client_credentials`` and the scopes, space-joined (§3.3)."""
        params = {"grant_type": "client_credentials"}
        if self.scope:
            params["scope"] = " ".join(self.scope)
        return params

    def secrets(self) -> tuple[str, ...]:
        """Nothing beyond the client secret."""
        return ()

    def next_grant(self, credentials: OAuthCredentials) -> Grant:
        """The same grant: client credentials never need a refresh token."""
        return self

    def accept(self, credentials: OAuthCredentials) -> OAuthCredentials:
        """The credentials unchanged."""
        return credentials

    def ends_session(self, error: Exception) -> bool:
        """Never: the client can always ask again."""
        return False


@attrs.frozen
class PasswordGrant:
    """RFC 6749 §4.3: log a user in once; renewal continues with refresh tokens.

    Bitcapital's SDK joins scopes with commas for this grant, so we do too.
    """

    username: str
    password: str = attrs.field(repr=False)
    scope: tuple[str, ...] = ()
    scope_separator: str = ","

    def params(self) -> dict[str, str]:
        """``grant_type=password`` with the username, password and scopes."""
        params = {
            "grant_type": "password",
            "username": self.username,
            "password": self.password,
        }
        if self.scope:
            params["scope"] = self.scope_separator.join(self.scope)
        return params

    def secrets(self) -> tuple[str, ...]:
        """The password."""
        return (self.password,)

    def next_grant(self, credentials: OAuthCredentials) -> Grant:
        """A refresh-token grant; the password is dropped here."""
        return RefreshTokenGrant(credentials.refresh_token)

    def accept(self, credentials: OAuthCredentials) -> OAuthCredentials:
        """The credentials unchanged."""
        return credentials

    def ends_session(self, error: Exception) -> bool:
        """Never: a refused password is an error to show, not an ended session."""
        return False


@attrs.frozen
class RefreshTokenGrant:
    """RFC 6749 §6: renew a user session with its refresh token."""

    refresh_token: str | None = attrs.field(repr=False)

    def params(self) -> dict[str, str]:
        """``grant_type=refresh_token`` and the token.

        Raises:
            SessionExpired: There is no refresh token to renew with.
        """
        if not self.refresh_token:
            raise SessionExpired("the session has no refresh token to renew it with")
        return {"grant_type": "refresh_token", "refresh_token": self.refresh_token}

    def secrets(self) -> tuple[str, ...]:
        """The refresh token."""
        return (self.refresh_token,) if self.refresh_token else ()

    def next_grant(self, credentials: OAuthCredentials) -> Grant:
        """A grant with the new refresh token, or this one when none came."""
        if credentials.refresh_token in (None, self.refresh_token):
            return self
        return RefreshTokenGrant(credentials.refresh_token)

    def accept(self, credentials: OAuthCredentials) -> OAuthCredentials:
        """The credentials, keeping the old refresh token when the server sent none."""
        if credentials.refresh_token is None and self.refresh_token:
            return attrs.evolve(credentials, refresh_token=self.refresh_token)
        return credentials

    def ends_session(self, error: Exception) -> bool:
        """A missing or refused (``invalid_grant``) refresh token ends the session."""
        return isinstance(error, InvalidGrant | SessionExpired)


@attrs.frozen
class EndedGrant:
    """A session that ended: every request for a token says so."""

    def params(self) -> dict[str, str]:
        """Never returns.

        Raises:
            SessionExpired: Always.
        """
        raise SessionExpired(
            "the session expired and could not be renewed; log in again"
        )

    def secrets(self) -> tuple[str, ...]:
        """Nothing."""
        return ()

    def next_grant(self, credentials: OAuthCredentials) -> Grant:
        """Itself."""
        return self

    def accept(self, credentials: OAuthCredentials) -> OAuthCredentials:
        """The credentials unchanged."""
        return credentials

    def ends_session(self, error: Exception) -> bool:
        """No: it has ended already."""
        return False


def scope_tuple(scope: str | Iterable[str] | None) -> tuple[str, ...]:
    """Scopes from a string (space- or comma-separated) or any iterable of strings."""
    if scope is None:
        return ()
    if isinstance(scope, str):
        return tuple(scope.replace(",", " ").split())
    return tuple(part for item in scope for part in str(item).split())
