"""What every service shares: calls that decode into models, and request bodies."""

from __future__ import annotations

import enum
import types
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from bitcapital_async.models import structure, unstructure

from ._pagination import DEFAULT_PAGE_SIZE, Page, iterate_pages, read_page

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from bitcapital_async._client import Bitcapital

__all__ = [
    "Amount",
    "Service",
    "body",
    "decimal_text",
    "json_number",
    "options",
    "segment",
]

T = TypeVar("T")

Amount = Decimal | int | float | str
"""Money as a caller may give it; a ``Decimal`` or a string keeps it exact."""

OTP_HEADER: Final = "x-bitcapital-otp"
IDEMPOTENCE_HEADER: Final = "x-idempotence-key"

# Path segments that would climb out of or split the endpoint's path.
_UNSAFE_SEGMENTS: Final = frozenset({"", ".", ".."})


class Service:
    """The base of every ``client.<service>``: calls that return models."""

    def __init__(self, client: Bitcapital) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    async def _call(
        self,
        method: str,
        path: str,
        model: type[T],
        *,
        json: object = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: object = None,
        sign: bool = False,
    ) -> T:
        answer = await self._client.request(
            method,
            path,
            json=json,
            params=params,
            headers=headers,
            data=data,
            sign=sign,
        )
        return structure(answer, model)

    async def _list(
        self,
        path: str,
        model: type[T],
        *,
        params: Mapping[str, Any] | None = None,
        sign: bool = False,
    ) -> list[T]:
        answer = await self._client.request("GET", path, params=params, sign=sign)
        return structure(answer, cast("type[list[T]]", types.GenericAlias(list, model)))

    async def _none(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        headers: Mapping[str, str] | None = None,
        sign: bool = False,
    ) -> None:
        await self._client.request(method, path, json=json, headers=headers, sign=sign)

    async def _page(
        self,
        path: str,
        model: type[T],
        *,
        skip: int | None,
        limit: int | None,
        params: Mapping[str, Any] | None = None,
    ) -> Page[T]:
        query = {**(params or {}), "skip": skip, "limit": limit}
        response = await self._client.send("GET", path, params=query)
        return read_page(response, model)

    def _iterate(
        self,
        path: str,
        model: type[T],
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        params: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[T]:
        async def fetch(skip: int, limit: int) -> Page[T]:
            return await self._page(path, model, skip=skip, limit=limit, params=params)

        return iterate_pages(fetch, page_size)


def body(**fields: object) -> dict[str, Any]:
    """Build a JSON body from keyword arguments: camelCase keys, no ``None``.

    Models and enums inside become their wire form, ``Decimal`` a decimal
    string. ``extra``, if given, is merged in last as is, for fields this SDK
    does not name yet.
    """
    extra = cast("Mapping[str, Any] | None", fields.pop("extra", None)) or {}
    data = {
        _camel_case(name): unstructure(value)
        for name, value in fields.items()
        if value is not None
    }
    data.update(extra)
    return data


def options(
    otp: str | None = None, idempotence_key: str | None = None
) -> dict[str, str]:
    """Build the per-call headers: a two-factor code and an idempotence key."""
    headers: dict[str, str] = {}
    if otp is not None:
        headers[OTP_HEADER] = otp
    if idempotence_key is not None:
        headers[IDEMPOTENCE_HEADER] = idempotence_key
    return headers


def segment(value: str | enum.Enum) -> str:
    """One path segment from an id or name, refusing what would change the path.

    Raises:
        ValueError: The value is empty, ``.``/``..``, or holds ``/``, ``?`` or
            ``#``.
    """
    text = str(value.value if isinstance(value, enum.Enum) else value)
    if text in _UNSAFE_SEGMENTS or any(char in text for char in "/?#"):
        raise ValueError(f"not a valid id or path segment: {text!r}")
    return text


def decimal_text(amount: Amount) -> str:
    """Write an amount as the plain decimal string the API expects for money.

    Raises:
        ValueError: Not a finite number.
    """
    return format(_decimal(amount), "f")


def json_number(amount: Amount) -> int | float:
    """Convert an amount for the few fields the API types as a JSON number.

    Raises:
        ValueError: Not a finite number.
    """
    value = _decimal(amount)
    if value == value.to_integral_value():
        return int(value)
    # str() of the float is the shortest text that reads back as it, so a
    # two-decimal amount goes out with exactly its two decimals.
    return float(value)


def _decimal(amount: Amount) -> Decimal:
    if isinstance(amount, bool):
        raise TypeError("an amount cannot be a bool")
    try:
        value = Decimal(repr(amount) if isinstance(amount, float) else str(amount))
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {amount!r}")
    return value


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)
