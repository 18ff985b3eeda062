"""The users service: who the current token acts as, and user records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import User, structure

if TYPE_CHECKING:
    from ._client import Bitcapital

__all__ = ["UserService"]


class UserService:
    """``client.users``: the Bitcapital user endpoints."""

    def __init__(self, client: Bitcapital) -> None:
        self._client = client

    async def me(self) -> User:
        """The user the current token belongs to (``GET /users/me``)."""
        return structure(await self._client.request("GET", "/users/me"), User)
