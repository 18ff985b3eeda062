"""Users: the people and machines that log in to a Bitcapital instance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ._base import BaseModel, State

if TYPE_CHECKING:
    # Annotations only: resolve_model_types() binds these names at run time,
    # once every model module has loaded (the models refer to each other).
    from ._consumers import Consumer
    from ._domains import Domain, Product
    from ._enums import UserRole, UserStatus
    from ._wallets import Card, Wallet

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
        domain: The domain the user belongs to, when joined.
        consumer: The consumer profile of a ``consumer`` user, when joined.
        product: The product of the user (1.6.0 servers; nightly moved it to
            the wallet).
        wallets: The user's wallets, when joined.
        cards: The user's cards, when joined.
        states: The status history (nightly servers).
    """

    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    role: UserRole | str | None = None
    status: UserStatus | str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    virtual: bool = False
    domain: Domain | None = None
    consumer: Consumer | None = None
    product: Product | None = None
    wallets: list[Wallet] | None = None
    cards: list[Card] | None = None
    states: list[UserState] | None = None


@attrs.frozen(kw_only=True)
class UserState(State):
    """One entry of a user's status history.

    Attributes:
        status: The status the user entered.
    """

    status: UserStatus | str | None = None
