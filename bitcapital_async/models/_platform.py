"""Answers about the platform itself: its status, secret tokens and postbacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ._base import BaseModel

if TYPE_CHECKING:
    # Annotations only: resolve_model_types() binds these names at run time,
    # once every model module has loaded (the models refer to each other).
    from datetime import datetime

    from ._enums import PostbackEntity
    from ._users import User

__all__ = ["OAuthSecretToken", "Postback", "SecretTokenResource", "StatusResponse"]


@attrs.frozen(kw_only=True)
class StatusResponse:
    """What the server says about itself (``GET /`` or ``GET /status``).

    Attributes:
        name: The server's name.
        version: The server's version.
        env: The deployment environment (``production``, ``sandbox``…).
        uptime: How long the server has been up, in seconds.
    """

    name: str | None = None
    version: str | None = None
    env: str | None = None
    uptime: float | None = None


@attrs.frozen(kw_only=True)
class OAuthSecretToken(BaseModel):
    """A short-lived token that lets a third party act on named resources.

    Attributes:
        secret_token: The token itself; hidden from ``repr``.
        expires: When it stops working.
        user: The user it acts for, or only the user's id.
        scope: The scopes it grants.
        resources: The resources it is limited to.
    """

    secret_token: str | None = attrs.field(default=None, repr=False)
    expires: datetime | None = None
    user: User | str | None = None
    scope: list[str] | None = None
    resources: list[SecretTokenResource] | None = None


@attrs.frozen(kw_only=True)
class SecretTokenResource:
    """A resource a secret token is limited to.

    Attributes:
        entity: The kind of resource (``wallet``).
        id: The resource's id.
    """

    entity: str | None = None
    id: str | None = None


@attrs.frozen(kw_only=True)
class Postback:
    """The body of a postback: which entity changed, and its status now.

    The body is a hint, not a source of truth: refetch the entity by ``id``
    before acting on it.

    Attributes:
        id: The id of the entity that changed.
        entity: The kind of entity; a plain ``str`` when unknown.
        status: The entity's latest status, as the server spells it.
    """

    id: str | None
    entity: PostbackEntity | str | None = None
    status: str | None = None
