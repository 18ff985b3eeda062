"""The session: who the client is signed in as, mirroring the JavaScript SDK."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Literal

import attrs

from ._callbacks import call_quietly
from ._credentials import OAuthCredentials
from ._errors import BitcapitalError
from ._grants import ClientCredentialsGrant
from .models import OAuthSecretToken, SecretTokenResource, User, structure

if TYPE_CHECKING:
    from ._client import Bitcapital

__all__ = ["Session", "SessionEvent", "UnauthorizedHandler"]

logger = logging.getLogger("bitcapital_async.session")

SessionEventKind = Literal["login", "renewal", "logout", "expired"]
SessionCallback = Callable[["SessionEvent"], object]
# Told which user's session ended; may start a new session before returning.
UnauthorizedHandler = Callable[[User | None], Awaitable[object]]


@attrs.frozen
class SessionEvent:
    """A change of the session, as ``Session.subscribe`` callbacks receive it.

    Attributes:
        kind: ``login``, ``renewal`` (a new token for the same session),
            ``logout`` (``destroy()``) or ``expired`` (renewal was impossible).
        user: The session's user; for ``logout`` and ``expired``, the one who left.
        credentials: The new token for ``login`` and ``renewal``, else ``None``.
    """

    kind: SessionEventKind
    user: User | None
    credentials: OAuthCredentials | None = None


class Session:
    """``client.session``: start, watch and end the client's session.

    A session is either the client's own (client credentials) or a user's
    (password grant, then refresh tokens). Either is renewed by itself, ahead of
    expiry and after a 401. When a user session cannot be renewed (no refresh
    token, or the server refuses it) it ends: ``current`` becomes ``None``, the
    ``on_unauthorized`` handler may start a new session, and otherwise callers
    get ``SessionExpired``.
    """

    def __init__(
        self, client: Bitcapital, *, on_unauthorized: UnauthorizedHandler | None = None
    ) -> None:
        self._client = client
        self.current: User | None = None
        self.on_unauthorized = on_unauthorized
        self._subscribers: list[SessionCallback] = []
        client.tokens.subscribe(self._token_renewed)
        client.tokens.on_session_end = self._ended

    @property
    def credentials(self) -> OAuthCredentials | None:
        """The current token, if any, whatever its state."""
        return self._client.tokens.current

    async def password(
        self, username: str, password: str, scopes: Iterable[str] | None = None
    ) -> User:
        """Log a user in (password grant), then load them with ``GET /users/me``.

        The password is sent once and not kept; the session is then renewed with
        its refresh token.

        Raises:
            InvalidGrant: The username or password was refused.
            OAuthError: The token endpoint failed.
            APIError: ``/users/me`` failed.
        """
        credentials = await self._client.tokens.password_login(
            username, password, scope=scopes, scope_separator=","
        )
        user = await self._client.users.me()
        self.current = user
        await self._emit(SessionEvent("login", user, credentials))
        return user

    async def refresh(self) -> OAuthCredentials:
        """Renew the session's token now (refresh-token grant for user sessions).

        Never calls ``/users/me``; the old refresh token is kept when the server
        sends none.

        Raises:
            SessionExpired: The session could not be renewed.
        """
        return await self._client.tokens.refresh()

    async def client_credentials(self) -> User:
        """Authenticate the client itself (RFC 6749 §4.4) and return its user.

        Ends a user session if there is one. A virtual token (no real user behind
        it) yields a user built from its ``user_id`` without asking ``/users/me``.

        Raises:
            OAuthError: The token endpoint refused the client or failed.
        """
        tokens = self._client.tokens
        if isinstance(tokens.grant, ClientCredentialsGrant):
            credentials = await tokens.get_token()
        else:
            credentials = await tokens.use_client_credentials()
        if credentials.virtual:
            user = User(id=credentials.user_id, virtual=True)
        else:
            user = await self._client.users.me()
        self.current = user
        await self._emit(SessionEvent("login", user, credentials))
        return user

    async def secret_token(
        self,
        resources: Iterable[SecretTokenResource],
        scopes: Iterable[str] | None = None,
    ) -> OAuthSecretToken:
        """A short-lived token limited to some resources (``POST /oauth/secret``).

        Args:
            resources: What the token may touch, e.g.
                ``SecretTokenResource(entity="wallet", id=wallet_id)``.
            scopes: The scopes it grants; by default the session's own.

        Raises:
            APIError: The server refused, e.g. for a scope the session lacks.
        """
        body: dict[str, object] = {
            "resources": [{"entity": r.entity, "id": r.id} for r in resources]
        }
        if scopes is not None:
            body["scopes"] = list(scopes)
        data = await self._client.request("POST", "/oauth/secret", json=body)
        return structure(data, OAuthSecretToken)

    async def destroy(self) -> None:
        """Log out: revoke the tokens on the server (best effort), forget the session.

        A user session's refresh token is revoked too, so it cannot come back;
        the next request starts a client-credentials session.
        """
        credentials = self._client.tokens.current
        if credentials is not None:
            # Bitcapital reads the camelCase accessToken; RFC 7009 servers, token.
            await self._revoke(
                credentials.access_token,
                hint=None,
                extra={"accessToken": credentials.access_token},
            )
            if credentials.refresh_token:
                await self._revoke(credentials.refresh_token, hint="refresh_token")
        await self._client.tokens.clear()
        user, self.current = self.current, None
        await self._emit(SessionEvent("logout", user))

    def subscribe(self, callback: SessionCallback) -> None:
        """Call ``callback(event)`` on every change: login, renewal, logout, expiry.

        The callback may be a coroutine function; its errors are logged, not
        raised.
        """
        self._subscribers.append(callback)

    def unsubscribe(self, callback: SessionCallback) -> None:
        """Stop calling ``callback``."""
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    async def _token_renewed(
        self, credentials: OAuthCredentials, renewal: bool
    ) -> None:
        if renewal and self.current is not None:
            await self._emit(SessionEvent("renewal", self.current, credentials))

    async def _ended(self) -> None:
        user, self.current = self.current, None
        await self._emit(SessionEvent("expired", user))
        if self.on_unauthorized is not None:
            await self.on_unauthorized(user)

    async def _emit(self, event: SessionEvent) -> None:
        for callback in list(self._subscribers):
            await call_quietly(
                callback,
                event,
                log=logger,
                failure=f"session subscriber failed on {event.kind}",
            )

    async def _revoke(
        self, token: str, *, hint: str | None, extra: dict[str, str] | None = None
    ) -> None:
        try:
            await self._client.tokens.revoke(
                token, token_type_hint=hint, extra_params=extra
            )
        except BitcapitalError as exc:
            # The JavaScript SDK's comment says it: the client may ignore this.
            logger.debug("token revocation failed: %s", exc)
