"""Request signing: the vendor's vectors, the middleware, and the sandbox's checks."""

from __future__ import annotations

import itertools
import logging
import time

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bitcapital_async import APIError, Bitcapital
from bitcapital_async._signing import (
    RequestSigner,
    format_timestamp,
    sign,
    signature_message,
)


@pytest.fixture
async def api(bitcapital_sandbox):
    return bitcapital_sandbox.client


def header_trace(seen):
    """A trace config that records the headers of every request as sent."""

    async def on_headers_sent(session, context, params):
        seen.append((params.method, params.url.path, dict(params.headers)))

    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(on_headers_sent)
    return trace


async def post_raw(bank, path, body, headers):
    """POST with a valid token and whatever signature headers the test chose."""
    token = await bank.client.tokens.get_token()
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            bank.url + path,
            data=body,
            headers={
                "Authorization": f"Bearer {token.access_token}",
                "Content-Type": "application/json",
                **headers,
            },
        ) as response,
    ):
        return response.status, await response.json()


class TestVectors:
    def test_hmac_of_test_keyed_with_test(self):
        """HMAC-SHA256("test", "test") matches the vendor SDKs' vector."""
        assert sign("test", "test") == (
            "88cd2108b5347d973cf39cdf9053d7dd42704876d8c9a9bd8e2d168259d3ddf7"
        )

    def test_payment_vector(self):
        """The Java SDK's payment message signs to its published signature."""
        message = signature_message("POST", "/payments", "1573264495581", b"{}")

        assert message == b"POST,/payments,1573264495581,{}"
        assert sign("root", message) == (
            "3e3e70e7904f7c99f999e519d950bf4a3d6807a70bdfe3be36e58f4966e14bb3"
        )


class TestMessage:
    def test_post_with_a_body_appends_it(self):
        """A POST's body follows the timestamp after a comma."""
        assert signature_message("post", "/a", "1", b'{"x":1}') == b'POST,/a,1,{"x":1}'

    def test_post_without_a_body_stops_at_the_timestamp(self):
        """An empty POST is signed as method, path and timestamp."""
        assert signature_message("POST", "/a", "1") == b"POST,/a,1"

    def test_put_always_appends(self):
        """A PUT appends its body even when empty, as the vendor SDK does."""
        assert signature_message("PUT", "/a", "1") == b"PUT,/a,1,"

    def test_get_never_appends(self):
        """A GET or DELETE is signed without a body."""
        assert signature_message("GET", "/a", "1", b"ignored") == b"GET,/a,1"
        assert signature_message("DELETE", "/a", "1", b"x") == b"DELETE,/a,1"


class TestTimestamp:
    def test_units(self):
        """Milliseconds by default, seconds on request, always an integer."""
        assert format_timestamp(1573264495.5819) == "1573264495581"
        assert format_timestamp(1573264495.5819, "s") == "1573264495"

    def test_unknown_unit(self):
        """Another unit is a ValueError, from the function and the signer."""
        with pytest.raises(ValueError, match="'ms' or 's', got 'us'"):
            format_timestamp(1, "us")
        with pytest.raises(ValueError, match="got 'ns'"):
            RequestSigner("k", base_url="http://h", timestamp_unit="ns")


class TestSigner:
    def test_headers(self):
        """The signer times and signs a request with its clock."""
        signer = RequestSigner(
            "root", base_url="http://h", clock=lambda: 1573264495.581
        )

        headers = signer.headers("POST", "/payments", b"{}")

        assert headers == {
            "X-Request-Signature": (
                "3e3e70e7904f7c99f999e519d950bf4a3d6807a70bdfe3be36e58f4966e14bb3"
            ),
            "X-Request-Timestamp": "1573264495581",
        }

    def test_repr_hides_the_secret(self):
        """The secret appears in no repr."""
        signer = RequestSigner("very-secret-key", base_url="http://h/api")

        assert repr(signer) == (
            "RequestSigner(base_url='http://h/api', timestamp_unit='ms')"
        )

    async def test_signs_the_path_relative_to_the_base_url(self):
        """The signed path is relative to the base path; other hosts go unsigned."""
        seen = []

        async def echo(request):
            seen.append(dict(request.headers))
            return web.json_response({})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", echo)
        async with TestServer(app) as server:
            base = str(server.make_url("/api"))
            signer = RequestSigner("k", base_url=base, clock=lambda: 2.0)
            async with aiohttp.ClientSession(middlewares=[signer]) as http:
                async with http.post(base + "/payments/?x=1", data=b'{"a":1}'):
                    pass
                other = str(server.make_url("/")).replace("127.0.0.1", "localhost")
                async with http.get(other + "api/wallets"):
                    pass

        message = signature_message("POST", "/payments/", "2000", b'{"a":1}')
        assert seen[0]["X-Request-Signature"] == sign("k", message)
        assert "X-Request-Signature" not in seen[1]


class TestClient:
    async def test_signed_endpoint_carries_a_valid_signature(
        self, api, bitcapital_sandbox
    ):
        """An emission is signed over its exact body with a millisecond timestamp."""
        before = int(time.time() * 1000)

        await api.assets.emit("BRLD", amount="5")

        (signed,) = bitcapital_sandbox.call(lambda s: list(s.api.signed_requests))
        message = signature_message("POST", signed.path, signed.timestamp, signed.body)
        assert signed.path == "/assets/BRLD/emit"
        assert signed.body == b'{"amount":"5"}'
        assert signed.signature == sign(bitcapital_sandbox.client_secret, message)
        assert before <= int(signed.timestamp) <= int(time.time() * 1000)

    async def test_unsigned_endpoints_are_not_signed_by_default(
        self, bitcapital_sandbox
    ):
        """A plain read carries no signature unless the client signs everything."""
        seen = []
        async with aiohttp.ClientSession(trace_configs=[header_trace(seen)]) as http:
            async with Bitcapital(
                bitcapital_sandbox.url,
                bitcapital_sandbox.client_id,
                bitcapital_sandbox.client_secret,
                session=http,
            ) as client:
                await client.wallets.find_root()
            async with Bitcapital(
                bitcapital_sandbox.url,
                bitcapital_sandbox.client_id,
                bitcapital_sandbox.client_secret,
                session=http,
                sign_all_requests=True,
            ) as client:
                await client.wallets.find_root()

        reads = [headers for method, path, headers in seen if path == "/wallets/root"]
        assert "X-Request-Signature" not in reads[0]
        assert len(reads[1]["X-Request-Signature"]) == 64

    async def test_seconds_as_the_timestamp_unit(self, bitcapital_sandbox):
        """A client and server agreeing on seconds sign and check in seconds."""
        bitcapital_sandbox.call(lambda s: setattr(s.api, "timestamp_unit", "s"))

        async with Bitcapital(
            bitcapital_sandbox.url,
            bitcapital_sandbox.client_id,
            bitcapital_sandbox.client_secret,
            signature_timestamp_unit="s",
        ) as client:
            await client.assets.emit("BRLD", amount="1")

        (signed,) = bitcapital_sandbox.call(lambda s: list(s.api.signed_requests))
        assert len(signed.timestamp) == 10

    async def test_a_request_retried_after_a_401_is_signed_afresh(
        self, api, bitcapital_sandbox
    ):
        """The retry after a 401 has a new timestamp and a new, valid signature."""
        token = await api.tokens.get_token()
        bitcapital_sandbox.call(lambda s: s.revoke_token(token.access_token))
        ticks = itertools.count()
        api.signer.clock = lambda: time.time() + next(ticks) / 1000

        await api.assets.emit("BRLD", amount="2")

        first, second = bitcapital_sandbox.call(lambda s: list(s.api.signed_requests))
        assert first.timestamp != second.timestamp
        assert first.signature != second.signature
        for signed in (first, second):
            message = signature_message(
                "POST", signed.path, signed.timestamp, signed.body
            )
            assert signed.signature == sign(bitcapital_sandbox.client_secret, message)

    async def test_sign_all_covers_a_multipart_upload_and_its_retry(
        self, bitcapital_sandbox
    ):
        """Signing every request signs a multipart body, and again after a 401."""
        async with Bitcapital(
            bitcapital_sandbox.url,
            bitcapital_sandbox.client_id,
            bitcapital_sandbox.client_secret,
            sign_all_requests=True,
        ) as client:
            user = await client.consumers.create(email="mp@example.com", password="pw")
            token = await client.tokens.get_token()
            bitcapital_sandbox.call(lambda s: s.revoke_token(token.access_token))

            document = await client.consumers.documents.upload_picture(
                user.id, "passport", "front", b"\x00\xffpng", content_type="image/png"
            )

        assert document.front == "data:image/png;base64,AP9wbmc="


class TestSandboxChecks:
    async def test_missing_signature_is_a_401(self, api):
        """A signed endpoint called without a signature is refused."""
        with pytest.raises(APIError) as info:
            await api.request("POST", "/assets/BRLD/emit", json={"amount": "1"})

        assert info.value.status == 401
        assert info.value.message == "Unauthorized: missing request signature"

    async def test_wrong_signature_is_a_401(self, bitcapital_sandbox):
        """A signature made with another secret is refused."""
        body = b'{"amount":"1"}'
        headers = RequestSigner("not-the-secret", base_url="http://h").headers(
            "POST", "/assets/BRLD/emit", body
        )

        status, answer = await post_raw(
            bitcapital_sandbox, "/assets/BRLD/emit", body, headers
        )

        assert status == 401
        assert answer["message"].startswith(
            "[401] Unauthorized: invalid request signature"
        )

    async def test_stale_timestamp_is_a_401(self, bitcapital_sandbox):
        """A correct signature from a minute ago is refused as a replay."""
        body = b'{"amount":"1"}'
        secret = bitcapital_sandbox.client_secret
        signer = RequestSigner(
            secret, base_url="http://h", clock=lambda: time.time() - 60
        )

        status, answer = await post_raw(
            bitcapital_sandbox,
            "/assets/BRLD/emit",
            body,
            signer.headers("POST", "/assets/BRLD/emit", body),
        )

        assert status == 401
        assert "request timestamp outside the window" in answer["message"]

    async def test_body_changed_after_signing_is_a_401(self, bitcapital_sandbox):
        """Signing {"amount":"1"} and sending {"amount":"100"} is refused."""
        secret = bitcapital_sandbox.client_secret
        headers = RequestSigner(secret, base_url="http://h").headers(
            "POST", "/assets/BRLD/emit", b'{"amount":"1"}'
        )

        status, _ = await post_raw(
            bitcapital_sandbox, "/assets/BRLD/emit", b'{"amount":"100"}', headers
        )

        assert status == 401


class TestSecrecy:
    async def test_secret_in_no_log_repr_or_error(
        self, api, bitcapital_sandbox, caplog
    ):
        """The client secret never shows in logs, reprs or error messages."""
        secret = bitcapital_sandbox.client_secret
        caplog.set_level(logging.DEBUG, logger="bitcapital_async")

        await api.assets.emit("BRLD", amount="1")
        with pytest.raises(APIError) as info:
            await api.request("POST", "/assets/BRLD/emit", json={"amount": "1"})

        assert "signed POST /assets/BRLD/emit" in caplog.text
        for text in (caplog.text, repr(api), repr(api.signer), str(info.value)):
            assert secret not in text
