"""Pages from the X-Data-* headers, and iter_all walking a whole collection."""

from __future__ import annotations

import pytest

from bitcapital_async import ValidationError
from bitcapital_async.models import User
from bitcapital_async.sandbox import Reply
from bitcapital_async.services import Page
from bitcapital_async.services._pagination import iterate_pages


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


def seed_consumers(bank, count):
    def add(sandbox):
        for index in range(count):
            sandbox.api.people.create_consumer(
                {"email": f"user{index:04}@example.com", "password": "pw"}
            )

    bank.call(add)


def api_requests(bank):
    return bank.call(lambda s: s.counters.api_requests)


def script(bank, *replies):
    bank.call(lambda s: s.faults.script("api", replies))


class TestPage:
    def test_behaves_like_its_items(self):
        """A page iterates, indexes, slices and measures as its list of items."""
        page = Page(["a", "b", "c"], total=10, skip=3, limit=3)

        assert list(page) == ["a", "b", "c"]
        assert (len(page), page[0], page[-1], page[1:]) == (3, "a", "c", ["b", "c"])


class TestHeaders:
    async def test_counts_are_read_in_base_10(self, api, bitcapital_sandbox):
        """Leading zeros do not change the base (the JavaScript SDK read base 25)."""
        script(
            bitcapital_sandbox,
            Reply(
                body=[],
                headers={
                    "X-Data-Length": "010",
                    "X-Data-Skip": "0",
                    "X-Data-Limit": "25",
                },
            ),
        )

        page = await api.consumers.find_all()

        assert (page.total, page.skip, page.limit) == (10, 0, 25)

    async def test_missing_counts_are_none(self, api, bitcapital_sandbox):
        """A server that sends no counts gives a page without them."""
        script(bitcapital_sandbox, Reply(body=[{"id": "u1", "email": "a@b.c"}]))

        page = await api.consumers.find_all()

        assert page == Page([User(id="u1", email="a@b.c")])

    async def test_malformed_count_is_a_validation_error(self, api, bitcapital_sandbox):
        """A count that is not digits is a ValidationError naming the header."""
        script(bitcapital_sandbox, Reply(body=[], headers={"X-Data-Length": "1e3"}))

        with pytest.raises(ValidationError) as info:
            await api.consumers.find_all()

        assert (info.value.model, info.value.field) == ("Page", "X-Data-Length")
        assert (
            str(info.value) == "invalid Page.X-Data-Length: not a base-10 count: '1e3'"
        )

    async def test_a_body_that_is_not_a_list(self, api, bitcapital_sandbox):
        """An object where a list belongs is a ValidationError, not a TypeError."""
        script(bitcapital_sandbox, Reply(body={"id": "u1"}))

        with pytest.raises(ValidationError) as info:
            await api.consumers.find_all()

        assert str(info.value) == "invalid list[User]: expected a list, got dict"

    async def test_sandbox_pages_by_skip_and_limit(self, api, bitcapital_sandbox):
        """skip and limit reach the server, which answers the slice and the counts."""
        seed_consumers(bitcapital_sandbox, 4)

        page = await api.consumers.find_all(skip=2, limit=2)

        assert [u.email for u in page] == [
            "user0001@example.com",
            "user0002@example.com",
        ]
        assert (page.total, page.skip, page.limit) == (5, 2, 2)


class TestIterAll:
    async def test_walks_a_thousand_items_in_pages(self, api, bitcapital_sandbox):
        """1,000 consumers come in ten requests of 100, in order, each once."""
        seed_consumers(bitcapital_sandbox, 999)
        await api.tokens.get_token()
        before = api_requests(bitcapital_sandbox)

        emails = [user.email async for user in api.consumers.iter_all(page_size=100)]

        assert len(emails) == len(set(emails)) == 1000
        assert emails[0] == "ana@sandbox.invalid"
        assert emails[-1] == "user0998@example.com"
        assert api_requests(bitcapital_sandbox) - before == 10

    async def test_fetches_lazily(self, api, bitcapital_sandbox):
        """Stopping after three items costs two pages of two, not the whole walk."""
        seed_consumers(bitcapital_sandbox, 9)
        await api.tokens.get_token()
        before = api_requests(bitcapital_sandbox)

        taken = []
        async for user in api.consumers.iter_all(page_size=2):
            taken.append(user.email)
            if len(taken) == 3:
                break

        assert api_requests(bitcapital_sandbox) - before == 2

    async def test_default_page_size(self, api, bitcapital_sandbox):
        """Without a page size, pages of 25 are asked for."""
        seed_consumers(bitcapital_sandbox, 59)
        await api.tokens.get_token()
        before = api_requests(bitcapital_sandbox)

        count = sum([1 async for _ in api.consumers.iter_all()])

        assert count == 60
        assert api_requests(bitcapital_sandbox) - before == 3


class TestIteratePages:
    @staticmethod
    def pages(*pages):
        calls = []

        async def fetch(skip, limit):
            calls.append((skip, limit))
            return pages[len(calls) - 1]

        return fetch, calls

    async def test_without_a_total_a_short_page_ends_it(self):
        """A server without counts is read until a page comes back short."""
        fetch, calls = self.pages(Page([1, 2]), Page([3]))

        items = [item async for item in iterate_pages(fetch, 2)]

        assert (items, calls) == ([1, 2, 3], [(0, 2), (2, 2)])

    async def test_an_empty_page_ends_it(self):
        """A full page then an empty one ends the walk, even with a wrong total."""
        fetch, calls = self.pages(Page([1, 2], total=9), Page([], total=9))

        items = [item async for item in iterate_pages(fetch, 2)]

        assert (items, calls) == ([1, 2], [(0, 2), (2, 2)])

    async def test_page_size_must_be_positive(self):
        """A page size below one is a ValueError."""
        fetch, _ = self.pages()

        with pytest.raises(ValueError, match="at least 1"):
            [item async for item in iterate_pages(fetch, 0)]
