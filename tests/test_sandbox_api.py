"""The sandbox's resource API: scopes, error shapes, headers, seeding, threads."""

from __future__ import annotations

import asyncio
import re
import socket

import aiohttp
import pytest

from bitcapital_async import APIError, Bitcapital
from bitcapital_async.sandbox import (
    ALL_SCOPES,
    Reply,
    Sandbox,
    SandboxClient,
    SandboxUser,
    ThreadedSandbox,
)


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


async def get_raw(url, token, method="GET", body=None):
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, url, data=body, headers=headers) as response,
    ):
        return response.status, dict(response.headers), await response.json()


class TestScopes:
    async def test_missing_scope_is_a_403(self, client):
        """The demo client reads but may not write consumers."""
        with pytest.raises(APIError) as info:
            await client.consumers.create(email="x@example.com", password="pw")

        assert info.value.status == 403
        assert info.value.message == "Forbidden: the token lacks the scope users:write"
        assert info.value.details == {"scope": "users:write"}

    async def test_challenge_names_the_scope(self, sandbox, client):
        """The 403 carries RFC 6750's insufficient_scope challenge."""
        token = await client.tokens.get_token()

        status, headers, _ = await get_raw(sandbox.url + "/domains", token.access_token)

        assert status == 403
        assert headers["WWW-Authenticate"] == (
            'Bearer error="insufficient_scope", scope="domains:read"'
        )

    async def test_401_for_a_missing_scope_on_request(self, sandbox, client):
        """A sandbox told to answer like the developer hub says sends 401."""
        sandbox.api.insufficient_scope_status = 401

        with pytest.raises(APIError) as info:
            await client.assets.find_all()

        assert info.value.status == 401

    async def test_granted_scope_passes(self, client):
        """A read the demo client's scopes cover succeeds."""
        page = await client.wallets.find_all()

        assert page.total == 2


class TestErrors:
    async def test_unknown_route_is_a_json_404(self, sandbox, client):
        """An unknown path answers ts-framework's 404 body."""
        token = await client.tokens.get_token()

        status, _, body = await get_raw(sandbox.url + "/nope?x=1", token.access_token)

        assert status == 404
        assert re.fullmatch(
            r"\[404\] The resource was not found: GET /nope \(stackId: [0-9a-f-]{36}\)",
            body["message"],
        )
        assert body["details"] == {"method": "GET", "originalUrl": "/nope?x=1"}

    async def test_body_that_is_not_json_is_a_400(self, api):
        """A malformed JSON body is refused before the handler sees it."""
        with pytest.raises(APIError) as info:
            await api.request(
                "POST",
                "/consumers",
                data=b"{nope",
                headers={"Content-Type": "application/json"},
            )

        assert (info.value.status, info.value.message) == (
            400,
            "the body is not valid JSON",
        )

    async def test_amount_with_seven_decimals_is_a_400(self, api):
        """The platform takes at most six decimal places."""
        with pytest.raises(APIError) as info:
            await api.assets.emit("BRLD", amount="0.0000001")

        assert info.value.message == "amount has more than 6 decimals"

    async def test_no_bearer_is_a_401(self, sandbox):
        """A request without a token is refused with the 401 shape."""
        async with (
            aiohttp.ClientSession() as http,
            http.get(sandbox.url + "/wallets") as response,
        ):
            body = await response.json()

        assert response.status == 401
        assert body["message"].startswith("[401] Unauthorized: missing or unknown")

    async def test_two_hundreds_are_all_success(self, api, bitcapital_sandbox):
        """A 201 with a body and a 204 without are both success to the client."""
        bitcapital_sandbox.call(
            lambda s: s.faults.script(
                "api", [Reply(status=201, body={"id": "t1"}), Reply(status=204)]
            )
        )

        created = await api.transactions.find_one("t1")
        await api.wallets.delete("whatever")

        assert created.id == "t1"


class TestPaginationHeaders:
    async def test_headers_and_limits(self, bitcapital_sandbox, api):
        """A list answers X-Data-Length, -Skip and -Limit; a bad limit is a 400."""
        token = await api.tokens.get_token()
        url = bitcapital_sandbox.url + "/consumers"

        status, headers, body = await get_raw(
            url + "?skip=0&limit=1", token.access_token
        )
        bad, _, _ = await get_raw(url + "?limit=0", token.access_token)

        assert status == 200
        assert len(body) == 1
        assert (
            headers["X-Data-Length"],
            headers["X-Data-Skip"],
            headers["X-Data-Limit"],
        ) == ("1", "0", "1")
        assert bad == 400


class TestSeeding:
    async def test_principals_become_users(self):
        """OAuth clients are mediators; password users are consumers with wallets."""
        clients = [
            SandboxClient(client_id="a", client_secret="a-secret", scopes=ALL_SCOPES),
            SandboxClient(client_id="b", client_secret="b-secret"),
        ]
        users = [SandboxUser(username="u@example.com", password="pw", name="U Ser")]

        async with (
            Sandbox(clients=clients, users=users) as sandbox,
            Bitcapital(sandbox.url, "a", "a-secret") as client,
        ):
            mediators = await client.users.find_all_by_role("mediator")
            consumer = await client.users.find_one(users[0].user_id)
            wallets = await client.users.find_wallets(users[0].user_id)

        assert [u.email for u in mediators] == [
            "mediator@sandbox.invalid",
            "b@clients.sandbox.invalid",
        ]
        assert consumer.name == "U Ser"
        assert len(wallets) == 1


class TestThreadedSandbox:
    def test_client_needs_a_running_loop(self):
        """Asking for the client outside a coroutine says how to use it."""
        with ThreadedSandbox() as bank, pytest.raises(RuntimeError, match="coroutine"):
            bank.client  # noqa: B018 - the property is what is tested

    def test_one_client_per_loop_each_closed(self):
        """Two asyncio.run calls get two clients, both closed when their loop ends."""
        with ThreadedSandbox() as bank:

            async def use():
                client = bank.client
                await client.wallets.find_root()
                return client

            first = asyncio.run(use())
            second = asyncio.run(use())

        assert first is not second
        assert first._own_session is None
        assert second._own_session is None

    def test_start_twice_and_stop_twice(self):
        """Starting a running sandbox is an error; stopping one twice is not."""
        bank = ThreadedSandbox().start()
        with pytest.raises(RuntimeError, match="already running"):
            bank.start()

        bank.stop()
        bank.stop()

        assert repr(bank) == "<ThreadedSandbox stopped>"
        with pytest.raises(RuntimeError, match="not running"):
            bank.call(lambda s: s)

    def test_failing_to_start_is_reported(self):
        """A sandbox that cannot bind its port raises from start()."""
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            bank = ThreadedSandbox(port=taken.getsockname()[1])

            with pytest.raises(RuntimeError, match="failed to start") as info:
                bank.start()

        assert isinstance(info.value.__cause__, OSError)

    def test_call_runs_on_the_sandbox_thread(self):
        """call() hands back what the function returns."""
        with ThreadedSandbox() as bank:
            code = bank.call(lambda s: s.api.ledger.root_asset["code"])

            assert code == "BRLD"
            assert repr(bank) == "<ThreadedSandbox running>"
            assert bank.url.startswith("http://127.0.0.1:")
