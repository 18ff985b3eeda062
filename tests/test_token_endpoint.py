"""One exchange with a token endpoint: client auth, the form, reading the answer."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import email.utils
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bitcapital_async import (
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    OAuthError,
    TokenEndpointTimeout,
    TokenEndpointUnreachable,
    TokenManager,
    UnauthorizedClient,
    UnsupportedGrantType,
)
from bitcapital_async._token_endpoint import (
    MAX_BODY_BYTES,
    TokenEndpoint,
    basic_authorization,
    is_retryable,
    parse_retry_after,
)

Answer = Callable[[], web.StreamResponse]

CLIENT_ID = "client"
CLIENT_SECRET = "secret"

TOKEN = {"access_token": "T", "token_type": "bearer", "expires_in": 3600}


def json_answer(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Answer:
    """A scripted answer with a JSON body."""
    return lambda: web.json_response(body, status=status, headers=headers)


def text_answer(
    text: str, status: int, content_type: str, headers: dict[str, str] | None = None
) -> Answer:
    """A scripted answer with a text body of the given content type."""
    return lambda: web.Response(
        text=text, status=status, content_type=content_type, headers=headers
    )


class Endpoint:
    """A token endpoint on loopback that records what it is sent."""

    def __init__(self) -> None:
        self.script: collections.deque[Answer] = collections.deque()
        self.headers: list[dict[str, str]] = []
        self.forms: list[dict[str, str]] = []
        self.hang: asyncio.Event | None = None
        self.url = ""
        self.app = web.Application()
        self.app.router.add_post("/token", self._token)
        self.app.router.add_post("/streamed", self._streamed)

    async def _token(self, request: web.Request) -> web.StreamResponse:
        self.headers.append(dict(request.headers))
        self.forms.append(dict(await request.post()))
        if self.hang is not None:
            await self.hang.wait()
        answer = self.script.popleft() if self.script else json_answer(TOKEN)
        return answer()

    async def _streamed(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_type = "application/json"
        await response.prepare(request)
        for _ in range(MAX_BODY_BYTES // (64 * 1024) + 2):
            await response.write(b" " * 64 * 1024)
        await response.write_eof()
        return response


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    recorder = Endpoint()
    async with TestServer(recorder.app) as server:
        recorder.url = str(server.make_url("/token"))
        yield recorder
        if recorder.hang is not None:
            recorder.hang.set()


@pytest.fixture
async def make_manager(endpoint, clock) -> AsyncIterator[Callable[..., TokenManager]]:
    managers: list[TokenManager] = []

    def make(
        client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET, **options: Any
    ) -> TokenManager:
        options = {"clock": clock, "sleep": clock.sleep, **options}
        manager = TokenManager(endpoint.url, client_id, client_secret, **options)
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        await manager.aclose()


async def failure_of(manager: TokenManager) -> OAuthError:
    """The error ``get_token`` raises."""
    with pytest.raises(OAuthError) as info:
        await manager.get_token()
    return info.value


class TestClientAuthentication:
    """``client_secret_basic`` (encoded or raw) and ``client_secret_post``."""

    @pytest.mark.parametrize(
        ("client_id", "secret", "header"),
        [
            (
                "1PpG/Q 1",
                "z/tZ9VwFZqApmIQ+ZH1I5pLk/uB4ud:X2/8bL+wfFTt1rFw=",
                "Basic MVBwRyUyRlErMTp6JTJGdFo5VndGWnFBcG1JUSUyQlpIMUk1cExrJTJGdUI0dWQlM0FYMiUyRjhiTCUyQndmRlR0MXJGdyUzRA==",  # noqa: E501
            ),
            ("client", "p@ss w%rd+é", "Basic Y2xpZW50OnAlNDBzcyt3JTI1cmQlMkIlQzMlQTk="),
        ],
    )
    async def test_basic_is_form_encoded(
        self, endpoint, make_manager, client_id, secret, header
    ):
        """Case 7: RFC 6749 §2.3.1 form-encodes id and secret before base64."""
        manager = make_manager(client_id, secret)

        await manager.get_token()

        assert endpoint.headers[0]["Authorization"] == header
        assert basic_authorization(client_id, secret, urlencode=True) == header
        assert "client_secret" not in endpoint.forms[0]

    async def test_basic_raw(self, endpoint, make_manager):
        """``urlencode_basic=False`` sends id and secret as they are, in UTF-8."""
        manager = make_manager("client", "p@ss w%rd+é", urlencode_basic=False)

        await manager.get_token()

        assert endpoint.headers[0]["Authorization"] == (
            "Basic Y2xpZW50OnBAc3MgdyVyZCvDqQ=="
        )

    async def test_post(self, endpoint, make_manager):
        """``client_secret_post`` puts id and secret in the form, with no header."""
        manager = make_manager(
            "client", "p@ss w%rd+é", client_auth="client_secret_post"
        )

        await manager.get_token()

        assert "Authorization" not in endpoint.headers[0]
        assert endpoint.forms[0] == {
            "grant_type": "client_credentials",
            "client_id": "client",
            "client_secret": "p@ss w%rd+é",
        }

    def test_unknown_method_is_refused(self):
        """An unknown ``client_auth`` is a ``ValueError`` at construction."""
        with pytest.raises(ValueError, match="unknown client_auth 'private_key_jwt'"):
            TokenManager("http://x/token", "id", "s", client_auth="private_key_jwt")  # type: ignore[arg-type]

    def test_secret_not_in_repr(self):
        """The endpoint's repr shows the client id, not the secret."""
        token_endpoint = TokenEndpoint("http://x/token", "id", "s3cr3t-value")

        assert "s3cr3t-value" not in repr(token_endpoint)
        assert "'id'" in repr(token_endpoint)


class TestForm:
    """The grant, the scope and the extra parameters."""

    async def test_extra_params_on_every_fetch(self, endpoint, make_manager):
        """``audience`` and ``resource`` go on every fetch, identical each time."""
        manager = make_manager(
            scope="users:read",
            extra_params={"audience": "https://api.example", "resource": "urn:x"},
        )

        for _ in range(3):
            await manager.get_token()
            await manager.clear()

        assert (
            endpoint.forms
            == [
                {
                    "audience": "https://api.example",
                    "resource": "urn:x",
                    "grant_type": "client_credentials",
                    "scope": "users:read",
                }
            ]
            * 3
        )

    async def test_extra_params_cannot_change_the_grant(self, endpoint, make_manager):
        """An extra ``grant_type`` does not override the client-credentials grant."""
        manager = make_manager(extra_params={"grant_type": "password"})

        await manager.get_token()

        assert endpoint.forms[0]["grant_type"] == "client_credentials"

    @pytest.mark.parametrize(
        "scope",
        [
            "users:read wallets:read",
            " users:read  wallets:read ",
            ["users:read", "wallets:read"],
            ("users:read", "wallets:read"),
            (s for s in ["users:read", "wallets:read"]),
            {"users:read": 1, "wallets:read": 2}.keys(),
        ],
    )
    async def test_scope_string_or_iterable(self, endpoint, make_manager, scope):
        """A scope string or any iterable of strings is sent space-separated."""
        manager = make_manager(scope=scope)

        credentials = await manager.get_token()

        assert endpoint.forms[0]["scope"] == "users:read wallets:read"
        assert manager.scope == ("users:read", "wallets:read")
        assert credentials.scope == ("users:read", "wallets:read")

    async def test_no_scope_sends_none(self, endpoint, make_manager):
        """Without a scope the form carries no ``scope`` field."""
        manager = make_manager()

        await manager.get_token()

        assert endpoint.forms[0] == {"grant_type": "client_credentials"}


class TestAnswers:
    """Whatever the endpoint answers becomes credentials or a typed ``OAuthError``."""

    @pytest.mark.parametrize(
        ("answer", "expected"),
        [
            (
                text_answer("<html>Bad Gateway</html>", 502, "text/html"),
                (OAuthError, "server_error", 502, True, "text/html; charset=utf-8"),
            ),
            (
                text_answer(
                    "slow down", 429, "text/plain", headers={"Retry-After": "2"}
                ),
                (
                    OAuthError,
                    "too_many_requests",
                    429,
                    True,
                    "text/plain; charset=utf-8",
                ),
            ),
            (
                text_answer("<html><form>Log in</form></html>", 200, "text/html"),
                (
                    OAuthError,
                    "invalid_response",
                    200,
                    False,
                    "text/html; charset=utf-8",
                ),
            ),
            (
                json_answer({"error": "invalid_scope"}),
                (
                    InvalidScope,
                    "invalid_scope",
                    200,
                    False,
                    "application/json; charset=utf-8",
                ),
            ),
        ],
        ids=["502-html", "429-text", "200-login-page", "200-error"],
    )
    async def test_case_11(self, endpoint, make_manager, answer, expected):
        """Case 11: HTML, plain text, a login page and a 200 error are typed errors."""
        endpoint.script.append(answer)
        manager = make_manager(max_attempts=1)

        error = await failure_of(manager)

        got = (type(error), error.error, error.status, error.retryable)
        assert (*got, error.content_type) == expected
        assert not isinstance(error, ValueError)

    async def test_html_error_details(self, endpoint, make_manager):
        """A non-JSON error carries a short snippet of the body."""
        endpoint.script.append(
            text_answer("<html>Bad Gateway</html>", 502, "text/html")
        )
        manager = make_manager(max_attempts=1)

        error = await failure_of(manager)

        assert str(error) == (
            "server_error: expected an OAuth error in JSON, "
            "got text/html; charset=utf-8 (HTTP 502)"
        )
        assert error.body_snippet == "<html>Bad Gateway</html>"

    async def test_plain_text_429_retry_after(self, endpoint, make_manager):
        """A plain-text 429 keeps its ``Retry-After``."""
        endpoint.script.append(
            text_answer("slow down", 429, "text/plain", headers={"Retry-After": "2"})
        )
        manager = make_manager(max_attempts=1)

        error = await failure_of(manager)

        assert error.retry_after == 2.0
        assert error.body_snippet == "slow down"

    async def test_long_html_snippet_is_short_and_redacted(
        self, endpoint, make_manager
    ):
        """The snippet is whitespace-collapsed, redacted and cut at 200 chars."""
        page = "<html>\n  <p>secret-value-9</p>" + "x" * 500 + "</html>"
        endpoint.script.append(text_answer(page, 500, "text/html"))
        manager = make_manager(client_secret="secret-value-9", max_attempts=1)

        error = await failure_of(manager)

        assert error.body_snippet is not None
        assert error.body_snippet.startswith("<html> <p>[REDACTED]</p>xxx")
        assert len(error.body_snippet) == 201
        assert error.body_snippet.endswith("…")

    @pytest.mark.parametrize(
        ("code", "status", "kind"),
        [
            ("invalid_request", 400, InvalidRequest),
            ("invalid_client", 401, InvalidClient),
            ("invalid_grant", 400, InvalidGrant),
            ("unauthorized_client", 400, UnauthorizedClient),
            ("unsupported_grant_type", 400, UnsupportedGrantType),
            ("invalid_scope", 400, InvalidScope),
        ],
    )
    async def test_rfc_6749_errors_are_typed_and_final(
        self, endpoint, make_manager, code, status, kind
    ):
        """Each RFC 6749 §5.2 code has its class and is never retried."""
        endpoint.script.append(
            json_answer(
                {
                    "error": code,
                    "error_description": "no",
                    "error_uri": "https://e/x",
                },
                status=status,
            )
        )
        manager = make_manager()

        error = await failure_of(manager)

        assert type(error) is kind
        assert (error.error, error.description, error.status) == (code, "no", status)
        assert error.error_uri == "https://e/x"
        assert not error.retryable
        assert not is_retryable(error)
        assert len(endpoint.forms) == 1

    @pytest.mark.parametrize(
        ("answer", "code", "retryable"),
        [
            (
                json_answer({"error": "temporarily_unavailable"}, 503),
                "temporarily_unavailable",
                True,
            ),
            (json_answer({"error": "server_error"}, 400), "server_error", True),
            (json_answer({}, 504), "server_error", True),
            (json_answer({}, 408), "request_timeout", True),
            (text_answer("", 401, "text/plain"), "invalid_client", False),
            (text_answer("", 403, "text/plain"), "unauthorized_client", False),
            (text_answer("", 302, "text/plain"), "unexpected_redirect", False),
            (json_answer([1, 2]), "invalid_response", False),
            (
                text_answer("{not json", 200, "application/json"),
                "invalid_response",
                False,
            ),
            (text_answer("oops", 500, "application/json"), "server_error", True),
            (json_answer({"token_type": "bearer"}), "invalid_response", False),
            (json_answer({"access_token": 42}), "invalid_response", False),
        ],
    )
    async def test_other_failures(
        self, endpoint, make_manager, answer, code, retryable
    ):
        """Statuses and shapes without an RFC code get a code of ours."""
        endpoint.script.append(answer)
        manager = make_manager(max_attempts=1)

        error = await failure_of(manager)

        assert (error.error, error.retryable) == (code, retryable)

    async def test_missing_access_token_names_the_fields(self, endpoint, make_manager):
        """A 2xx without ``access_token`` says which fields it had, not their values."""
        endpoint.script.append(json_answer({"token": "abc-secret", "expires_in": 1}))
        manager = make_manager(max_attempts=1)

        error = await failure_of(manager)

        assert str(error) == (
            "invalid_response: the token response has no access_token "
            "(fields: expires_in, token) (HTTP 200)"
        )
        assert error.content_type == "application/json; charset=utf-8"

    async def test_null_error_field_is_no_error(self, endpoint, make_manager):
        """A token response with ``"error": null`` is still a token response."""
        endpoint.script.append(json_answer({**TOKEN, "error": None}))
        manager = make_manager()

        credentials = await manager.get_token()

        assert credentials.access_token == "T"

    async def test_form_encoded_token(self, endpoint, make_manager):
        """A form-encoded token response is read like JSON."""
        endpoint.script.append(
            text_answer(
                "access_token=F&token_type=bearer&expires_in=60&scope=a+b",
                200,
                "application/x-www-form-urlencoded",
            )
        )
        manager = make_manager()

        credentials = await manager.get_token()

        assert (credentials.access_token, credentials.expires_in) == ("F", 60.0)
        assert credentials.scope == ("a", "b")

    async def test_json_with_a_wrong_content_type(self, endpoint, make_manager):
        """A JSON token labelled ``text/plain`` is accepted."""
        endpoint.script.append(
            text_answer('{"access_token": "P", "expires_in": 60}', 200, "text/plain")
        )
        manager = make_manager()

        credentials = await manager.get_token()

        assert credentials.access_token == "P"

    @pytest.mark.parametrize(
        "raw",
        ["1e400", pytest.param("1" + "0" * 400, id="10**400"), "1e12", "31536000000"],
    )
    async def test_absurd_lifetime_clamps(self, endpoint, make_manager, raw):
        """A lifetime too large for a float or a datetime clamps to a year."""
        body = f'{{"access_token": "T", "expires_in": {raw}}}'
        endpoint.script.append(text_answer(body, 200, "application/json"))
        manager = make_manager()

        credentials = await manager.get_token()

        assert credentials.expires_in == 365 * 24 * 3600.0

    async def test_body_of_exactly_the_limit_is_read(self, endpoint, make_manager):
        """A token response of exactly 1 MiB is still read."""
        body = '{"access_token": "T"}'
        padded = body + " " * (MAX_BODY_BYTES - len(body))
        endpoint.script.append(text_answer(padded, 200, "application/json"))
        manager = make_manager()

        credentials = await manager.get_token()

        assert credentials.access_token == "T"

    async def test_declared_body_over_limit_is_refused(self, endpoint, make_manager):
        """A body declared larger than 1 MiB is refused unread."""
        body = '{"access_token": "T"}' + " " * MAX_BODY_BYTES
        endpoint.script.append(text_answer(body, 200, "application/json"))
        manager = make_manager()

        error = await failure_of(manager)

        assert (error.error, error.status, error.retryable) == (
            "invalid_response",
            200,
            False,
        )
        assert str(error) == (
            "invalid_response: the token endpoint's answer is larger than "
            "1048576 bytes (HTTP 200)"
        )

    async def test_streamed_body_over_limit_is_refused(self, endpoint):
        """A chunked body is cut off once it passes 1 MiB."""
        token_endpoint = TokenEndpoint(
            endpoint.url.replace("/token", "/streamed"), "client", "secret"
        )

        async with aiohttp.ClientSession() as session:
            with pytest.raises(OAuthError, match="larger than 1048576 bytes"):
                await token_endpoint.post(session, {}, timeout=5)


class TestRetryAfter:
    """``Retry-After`` as delta-seconds or HTTP-date, capped."""

    @pytest.mark.parametrize(
        ("value", "seconds"),
        [
            ("2", 2.0),
            (" 7 ", 7.0),
            ("0", 0.0),
            ("3600", 60.0),
            ("", None),
            (None, None),
            ("soon", None),
            ("-5", None),
            ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
            ("Wed, 21 Oct 2015 07:28:00 -0000", 0.0),
            ("Fri, 31 Dec 9999 23:59:59 GMT", 60.0),
        ],
    )
    def test_values(self, value, seconds):
        """Seconds, dates in the past or far future, and garbage."""
        assert parse_retry_after(value, cap=60) == seconds

    def test_http_date(self):
        """An HTTP-date ten seconds ahead means about ten seconds."""
        when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)

        seconds = parse_retry_after(
            email.utils.format_datetime(when, usegmt=True), cap=60
        )

        assert seconds is not None
        assert 8 < seconds <= 10

    async def test_http_date_is_honoured(self, endpoint, make_manager, clock):
        """The manager waits until the HTTP-date before asking again."""
        when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
        date = email.utils.format_datetime(when, usegmt=True)
        endpoint.script.append(json_answer({}, 503, headers={"Retry-After": date}))
        manager = make_manager()

        await manager.get_token()

        assert len(endpoint.forms) == 2
        assert 3 < clock.slept[0] <= 5


class TestTransport:
    """No HTTP answer at all: refused connections and timeouts."""

    async def test_connection_refused(self, clock):
        """A closed port is ``TokenEndpointUnreachable``, retryable, unchained."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        manager = TokenManager(
            f"http://127.0.0.1:{port}/token",
            "client",
            "secret",
            max_attempts=2,
            clock=clock,
            sleep=clock.sleep,
        )

        async with manager:
            error = await failure_of(manager)

        assert type(error) is TokenEndpointUnreachable
        assert error.retryable
        assert str(error).startswith("unreachable: cannot reach the token endpoint: ")
        assert error.__cause__ is None
        assert error.__suppress_context__
        assert manager.stats.fetches == 2

    async def test_post_timeout(self, endpoint):
        """No answer in time is a ``TokenEndpointTimeout``, also a ``TimeoutError``."""
        endpoint.hang = asyncio.Event()
        token_endpoint = TokenEndpoint(endpoint.url, "client", "secret")

        async with aiohttp.ClientSession() as session:
            with pytest.raises(TimeoutError) as info:
                await token_endpoint.post(session, {}, timeout=0.05)

        assert isinstance(info.value, TokenEndpointTimeout)
        assert isinstance(info.value, OAuthError)
        assert info.value.error == "timeout"
        assert info.value.__cause__ is None
