"""Users: the people and machines that log in to a Bitcapital instance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from ._base import BaseModel
from ._enums import UserRole, UserStatus

__all__ = ["User", "UserState"]


@attrs.frozen(kw_only=True)
class User(BaseModel):
    """A user of a Bitcapital instance: an operator, a mediator or a consumer.

    Attributes:
        name: The display name; the server derives it from the first and last
            names when it is not given.
        first_name: The given name.
        last_name: The family name.
        email: The login e-mail address.
        role: What the user may do; a plain ``str`` for a role this SDK does
            not know yet.
        status: Whether the account can be used; a plain ``str`` when unknown.
        password: Only ever sent, on creation; hidden from ``repr``.
        virtual: Whether this is the stand-in user of a client credentials
            token rather than a real account.
        states: The status history (nightly servers only).
    """

    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    role: UserRole | str | None = None
    status: UserStatus | str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    virtual: bool = False
    states: list[UserState] | None = None


@attrs.frozen(kw_only=True)
class UserState:
    """One entry of a user's status history.

    Attributes:
        status: The status the user entered.
        additional_data: Free-form context the server recorded with it.
    """

    id: str | None = None
    status: UserStatus | str | None = None
    additional_data: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
