"""Postbacks: signature and age checks, payload parsing, and an aiohttp handler."""

from __future__ import annotations

import json

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bitcapital_async import BitcapitalError, ValidationError
from bitcapital_async._postbacks import (
    SignatureError,
    SignatureExpired,
    read_postback,
    verify_postback,
)
from bitcapital_async._signing import RequestSigner
from bitcapital_async.models import Postback, PostbackEntity

SECRET = "postback-client-secret"
NOW = 1_700_000_000.0
BODY = json.dumps(
    {"id": "tx-1", "entity": "transaction", "status": "executed"}
).encode()


def signed_headers(body=BODY, *, path="/hooks", at=NOW, secret=SECRET, unit="ms"):
    signer = RequestSigner(
        secret, base_url="http://h", timestamp_unit=unit, clock=lambda: at
    )
    return signer.headers("POST", path, body)


def verify(body=BODY, headers=None, **options):
    headers = signed_headers() if headers is None else headers
    return verify_postback(
        body,
        signature=headers.get("X-Request-Signature"),
        timestamp=headers.get("X-Request-Timestamp"),
        client_secret=SECRET,
        path=options.pop("path", "/hooks"),
        clock=lambda: NOW,
        **options,
    )


class TestVerify:
    def test_valid_postback(self):
        """A fresh, correctly signed postback is read into the model."""
        assert verify() == Postback(
            id="tx-1", entity=PostbackEntity.TRANSACTION, status="executed"
        )

    def test_unknown_entity_stays_a_string(self):
        """An entity this SDK does not know yet does not break the handler."""
        body = b'{"id":"x","entity":"card","status":"blocked"}'

        postback = verify(body, signed_headers(body))

        assert (postback.entity, postback.status) == ("card", "blocked")

    def test_wrong_secret(self):
        """A signature made with another secret is refused."""
        with pytest.raises(SignatureError) as info:
            verify(headers=signed_headers(secret="someone-else"))

        assert str(info.value) == "postback rejected: the signature does not match"
        assert isinstance(info.value, BitcapitalError)

    def test_tampered_body(self):
        """A body changed after signing is refused."""
        with pytest.raises(SignatureError, match="does not match"):
            verify(BODY.replace(b"executed", b"failed"), signed_headers())

    def test_other_path(self):
        """A signature for another path is refused."""
        with pytest.raises(SignatureError, match="does not match"):
            verify(headers=signed_headers(path="/elsewhere"))

    def test_missing_headers(self):
        """A postback without a signature or timestamp says which is missing."""
        with pytest.raises(SignatureError) as info:
            verify(headers={"X-Request-Timestamp": "1"})
        assert info.value.reason == "no X-Request-Signature header"

        with pytest.raises(SignatureError) as info:
            verify(headers={"X-Request-Signature": "ab"})
        assert info.value.reason == "no X-Request-Timestamp header"

    def test_timestamp_that_is_not_a_number(self):
        """A non-numeric timestamp is a SignatureError quoting it."""
        headers = {**signed_headers(), "X-Request-Timestamp": "yesterday"}

        with pytest.raises(SignatureError) as info:
            verify(headers=headers)

        assert info.value.reason == "X-Request-Timestamp is not an integer: 'yesterday'"

    def test_replay_outside_the_window(self):
        """A correctly signed postback 31 s old is refused as a replay."""
        with pytest.raises(SignatureExpired) as info:
            verify(headers=signed_headers(at=NOW - 31))

        assert info.value.skew == 31.0
        assert str(info.value) == (
            "postback rejected: timestamp is 31 s in the past, beyond the 30 s window"
        )

    def test_from_the_future(self):
        """A timestamp ahead of the receiver's clock is refused as well."""
        with pytest.raises(SignatureExpired, match="31 s in the future"):
            verify(headers=signed_headers(at=NOW + 31))

    def test_window_is_configurable(self):
        """A wider tolerance admits an older postback."""
        postback = verify(headers=signed_headers(at=NOW - 90), tolerance=120)

        assert postback.id == "tx-1"

    def test_seconds(self):
        """A postback timed in seconds verifies with timestamp_unit="s"."""
        postback = verify(headers=signed_headers(unit="s"), timestamp_unit="s")

        assert postback.id == "tx-1"

    def test_body_that_is_not_json(self):
        """A signed body that is not JSON is a ValidationError."""
        body = b"<html>"

        with pytest.raises(ValidationError) as info:
            verify(body, signed_headers(body))

        assert str(info.value) == "invalid Postback: the body is not JSON"

    def test_body_without_an_id(self):
        """A signed body without an id is a ValidationError naming the field."""
        body = b'{"entity":"user"}'

        with pytest.raises(ValidationError) as info:
            verify(body, signed_headers(body))

        assert (info.value.model, info.value.field) == ("Postback", "id")

    def test_secret_never_in_messages(self):
        """No error message repeats the secret."""
        for headers in (signed_headers(secret="x"), signed_headers(at=0), {}):
            with pytest.raises(SignatureError) as info:
                verify(headers=headers)
            assert SECRET not in str(info.value)


class TestAiohttpHandler:
    async def test_handler_accepts_and_rejects(self):
        """The README's handler answers 204 to a true postback, 401 to a forged one."""
        received = []

        async def postbacks(request):
            try:
                postback = await read_postback(request, SECRET)
            except SignatureError:
                raise web.HTTPUnauthorized from None
            received.append(postback)
            return web.Response(status=204)

        app = web.Application()
        app.router.add_post("/bitcapital/postbacks", postbacks)
        async with TestServer(app) as server, aiohttp.ClientSession() as http:
            url = server.make_url("/bitcapital/postbacks")
            good = RequestSigner(SECRET, base_url=str(server.make_url("/")))
            forged = RequestSigner("guess", base_url=str(server.make_url("/")))

            statuses = []
            for signer in (good, forged):
                headers = signer.headers("POST", "/bitcapital/postbacks", BODY)
                async with http.post(url, data=BODY, headers=headers) as response:
                    statuses.append(response.status)

        assert statuses == [204, 401]
        assert received == [
            Postback(id="tx-1", entity=PostbackEntity.TRANSACTION, status="executed")
        ]
