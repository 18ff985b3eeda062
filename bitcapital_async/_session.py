"""The session: who the client is signed in as, mirroring the JavaScript SDK."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ._credentials import OAuthCredentials
from ._errors import BitcapitalError
from .models import User

if TYPE_CHECKING:
    from ._client import Bitcapital

__all__ = ["Session"]

logger = logging.getLogger("bitcapital_async.session")


class Session:
    """``client.session``: start, inspect and end the client's session."""

    def __init__(self, client: Bitcapital) -> None:
        self._client = client
        self.current: User | None = None

    @property
    def credentials(self) -> OAuthCredentials | None:
        """The current token, if any, whatever its state."""
        return self._client.tokens.current

    async def client_credentials(self) -> User:
        """Authenticate the client itself (RFC 6749 §4.4) and return its user.

        A virtual token (no real user behind it) yields a user built from its
        ``user_id`` without asking ``/users/me``.

        Raises:
            OAuthError: The token endpoint refused the client or failed.
        """
        credentials = await self._client.tokens.get_token()
        if credentials.virtual:
            user = User(id=credentials.user_id, virtual=True)
        else:
            user = await self._client.users.me()
        self.current = user
        return user

    async def destroy(self) -> None:
        """Revoke the token on the server (best effort), then forget it locally."""
        credentials = self._client.tokens.current
        if credentials is not None:
            await self._revoke(credentials.access_token)
        await self._client.tokens.clear()
        self.current = None

    async def _revoke(self, access_token: str) -> None:
        try:
            # Bitcapital reads the camelCase accessToken; RFC 7009 servers, token.
            await self._client.tokens.revoke(
                access_token,
                token_type_hint=None,
                extra_params={"accessToken": access_token},
            )
        except BitcapitalError as exc:
            # The JavaScript SDK's comment says it: the client may ignore this.
            logger.debug("token revocation failed: %s", exc)
