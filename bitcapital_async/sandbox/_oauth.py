"""The sandbox's authorization server: clients, users, tokens and the OAuth routes."""

from __future__ import annotations

import base64
import binascii
import secrets
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
from aiohttp import web

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "IssuedToken",
    "OAuthServer",
    "SandboxClient",
    "SandboxCounters",
    "SandboxUser",
    "api_error",
]

DEMO_CLIENT_ID: Final = "demo-client"
# Not secrets: the sandbox is local and the demo prints them.
DEMO_CLIENT_SECRET: Final = "demo-secret"  # noqa: S105
DEMO_USERNAME: Final = "ana@sandbox.invalid"
DEMO_PASSWORD: Final = "demo-password"  # noqa: S105

DEFAULT_SCOPES: Final = ("users:read", "wallets:read", "payments:read")


@attrs.frozen(kw_only=True)
class SandboxClient:
    """An OAuth 2.0 client the sandbox knows, with the virtual user it acts as."""

    client_id: str
    client_secret: str = attrs.field(repr=False)
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    user_id: str = attrs.field(factory=lambda: str(uuid.uuid4()))
    name: str = "Sandbox Mediator"
    email: str = "mediator@sandbox.invalid"
    # A virtual client's tokens carry no real user; others are users themselves.
    virtual: bool = True


@attrs.frozen(kw_only=True)
class SandboxUser:
    """An end user who logs in with the password grant."""

    username: str
    password: str = attrs.field(repr=False)
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    user_id: str = attrs.field(factory=lambda: str(uuid.uuid4()))
    name: str = "Ana Lima"
    role: str = "consumer"


@attrs.frozen
class IssuedToken:
    """A token the sandbox handed out, with its monotonic issue and expiry times."""

    access_token: str = attrs.field(repr=False)
    client_id: str
    issued_at: float
    expires_at: float
    grant_type: str = "client_credentials"


@attrs.define
class SandboxCounters:
    """What the sandbox served, for tests and the demo's summary.

    Attributes:
        token_requests: POSTs to ``/oauth/token``, whatever the answer.
        tokens_issued: Tokens handed out.
        grants: Tokens handed out per grant type.
        api_requests: Requests to API endpoints (not the token endpoint).
        users_me: Requests to ``GET /users/me``.
        unauthorized: 401 answers on API endpoints.
        expired_tokens: API requests that arrived with an expired token.
        revoked_tokens: API requests that arrived with a revoked token.
        revocations: Calls to ``/oauth/revoke``.
    """

    token_requests: int = 0
    tokens_issued: int = 0
    grants: dict[str, int] = attrs.field(factory=dict)
    api_requests: int = 0
    users_me: int = 0
    unauthorized: int = 0
    expired_tokens: int = 0
    revoked_tokens: int = 0
    revocations: int = 0


@attrs.define
class Grant:
    """What a valid bearer token stands for, as API handlers see it."""

    client: SandboxClient
    expires_at: float
    scopes: tuple[str, ...]
    user: SandboxUser | None = None
    revoked: bool = False


@attrs.define
class _RefreshToken:
    client: SandboxClient
    user: SandboxUser
    scopes: tuple[str, ...]
    revoked: bool = False


class OAuthServer:
    """Issues, checks and revokes tokens; serves ``/oauth/token`` and ``/oauth/revoke``.

    Attributes:
        rotate_refresh_tokens: Each refresh issues a new refresh token and retires
            the old one.
        omit_refresh_token_on_refresh: Answer refreshes without a refresh token,
            as some servers do; the old one then stays valid.
    """

    def __init__(
        self,
        clients: list[SandboxClient],
        users: list[SandboxUser],
        counters: SandboxCounters,
        clock: Callable[[], float],
        token_lifetime: Callable[[], float],
    ) -> None:
        self.clients = {client.client_id: client for client in clients}
        self.users = {user.username: user for user in users}
        self.counters = counters
        self.rotate_refresh_tokens = True
        self.omit_refresh_token_on_refresh = False
        self.issued: list[IssuedToken] = []
        self._clock = clock
        self._lifetime = token_lifetime
        self._grants: dict[str, Grant] = {}
        self._refresh_tokens: dict[str, _RefreshToken] = {}

    def grant_for(self, access_token: str) -> Grant | None:
        """The grant behind an access token, valid or not."""
        return self._grants.get(access_token)

    def revoke_token(self, token: str) -> None:
        """Revoke an access or refresh token, as an operator would."""
        if token in self._grants:
            self._grants[token].revoked = True
        if token in self._refresh_tokens:
            self._refresh_tokens[token].revoked = True

    def revoke_user(self, username: str) -> None:
        """Revoke every refresh token of a user, so their session cannot be renewed."""
        for refresh in self._refresh_tokens.values():
            if refresh.user.username == username:
                refresh.revoked = True

    def is_valid(self, access_token: str) -> bool:
        """Whether an access token would be accepted now."""
        grant = self._grants.get(access_token)
        return (
            grant is not None and not grant.revoked and self._clock() < grant.expires_at
        )

    # -- routes -------------------------------------------------------------------

    async def token(self, request: web.Request) -> web.Response:
        """``POST /oauth/token``: client-credentials, password and refresh grants."""
        client = self._authenticate_client(request.headers.get("Authorization", ""))
        if client is None:
            return oauth_error(401, "invalid_client", "client authentication failed")

        form = await request.post()
        grant_type = str(form.get("grant_type") or "")
        if grant_type == "client_credentials":
            return self._client_credentials(client, form)
        if grant_type == "password":
            return self._password(client, form)
        if grant_type == "refresh_token":
            return self._refresh(client, form)
        return oauth_error(
            400, "unsupported_grant_type", f"grant type {grant_type!r} is not supported"
        )

    async def revoke(self, request: web.Request) -> web.Response:
        """``POST /oauth/revoke``, by ``accessToken`` or RFC 7009 ``token``."""
        client = self._authenticate_client(request.headers.get("Authorization", ""))
        if client is None:
            return oauth_error(401, "invalid_client", "client authentication failed")

        form = await request.post()
        for field in ("accessToken", "token"):
            value = str(form.get(field) or "")
            grant = self._grants.get(value) or self._refresh_tokens.get(value)
            if grant is not None and grant.client is client:
                grant.revoked = True
        return web.json_response({"revoked": True})

    # -- grants -------------------------------------------------------------------

    def _client_credentials(
        self, client: SandboxClient, form: Mapping[str, Any]
    ) -> web.Response:
        scopes = _requested(form)
        if any(scope not in client.scopes for scope in scopes):
            return oauth_error(400, "invalid_scope", "a requested scope is not allowed")
        return self._issue(client, None, scopes or client.scopes, "client_credentials")

    def _password(self, client: SandboxClient, form: Mapping[str, Any]) -> web.Response:
        user = self.users.get(str(form.get("username") or ""))
        password = str(form.get("password") or "")
        if user is None or not secrets.compare_digest(
            user.password.encode(), password.encode()
        ):
            return oauth_error(400, "invalid_grant", "invalid username or password")

        scopes = _requested(form)
        if any(scope not in user.scopes for scope in scopes):
            return oauth_error(400, "invalid_scope", "a requested scope is not allowed")
        return self._issue(client, user, scopes or user.scopes, "password")

    def _refresh(self, client: SandboxClient, form: Mapping[str, Any]) -> web.Response:
        value = str(form.get("refresh_token") or "")
        refresh = self._refresh_tokens.get(value)
        if refresh is None or refresh.revoked or refresh.client is not client:
            return oauth_error(400, "invalid_grant", "the refresh token is not valid")

        keep = self.omit_refresh_token_on_refresh or not self.rotate_refresh_tokens
        if not keep:
            refresh.revoked = True
        return self._issue(
            client,
            refresh.user,
            refresh.scopes,
            "refresh_token",
            with_refresh_token=not self.omit_refresh_token_on_refresh,
        )

    def _issue(
        self,
        client: SandboxClient,
        user: SandboxUser | None,
        scopes: tuple[str, ...],
        grant_type: str,
        *,
        with_refresh_token: bool = True,
    ) -> web.Response:
        now = self._clock()
        lifetime = self._lifetime()
        access_token = secrets.token_urlsafe(32)
        self._grants[access_token] = Grant(client, now + lifetime, scopes, user)
        self.issued.append(
            IssuedToken(access_token, client.client_id, now, now + lifetime, grant_type)
        )
        self.counters.tokens_issued += 1
        self.counters.grants[grant_type] = self.counters.grants.get(grant_type, 0) + 1

        body: dict[str, Any] = {
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": lifetime,
            "user_id": user.user_id if user else client.user_id,
            "virtual": user is None and client.virtual,
            "scope": list(scopes),
        }
        if user is not None and with_refresh_token:
            refresh_token = secrets.token_urlsafe(32)
            self._refresh_tokens[refresh_token] = _RefreshToken(client, user, scopes)
            body["refresh_token"] = refresh_token
        return web.json_response(body, headers={"Cache-Control": "no-store"})

    def _authenticate_client(self, header: str) -> SandboxClient | None:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None

        # Bitcapital's SDKs send id and secret raw; RFC 6749 §2.3.1 clients
        # form-encode them first. Accept either, as a lenient server would.
        client_id, _, client_secret = decoded.partition(":")
        for candidate_id, candidate_secret in (
            (client_id, client_secret),
            (
                urllib.parse.unquote_plus(client_id),
                urllib.parse.unquote_plus(client_secret),
            ),
        ):
            client = self.clients.get(candidate_id)
            if client is not None and secrets.compare_digest(
                client.client_secret.encode(), candidate_secret.encode()
            ):
                return client
        return None


def api_error(
    status: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    details: Any = None,
) -> web.Response:
    """An error in the shape Bitcapital's ts-framework server sends."""
    stack_id = str(uuid.uuid4())
    body: dict[str, Any] = {
        "status": status,
        "message": f"[{status}] {message} (stackId: {stack_id})",
        "stackId": stack_id,
    }
    if details is not None:
        body["details"] = details
    return web.json_response(body, status=status, headers=headers)


def oauth_error(status: int, error: str, description: str) -> web.Response:
    """An RFC 6749 §5.2 error response."""
    return web.json_response(
        {"error": error, "error_description": description}, status=status
    )


def _requested(form: Mapping[str, Any]) -> tuple[str, ...]:
    # Bitcapital's SDK joins scopes with commas; RFC 6749 §3.3 with spaces.
    return tuple(str(form.get("scope") or "").replace(",", " ").split())
