"""The Bitcapital client and its session, against the sandbox over real HTTP."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from bitcapital_async import (
    APIError,
    Bitcapital,
    BitcapitalError,
    InvalidClient,
    TokenManager,
    TransportError,
)
from bitcapital_async.models import User, UserRole
from bitcapital_async.sandbox import Reply, Sandbox, SandboxClient


class TestConstruction:
    def test_from_env_reads_three_variables(self):
        """from_env builds the client from the BITCAPITAL_* variables."""
        env = {
            "BITCAPITAL_BASE_URL": "http://127.0.0.1:9/",
            "BITCAPITAL_CLIENT_ID": "id",
            "BITCAPITAL_CLIENT_SECRET": "very-secret-value",
        }

        client = Bitcapital.from_env(env)

        assert str(client.base_url) == "http://127.0.0.1:9"
        assert client.tokens.token_url == "http://127.0.0.1:9/oauth/token"
        assert client.tokens.client_id == "id"
        assert "very-secret-value" not in repr(client)
        assert "very-secret-value" not in repr(client.tokens)

    def test_from_env_names_what_is_missing(self):
        """A missing variable is a clear BitcapitalError naming it."""
        env = {"BITCAPITAL_BASE_URL": "http://127.0.0.1:9"}

        with pytest.raises(BitcapitalError) as info:
            Bitcapital.from_env(env)

        assert str(info.value) == (
            "missing environment variables: "
            "BITCAPITAL_CLIENT_ID, BITCAPITAL_CLIENT_SECRET"
        )

    def test_relative_base_url_is_refused(self):
        """A base URL without a scheme and host is a ValueError at once."""
        with pytest.raises(ValueError, match="absolute http"):
            Bitcapital("btcore.app", "id", "secret")

    def test_basic_header_is_raw_like_the_vendor_sdks(self):
        """The client's token requests send base64(id:secret) without urlencoding."""
        client = Bitcapital("http://127.0.0.1:9", "a/b", "c+d")

        assert client.tokens._endpoint.authorization() == "Basic YS9iOmMrZA=="


class TestSession:
    async def test_virtual_token_skips_users_me(self, sandbox, client):
        """A virtual client-credentials token yields its user without /users/me."""
        user = await client.session.client_credentials()

        assert user == User(id=sandbox.clients["demo-client"].user_id, virtual=True)
        assert client.session.current is user
        assert sandbox.counters.api_requests == 0
        assert sandbox.counters.token_requests == 1

    async def test_real_user_token_calls_users_me(self):
        """A non-virtual token is resolved with one GET /users/me."""
        real = SandboxClient(
            client_id="svc", client_secret="svc-secret", virtual=False, name="Ana Lima"
        )
        async with (
            Sandbox(clients=[real]) as sandbox,
            Bitcapital(sandbox.url, "svc", "svc-secret") as client,
        ):
            user = await client.session.client_credentials()

            assert user.id == real.user_id
            assert user.first_name == "Ana"
            assert user.role is UserRole.MEDIATOR
            assert sandbox.counters.api_requests == 1

    async def test_destroy_revokes_then_forgets(self, sandbox, client):
        """destroy() revokes the token on the server and clears local state."""
        await client.session.client_credentials()
        token = client.session.credentials
        assert token is not None

        await client.session.destroy()

        assert sandbox.counters.revocations == 1
        assert not sandbox.is_valid(token.access_token)
        assert client.session.current is None
        assert client.session.credentials is None

    async def test_destroy_survives_an_unreachable_server(self, sandbox, client):
        """Revocation is best effort: a failing revoke still clears the session."""
        await client.session.client_credentials()
        sandbox.faults.take_down("revoke")

        await client.session.destroy()

        assert sandbox.counters.revocations == 1
        assert client.session.credentials is None

    async def test_request_before_login_starts_the_session(self, sandbox, client):
        """Calling an endpoint first fetches the client-credentials token by itself."""
        me = await client.users.me()

        assert me.id == sandbox.clients["demo-client"].user_id
        assert me.email == "mediator@sandbox.invalid"
        assert sandbox.counters.token_requests == 1


class TestRequests:
    async def test_request_returns_decoded_json(self, client):
        """request() returns the decoded JSON of any endpoint."""
        status = await client.request("GET", "/")

        assert status["name"] == "bitcapital-sandbox"
        assert status["env"] == "sandbox"

    async def test_api_error_strips_prefix_and_stack_id(self, sandbox, client):
        """A ts-framework error becomes APIError with a clean message and stack id."""
        sandbox.faults.script(
            "api",
            [
                Reply(
                    status=404,
                    body={
                        "status": 404,
                        "message": "[404] The resource was not found: GET /nope "
                        "(stackId: 5e1c-77)",
                        "stackId": "5e1c-77",
                        "details": {"method": "GET", "originalUrl": "/nope"},
                    },
                )
            ],
        )

        with pytest.raises(APIError) as info:
            await client.request("GET", "/nope")

        error = info.value
        assert error.status == 404
        assert error.message == "The resource was not found: GET /nope"
        assert error.stack_id == "5e1c-77"
        assert error.details == {"method": "GET", "originalUrl": "/nope"}
        assert (
            str(error) == "HTTP 404 on GET /nope: The resource was not found: GET /nope"
        )

    async def test_always_401_ends_in_api_error(self, sandbox, client):
        """An API that always answers 401: 2 calls, 1 extra token request, APIError."""
        await client.session.client_credentials()
        sandbox.faults.take_down(
            "api", Reply(status=401, body={"status": 401, "message": "[401] Nope"})
        )

        with pytest.raises(APIError) as info:
            await client.users.me()

        assert info.value.status == 401
        assert info.value.message == "Nope"
        assert sandbox.counters.api_requests == 2
        assert sandbox.counters.token_requests == 2

    async def test_html_success_is_an_api_error(self, sandbox, client):
        """A 200 with an HTML body is an APIError, never a JSONDecodeError."""
        sandbox.faults.script(
            "api",
            [Reply(status=200, body="<html>login</html>", content_type="text/html")],
        )

        with pytest.raises(APIError) as info:
            await client.request("GET", "/users/me")

        assert info.value.status == 200
        assert info.value.message == "expected JSON, got text/html"
        assert info.value.body == "<html>login</html>"

    async def test_cut_off_json_error_is_an_api_error(self, sandbox, client):
        """A 500 with truncated JSON keeps the text as the message."""
        sandbox.faults.script(
            "api",
            [
                Reply(
                    status=500, body='{"message": "bo', content_type="application/json"
                )
            ],
        )

        with pytest.raises(APIError) as info:
            await client.request("GET", "/users/me")

        assert info.value.status == 500
        assert info.value.message == '{"message": "bo'

    async def test_wrong_secret_is_invalid_client_without_retry(self, sandbox):
        """A wrong client secret raises InvalidClient after exactly 1 token request."""
        async with Bitcapital(sandbox.url, sandbox.client_id, "wrong-secret") as client:
            with pytest.raises(InvalidClient) as info:
                await client.users.me()

        assert info.value.error == "invalid_client"
        assert info.value.status == 401
        assert info.value.retryable is False
        assert sandbox.counters.token_requests == 1
        assert sandbox.counters.api_requests == 0

    async def test_unreachable_api_is_a_transport_error(self, sandbox):
        """No server at the API URL is a TransportError, with no aiohttp object kept."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        tokens = TokenManager(
            sandbox.token_url, sandbox.client_id, sandbox.client_secret
        )

        async with Bitcapital(
            f"http://127.0.0.1:{port}", "id", "secret", token_manager=tokens
        ) as client:
            with pytest.raises(TransportError) as info:
                await client.request("GET", "/")

        assert str(info.value).startswith("GET / failed: ClientConnectorError: ")
        assert info.value.__cause__ is None
        assert info.value.__suppress_context__ is True
        assert sandbox.counters.token_requests == 1

    async def test_user_session_and_middlewares_are_used(self, sandbox):
        """The caller's session and extra middlewares serve the client's requests."""
        seen: list[str] = []

        async def tag(request, handler):
            seen.append(request.url.path)
            return await handler(request)

        async with (
            aiohttp.ClientSession() as http,
            Bitcapital(
                sandbox.url,
                sandbox.client_id,
                sandbox.client_secret,
                session=http,
                middlewares=[tag],
            ) as client,
        ):
            await asyncio.gather(client.users.me(), client.request("GET", "/"))

            assert not http.closed
        assert sorted(seen) == ["/", "/users/me"]
        assert sandbox.counters.token_requests == 1


class TestSecrets:
    async def test_api_error_never_echoes_token_or_secret(self, sandbox, client):
        """A server echoing the token and secret: APIError shows neither anywhere."""
        token = (await client.tokens.get_token()).access_token
        secret = sandbox.client_secret
        sandbox.faults.script(
            "api",
            [
                Reply(
                    status=400,
                    body={
                        "message": f"[400] bad token {token} secret {secret}",
                        "details": {"seen": [token], token: secret},
                    },
                ),
                Reply(
                    status=502,
                    body=f"<html>Bearer {token}</html>",
                    content_type="text/html",
                ),
            ],
        )

        errors = []
        for _ in range(2):
            with pytest.raises(APIError) as info:
                await client.request("GET", "/users/me")
            errors.append(info.value)

        assert errors[0].message == "bad token [REDACTED] secret [REDACTED]"
        assert errors[0].details == {"seen": ["[REDACTED]"], "[REDACTED]": "[REDACTED]"}
        assert errors[1].body == "<html>Bearer [REDACTED]</html>"
        for error in errors:
            for text in (
                str(error),
                repr(error),
                repr(error.body),
                repr(error.details),
            ):
                assert token not in text
                assert secret not in text


class TestLimits:
    async def test_oversized_answer_is_refused(self, sandbox):
        """An answer over max_response_bytes is an APIError, not a memory spike."""
        sandbox.faults.script("api", [Reply(status=200, body={"blob": "x" * 5000})])

        async with Bitcapital(
            sandbox.url,
            sandbox.client_id,
            sandbox.client_secret,
            max_response_bytes=4096,
        ) as client:
            with pytest.raises(APIError) as info:
                await client.request("GET", "/users/me")
            status = await client.request("GET", "/")

        assert info.value.status == 200
        assert info.value.message == "the answer is larger than 4096 bytes"
        assert status["env"] == "sandbox"
