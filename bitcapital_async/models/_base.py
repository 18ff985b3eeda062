"""The fields every Bitcapital entity and answer share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    # Annotations only: resolve_model_types() binds these names at run time,
    # once every model module has loaded (the models refer to each other).
    from datetime import datetime

__all__ = ["BaseModel", "BaseResponse", "State"]


@attrs.frozen(kw_only=True)
class BaseModel:
    """The fields every stored entity carries.

    ``id`` has no default so that code building an entity says whether it
    exists yet (``id=None`` for one to be created).

    Attributes:
        id: The entity's UUID, or ``None`` for one not yet created.
        created_at: When the server created it.
        updated_at: When the server last changed it.
    """

    id: str | None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class BaseResponse:
    """The fields of ``BaseModel``, all optional, for answers that are not stored.

    The JavaScript SDK derives some answers (a boleto check, a bank transfer
    receipt) from its entity base class, but the server has no id to give them.

    Attributes:
        id: The answer's id, if the server sent one.
        created_at: When the server created it, if sent.
        updated_at: When the server last changed it, if sent.
    """

    id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class State(BaseResponse):
    """One entry of an entity's status history (``states`` on the wire).

    Subclasses narrow ``status`` to the owning entity's enum.

    Attributes:
        status: The status the entity entered.
        additional_data: Free-form context the server recorded with it.
    """

    status: str | None = None
    additional_data: dict[str, Any] | None = None
