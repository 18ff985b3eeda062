"""The sandbox's Bitcapital API: routing, bearer and scope checks, signatures, pages.

Every resource route passes the same guard, in this order: a valid bearer
token (else 401), the route's scope (else 403, see
``SandboxAPI.insufficient_scope_status``), a valid request signature on the
routes Bitcapital signs (else 401), then a JSON body that parses (else 400).
Errors have ts-framework's shape (``api_error``).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, Final

import attrs
from aiohttp import web

from bitcapital_async._signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TimestampUnit,
    format_timestamp,
    sign,
    signature_message,
)

from ._api_money import MoneyRoutes
from ._api_people import PeopleRoutes
from ._ledger import Ledger
from ._oauth import api_error
from ._spending import Spending
from ._state import Directory, SandboxError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from ._oauth import Grant
    from ._server import Sandbox

__all__ = [
    "ALL_SCOPES",
    "Call",
    "SandboxAPI",
    "SignedRequest",
    "mount_api",
]

ALL_SCOPES: Final = (
    "assets:read",
    "assets:write",
    "assets:emit",
    "assets:destroy",
    "assets:delete",
    "domains:read",
    "domains:metrics",
    "domains:write",
    "domains:delete",
    "users:read",
    "users:documents:read",
    "users:secret_tokens:read",
    "users:write",
    "users:documents:write",
    "users:secret_tokens:write",
    "users:delete",
    "payments:read",
    "payments:write",
    "transactions:read",
    "transactions:write",
    "wallets:read",
    "wallets:write",
    "wallets:delete",
    "phone_credit:providers:read",
    "phone_credit:order:create",
    "phone_credit:order:complete",
)
"""Every scope Bitcapital defines; give a ``SandboxClient`` these to reach it all."""

# The developer hub: a request's timestamp must be within 30 s of the server's.
DEFAULT_SIGNATURE_WINDOW: Final = 30.0

# The JavaScript SDK's page size; the platform's own default is not documented.
DEFAULT_LIMIT: Final = 25


@attrs.frozen
class SignedRequest:
    """A request that reached a signed route, with the signature it carried.

    Recorded before any check, so that a request refused for its token is
    seen too.
    """

    method: str
    path: str
    timestamp: str | None
    signature: str | None
    body: bytes = attrs.field(repr=False)


@attrs.frozen
class Call:
    """What a resource handler gets: the request, who sent it, and its body."""

    request: web.Request
    grant: Grant
    body: dict[str, Any]

    def arg(self, name: str) -> str:
        """A path parameter."""
        return self.request.match_info[name]


class SandboxAPI:
    """The resource endpoints of the sandbox, and the state behind them.

    Attributes:
        people: Users, consumers, their records, domains and products.
        ledger: Wallets, assets, balances and transactions.
        spending: Cards, boletos and phone top-ups.
        signed_requests: Every request to a signed route, in order.
        insufficient_scope_status: 403 (default, RFC 6750 §3.1) or 401 (what
            the developer hub says the platform answers) for a missing scope.
        timestamp_unit: The unit signatures' timestamps are read in.
        signature_window: How many seconds a signature's timestamp may be off.
        default_limit: The page size when a request names none.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self.people = Directory()
        self.ledger = Ledger(self.people, self._seed_principals())
        for consumer in self.people.users_by_role("consumer"):
            self.ledger.create_wallet({"user": consumer["id"]})
        self.spending = Spending(self.ledger)
        self.signed_requests: list[SignedRequest] = []
        self.insufficient_scope_status = 403
        self.timestamp_unit: TimestampUnit = "ms"
        self.signature_window = DEFAULT_SIGNATURE_WINDOW
        self.default_limit = DEFAULT_LIMIT

    def mount(self, app: web.Application) -> None:
        """Add every resource route to the app, and a JSON 404 for the rest."""
        for routes in (PeopleRoutes(self), MoneyRoutes(self)):
            for method, path, scope, signed, handler in routes.table():
                app.router.add_route(
                    method, path, self._guarded(handler, scope, signed)
                )
        app.router.add_route("*", "/{tail:.*}", _not_found)

    def page(
        self,
        call: Call,
        items: Iterable[dict[str, Any]],
        render: Callable[[dict[str, Any]], Any] | None = None,
    ) -> web.Response:
        """Answer one page of a collection, with the ``X-Data-*`` headers."""
        skip = _query_int(call.request, "skip", 0, minimum=0)
        limit = _query_int(call.request, "limit", self.default_limit, minimum=1)
        everything = list(items)
        chosen = everything[skip : skip + limit]
        return web.json_response(
            [render(item) if render else item for item in chosen],
            headers={
                "X-Data-Length": str(len(everything)),
                "X-Data-Skip": str(skip),
                "X-Data-Limit": str(limit),
            },
        )

    def _guarded(
        self,
        handler: Callable[[Call], Awaitable[web.StreamResponse]],
        scope: str | None,
        signed: bool,
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def guarded(request: web.Request) -> web.StreamResponse:
            raw = await request.read()
            if signed:
                self._remember(request, raw)

            grant = self._sandbox.authorize(request)
            if isinstance(grant, web.Response):
                return grant
            if scope is not None and scope not in grant.scopes:
                return self._insufficient_scope(scope)
            headers = request.headers
            if signed or SIGNATURE_HEADER in headers or TIMESTAMP_HEADER in headers:
                refusal = self._check_signature(request, grant, raw)
                if refusal is not None:
                    return refusal

            try:
                return await handler(Call(request, grant, _json_body(request, raw)))
            except SandboxError as exc:
                return api_error(exc.status, exc.message, details=exc.details)

        return guarded

    def _remember(self, request: web.Request, raw: bytes) -> None:
        self.signed_requests.append(
            SignedRequest(
                request.method,
                request.rel_url.raw_path,
                request.headers.get(TIMESTAMP_HEADER),
                request.headers.get(SIGNATURE_HEADER),
                raw,
            )
        )

    def _check_signature(
        self, request: web.Request, grant: Grant, raw: bytes
    ) -> web.Response | None:
        stamp = request.headers.get(TIMESTAMP_HEADER, "")
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not stamp.isdigit() or not given:
            return self._bad_signature("missing request signature")

        now = int(format_timestamp(time.time(), self.timestamp_unit))
        unit = int(format_timestamp(1, self.timestamp_unit))
        if abs(now - int(stamp)) > self.signature_window * unit:
            return self._bad_signature("request timestamp outside the window")

        message = signature_message(
            request.method, request.rel_url.raw_path, stamp, raw
        )
        if sign(grant.client.client_secret, message) != given.lower():
            return self._bad_signature("invalid request signature")
        return None

    def _bad_signature(self, reason: str) -> web.Response:
        self._sandbox.counters.unauthorized += 1
        return api_error(401, f"Unauthorized: {reason}")

    def _insufficient_scope(self, scope: str) -> web.Response:
        if self.insufficient_scope_status == 401:
            self._sandbox.counters.unauthorized += 1
        return api_error(
            self.insufficient_scope_status,
            f"Forbidden: the token lacks the scope {scope}",
            # RFC 6750 §3.1 names the error and the scope that was missing.
            headers={"WWW-Authenticate": _insufficient_scope_challenge(scope)},
            details={"scope": scope},
        )

    def _seed_principals(self) -> str:
        # The OAuth clients act as mediators and the password users as consumers,
        # so that /users/:id and wallets work for whoever holds a token.
        clients = list(self._sandbox.clients.values())
        for client in clients:
            first, _, last = client.name.partition(" ")
            taken = any(u["email"] == client.email for u in self.people.users.values())
            email = (
                f"{client.client_id}@clients.sandbox.invalid" if taken else client.email
            )
            self.people.add_user(
                {"email": email, "firstName": first, "lastName": last},
                "mediator",
                user_id=client.user_id,
            )
        for user in self._sandbox.users.values():
            first, _, last = user.name.partition(" ")
            data = {
                "email": user.username,
                "password": user.password,
                "firstName": first,
                "lastName": last,
            }
            if user.role == "consumer":
                self.people.create_consumer(data, user_id=user.user_id)
            else:
                self.people.add_user(data, user.role, user_id=user.user_id)
        return clients[0].user_id


def mount_api(sandbox: Sandbox, app: web.Application) -> SandboxAPI:
    """Serve the Bitcapital resource endpoints from ``app``, backed by fresh state."""
    api = SandboxAPI(sandbox)
    api.mount(app)
    return api


async def _not_found(request: web.Request) -> web.Response:
    return api_error(
        404,
        f"The resource was not found: {request.method} {request.path}",
        details={"method": request.method, "originalUrl": request.path_qs},
    )


def _json_body(request: web.Request, raw: bytes) -> dict[str, Any]:
    if not raw or request.content_type != "application/json":
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise SandboxError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise SandboxError(400, "the body must be a JSON object")
    return data


def _query_int(request: web.Request, name: str, default: int, *, minimum: int) -> int:
    value = request.query.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) < minimum:
        raise SandboxError(400, f"{name} must be an integer of at least {minimum}")
    return int(value)


def _insufficient_scope_challenge(scope: str) -> str:
    return f'Bearer error="insufficient_scope", scope="{scope}"'
