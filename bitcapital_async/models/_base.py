"""The fields every stored Bitcapital entity shares."""

from __future__ import annotations

from datetime import datetime

import attrs

__all__ = ["BaseModel"]


@attrs.frozen(kw_only=True)
class BaseModel:
    """The fields every stored entity carries.

    Attributes:
        id: The entity's UUID; ``None`` for one not yet created.
        created_at: When the server created it.
        updated_at: When the server last changed it.
    """

    id: str | None
    created_at: datetime | None = None
    updated_at: datetime | None = None
