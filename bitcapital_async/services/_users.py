"""Users and mediators: the accounts that log in to a Bitcapital instance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bitcapital_async.models import User, UserRole, Wallet

from ._base import Service, body, segment
from ._pagination import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

__all__ = ["MediatorService", "UserService"]


class UserService(Service):
    """``client.users``: user records, and who the current token acts as."""

    async def me(self) -> User:
        """Get the user the current token belongs to (``GET /users/me``)."""
        return await self._call("GET", "/users/me", User)

    async def find_all_by_role(
        self,
        role: UserRole | str,
        *,
        skip: int | None = None,
        limit: int | None = None,
    ) -> Page[User]:
        """One page of the users with a role (``GET /users/role/:role``).

        Args:
            role: ``admin``, ``audit``, ``mediator``, ``operator``, ``consumer``
                or ``public``.
            skip: How many users to skip.
            limit: The most to return.
        """
        path = f"/users/role/{segment(role)}"
        return await self._page(path, User, skip=skip, limit=limit)

    def iter_all_by_role(
        self, role: UserRole | str, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[User]:
        """Every user with a role, fetched a page at a time as you iterate."""
        path = f"/users/role/{segment(role)}"
        return self._iterate(path, User, page_size=page_size)

    async def find_one(self, user_id: str) -> User:
        """One user by id (``GET /users/:id``)."""
        return await self._call("GET", f"/users/{segment(user_id)}", User)

    async def find_wallets(self, user_id: str) -> list[Wallet]:
        """List the wallets a user owns (``GET /users/:id/wallets``)."""
        return await self._list(f"/users/{segment(user_id)}/wallets", Wallet)

    async def create(
        self,
        *,
        email: str,
        role: UserRole | str,
        password: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        name: str | None = None,
        domain: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> User:
        """Create a user (``POST /users``).

        Args:
            email: The login e-mail address.
            role: What the user may do.
            password: The initial password.
            first_name: The given name.
            last_name: The family name.
            name: The display name, if not first and last name joined.
            domain: The id of the domain the user belongs to.
            extra: More body fields, sent as is.
        """
        payload = body(
            email=email,
            role=role,
            password=password,
            first_name=first_name,
            last_name=last_name,
            name=name,
            domain=domain,
            extra=extra,
        )
        return await self._call("POST", "/users", User, json=payload)

    async def update(
        self,
        user_id: str,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        name: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> User:
        """Change some fields of a user (``POST /users/:id``); others stay."""
        payload = body(
            email=email,
            first_name=first_name,
            last_name=last_name,
            name=name,
            extra=extra,
        )
        path = f"/users/{segment(user_id)}"
        return await self._call("POST", path, User, json=payload)

    async def delete(self, user_id: str) -> None:
        """Delete a user (``DELETE /users/:id``)."""
        await self._none("DELETE", f"/users/{segment(user_id)}")

    async def reset(self, email: str) -> None:
        """Ask for a password reset e-mail (``POST /users/reset``)."""
        await self._none("POST", "/users/reset", json={"email": email})

    async def set_password(self, token: str, password: str) -> None:
        """Set a new password with the token of a reset e-mail.

        Calls ``POST /users/password``.

        Args:
            token: The token the reset e-mail carried.
            password: The new password.
        """
        payload = {"token": token, "password": password}
        await self._none("POST", "/users/password", json=payload)


class MediatorService(Service):
    """``client.mediators``: the users who run a domain's operations."""

    async def create(
        self,
        *,
        email: str,
        password: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        name: str | None = None,
        domain: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> User:
        """Create a mediator (``POST /mediators``).

        Args:
            email: The login e-mail address.
            password: The initial password.
            first_name: The given name.
            last_name: The family name.
            name: The display name, if not first and last name joined.
            domain: The id of the domain the mediator runs.
            extra: More body fields, sent as is.
        """
        payload = body(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            name=name,
            domain=domain,
            extra=extra,
        )
        return await self._call("POST", "/mediators", User, json=payload)
