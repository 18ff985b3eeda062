"""Smoke tests for the interop server itself, using plain aiohttp (no SDK code).

If these fail, the interop suite's environment is broken, not the SDK.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

import aiohttp
import pytest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=10)
    ) as session:
        yield session


def _basic(client_id: str, secret: str) -> str:
    # Written out here rather than imported so the smoke test documents the exact
    # RFC 6749 §2.3.1 encoding: form-urlencode each part, join with ':', base64.
    pair = f"{quote_plus(client_id, safe='')}:{quote_plus(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


async def _token(
    http: aiohttp.ClientSession,
    server: Any,
    client: Any,
    scope: str | None = None,
    *,
    method: str | None = None,
) -> tuple[int, dict[str, Any], Mapping[str, str]]:
    """POST the token endpoint; ``method`` overrides the registered auth method."""
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    headers = {"Accept": "application/json"}
    if (method or client.auth_method) == "client_secret_post":
        data.update(client_id=client.client_id, client_secret=client.client_secret)
    else:
        headers["Authorization"] = _basic(client.client_id, client.client_secret)
    async with http.post(server.token_endpoint, data=data, headers=headers) as resp:
        return resp.status, json.loads(await resp.text()), resp.headers


async def _fresh_token(
    http: aiohttp.ClientSession, server: Any, scope: str | None = None
) -> str:
    status, body, _ = await _token(http, server, server.basic_client, scope)
    assert status == 200, body
    token: str = body["access_token"]
    return token


async def _resource(
    http: aiohttp.ClientSession, server: Any, token: str | None, query: str = ""
) -> tuple[int, dict[str, Any], str | None]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with http.get(server.resource_url + query, headers=headers) as resp:
        return resp.status, await resp.json(), resp.headers.get("WWW-Authenticate")


async def test_discovery(http: aiohttp.ClientSession, oidc_server: Any) -> None:
    async with http.get(oidc_server.discovery_url) as resp:
        assert resp.status == 200
        meta = await resp.json()
    assert meta["issuer"] == oidc_server.issuer
    assert oidc_server.issuer.startswith("http://127.0.0.1:")
    for key in ("token_endpoint", "revocation_endpoint", "introspection_endpoint"):
        assert meta[key].startswith(oidc_server.issuer + "/"), key
    assert meta["token_endpoint"] == oidc_server.token_endpoint
    assert "client_credentials" in meta["grant_types_supported"]
    assert {"client_secret_basic", "client_secret_post"} <= set(
        meta["token_endpoint_auth_methods_supported"]
    )
    assert {"read", "write"} <= set(meta["scopes_supported"])


async def test_basic_client_gets_token(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    status, body, headers = await _token(
        http, oidc_server, oidc_server.basic_client, "read"
    )
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == oidc_server.token_ttl  # an int, equal to TOKEN_TTL
    assert body["scope"] == "read"
    assert isinstance(body["access_token"], str)
    assert body["access_token"]
    assert "refresh_token" not in body
    assert headers["Cache-Control"] == "no-store"


async def test_scope_omitted_when_none_requested(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    status, body, _ = await _token(http, oidc_server, oidc_server.basic_client)
    assert status == 200, body
    assert "scope" not in body


async def test_unknown_scopes_are_dropped(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    # oidc-provider grants the known subset instead of answering invalid_scope.
    status, body, _ = await _token(
        http, oidc_server, oidc_server.basic_client, "read admin"
    )
    assert status == 200, body
    assert body["scope"] == "read"


async def test_unencoded_basic_credentials_are_rejected(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    # RFC 7617-style raw "id:secret" (no form encoding): the '%@' in the secret is not
    # valid percent-encoding, so the server cannot decode it.
    client = oidc_server.basic_client
    raw = base64.b64encode(
        f"{client.client_id}:{client.client_secret}".encode()
    ).decode()
    async with http.post(
        oidc_server.token_endpoint,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {raw}"},
    ) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"] == "invalid_request"


async def test_post_client_gets_token(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    status, body, _ = await _token(
        http, oidc_server, oidc_server.post_client, "read write"
    )
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    assert set(body["scope"].split()) == {"read", "write"}


@pytest.mark.parametrize(
    ("client_attr", "wrong_method"),
    [("basic_client", "client_secret_post"), ("post_client", "client_secret_basic")],
)
async def test_registered_auth_method_is_enforced(
    http: aiohttp.ClientSession, oidc_server: Any, client_attr: str, wrong_method: str
) -> None:
    client = getattr(oidc_server, client_attr)
    status, body, _ = await _token(http, oidc_server, client, method=wrong_method)
    assert status == 401, body
    assert body["error"] == "invalid_client"


async def test_scoped_client(http: aiohttp.ClientSession, oidc_server: Any) -> None:
    client = oidc_server.scoped_client
    status, body, _ = await _token(http, oidc_server, client, "write")
    assert status == 400, body
    assert body["error"] == "invalid_scope"

    status, body, _ = await _token(http, oidc_server, client, "read")
    assert status == 200, body
    assert body["scope"] == "read"


async def test_wrong_secret_is_invalid_client(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    async with http.post(
        oidc_server.token_endpoint,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": _basic(oidc_server.basic_client.client_id, "wrong")},
    ) as resp:
        assert resp.status == 401
        assert (await resp.json())["error"] == "invalid_client"
        assert resp.headers["WWW-Authenticate"].startswith("Basic ")


async def test_introspection_of_fresh_token(
    http: aiohttp.ClientSession, oidc_server: Any, introspect: Any
) -> None:
    token = await _fresh_token(http, oidc_server, "read")
    info = await introspect(token)
    assert info["active"] is True
    assert info["client_id"] == "basic-client"
    assert info["scope"] == "read"
    assert info["token_type"] == "Bearer"
    assert info["iss"] == oidc_server.issuer
    assert info["exp"] - info["iat"] == oidc_server.token_ttl


async def test_introspection_is_restricted(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    token = await _fresh_token(http, oidc_server)
    # Another (non resource-server) client learns nothing about someone else's token.
    info = await oidc_server.introspect(token, as_client=oidc_server.scoped_client)
    assert info == {"active": False}


async def test_resource_accepts_valid_token(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    token = await _fresh_token(http, oidc_server, "read")
    status, body, _ = await _resource(http, oidc_server, token)
    assert status == 200
    assert body["ok"] is True
    assert body["client_id"] == "basic-client"

    status, body, challenge = await _resource(http, oidc_server, token, "?scope=write")
    assert status == 403
    assert challenge is not None
    assert 'error="insufficient_scope"' in challenge


async def test_resource_without_token(
    http: aiohttp.ClientSession, oidc_server: Any
) -> None:
    status, _, challenge = await _resource(http, oidc_server, None)
    assert status == 401
    assert challenge is not None
    assert challenge.startswith("Bearer")
    assert "error=" not in challenge  # RFC 6750 §3.1: no error code without credentials


async def test_revocation(
    http: aiohttp.ClientSession, oidc_server: Any, introspect: Any
) -> None:
    token = await _fresh_token(http, oidc_server)
    assert (await introspect(token))["active"] is True

    client = oidc_server.basic_client
    async with http.post(
        oidc_server.revocation_endpoint,
        data={"token": token, "token_type_hint": "access_token"},
        headers={"Authorization": _basic(client.client_id, client.client_secret)},
    ) as resp:
        assert resp.status == 200
        assert await resp.read() == b""

    assert await introspect(token) == {"active": False}
    status, body, challenge = await _resource(http, oidc_server, token)
    assert status == 401
    assert body == {"error": "invalid_token"}
    assert challenge is not None
    assert 'error="invalid_token"' in challenge


async def test_post_client_revocation_helper(
    http: aiohttp.ClientSession, oidc_server: Any, introspect: Any
) -> None:
    status, body, _ = await _token(http, oidc_server, oidc_server.post_client)
    assert status == 200, body
    assert (
        await oidc_server.revoke(body["access_token"], oidc_server.post_client) == 200
    )
    assert (await introspect(body["access_token"]))["active"] is False


@pytest.mark.slow
async def test_token_expires_after_ttl(
    http: aiohttp.ClientSession, oidc_server: Any, introspect: Any
) -> None:
    token = await _fresh_token(http, oidc_server)
    assert (await _resource(http, oidc_server, token))[0] == 200
    await asyncio.sleep(oidc_server.token_ttl + 1.1)  # exp has 1 s granularity
    assert (await introspect(token))["active"] is False
    status, _, challenge = await _resource(http, oidc_server, token)
    assert status == 401
    assert challenge is not None
    assert 'error="invalid_token"' in challenge
