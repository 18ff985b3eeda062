"""Typed models of the Bitcapital Core API and the converter that fills them.

Models are frozen attrs classes with snake_case names; ``structure`` builds one
from the API's camelCase JSON and ``unstructure`` turns one back::

    user = structure(await response.json(), User)
    body = unstructure(user)

Fields holding an enum are typed ``SomeEnum | str``: a value this SDK does not
know yet arrives as the plain string instead of failing the whole answer.
"""

from __future__ import annotations

from ._base import BaseModel
from ._converter import converter, resolve_model_types, structure, unstructure
from ._enums import UserRole, UserStatus
from ._users import User, UserState

__all__ = [
    "BaseModel",
    "User",
    "UserRole",
    "UserState",
    "UserStatus",
    "converter",
    "structure",
    "unstructure",
]

resolve_model_types(globals())
