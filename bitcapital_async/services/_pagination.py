"""Pages of a collection, read from Bitcapital's ``X-Data-*`` headers."""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Final, Generic, TypeVar, cast, overload

import attrs

from bitcapital_async._errors import ValidationError
from bitcapital_async.models import structure

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

    from bitcapital_async._client import Response

__all__ = ["DEFAULT_PAGE_SIZE", "Page", "iterate_pages", "read_page"]

T = TypeVar("T")

# The JavaScript SDK's default page; the server's own default is not documented.
DEFAULT_PAGE_SIZE: Final = 25

_TOTAL: Final = "X-Data-Length"
_SKIP: Final = "X-Data-Skip"
_LIMIT: Final = "X-Data-Limit"

# A bad header is quoted in the error up to this length.
_MAX_ECHO: Final = 20


@attrs.frozen
class Page(Generic[T]):
    """One page of a collection, and where it sits in the whole.

    Iterate it, index it or take its ``len()`` like the list of its items.

    Attributes:
        items: The entities on this page.
        total: How many the whole collection holds (``X-Data-Length``), if the
            server said.
        skip: How many came before this page (``X-Data-Skip``), if said.
        limit: The most a page holds (``X-Data-Limit``), if said.
    """

    items: list[T]
    total: int | None = None
    skip: int | None = None
    limit: int | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.items[index]


def read_page(response: Response, model: type[T]) -> Page[T]:
    """Build a page from an answer whose body is a bare JSON array.

    Raises:
        ValidationError: An item does not fit ``model``, or a count header is
            not a base-10 integer.
    """
    items = structure(
        response.data, cast("type[list[T]]", types.GenericAlias(list, model))
    )
    return Page(
        items,
        total=_count(response, _TOTAL),
        skip=_count(response, _SKIP),
        limit=_count(response, _LIMIT),
    )


async def iterate_pages(
    fetch: Callable[[int, int], Awaitable[Page[T]]], page_size: int
) -> AsyncIterator[T]:
    """Yield every item of a collection, fetching a page only when it is needed.

    Stops at an empty page, when the items seen reach the server's total, or,
    when the server gives no total, at a page shorter than asked for.

    Args:
        fetch: Gets the page at ``(skip, limit)``.
        page_size: How many items to ask for at a time.

    Raises:
        ValueError: ``page_size`` is not positive.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")

    skip = 0
    while True:
        page = await fetch(skip, page_size)
        for item in page.items:
            yield item

        skip += len(page.items)
        if not page.items:
            return
        if page.total is not None:
            if skip >= page.total:
                return
        elif len(page.items) < page_size:
            return


def _count(response: Response, header: str) -> int | None:
    value = response.headers.get(header)
    if value is None or not value.strip():
        return None
    # int() would also take "1_000", "٣" and a sign; the header holds digits only.
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        shown = text if len(text) <= _MAX_ECHO else text[: _MAX_ECHO - 1] + "…"
        raise ValidationError("Page", header, f"not a base-10 count: {shown!r}")
    return int(text)
