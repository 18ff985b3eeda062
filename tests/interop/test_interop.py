"""TokenManager and BearerAuth against oidc-provider, a server we did not write."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bitcapital_async import (
    BearerAuth,
    DiscoveryError,
    InvalidClient,
    InvalidScope,
    TokenManager,
)


async def manager_for(server, client, **options) -> TokenManager:
    return await TokenManager.from_discovery(
        server.issuer, client.client_id, client.client_secret, **options
    )


class TestClientAuthentication:
    async def test_basic_with_reserved_characters(self, oidc_server, introspect):
        """client_secret_basic with / + : % @ and a space works with §2.3.1 encoding."""
        async with await manager_for(oidc_server, oidc_server.basic_client) as tm:
            token = await tm.get_token()

        info = await introspect(token.access_token)
        assert info["active"] is True
        assert info["client_id"] == "basic-client"
        assert token.expires_in == oidc_server.token_ttl

    async def test_client_secret_post(self, oidc_server, introspect):
        """client_secret_post puts the id and secret in the form and works."""
        async with await manager_for(
            oidc_server, oidc_server.post_client, client_auth="client_secret_post"
        ) as tm:
            token = await tm.get_token()

        info = await introspect(token.access_token)
        assert info["active"] is True
        assert info["client_id"] == "post-client"

    async def test_requested_scope_is_granted(self, oidc_server, introspect):
        """A scope the client may have is requested and granted."""
        async with await manager_for(
            oidc_server, oidc_server.scoped_client, scope=["read"]
        ) as tm:
            token = await tm.get_token()

        info = await introspect(token.access_token)
        assert token.scope == ("read",)
        assert info["scope"] == "read"

    async def test_forbidden_scope_is_invalid_scope(self, oidc_server):
        """A scope the client may not have raises InvalidScope, without retries."""
        async with await manager_for(
            oidc_server, oidc_server.scoped_client, scope="write"
        ) as tm:
            with pytest.raises(InvalidScope) as info:
                await tm.get_token()

            assert tm.stats.fetches == 1
        assert info.value.error == "invalid_scope"
        assert info.value.status == 400

    async def test_wrong_secret_is_invalid_client(self, oidc_server):
        """A wrong secret raises InvalidClient, without retries."""
        async with TokenManager(
            oidc_server.token_endpoint, "basic-client", "not the secret"
        ) as tm:
            with pytest.raises(InvalidClient) as info:
                await tm.get_token()

            assert tm.stats.fetches == 1
        assert info.value.status == 401
        assert "not the secret" not in str(info.value)


class TestDiscovery:
    async def test_metadata_gives_endpoints(self, oidc_server):
        """from_discovery finds the token and revocation endpoints."""
        tm = await manager_for(oidc_server, oidc_server.basic_client)

        assert tm.token_url == oidc_server.token_endpoint
        assert tm.revocation_url == oidc_server.revocation_endpoint

    async def test_foreign_issuer_is_refused(self, oidc_server):
        """Metadata whose issuer differs from the one asked for is refused."""
        with pytest.raises(DiscoveryError, match="expected"):
            await TokenManager.from_discovery(
                oidc_server.issuer + "/", "basic-client", "x"
            )


class TestRevocation:
    async def test_revoke_then_fetch_anew(self, oidc_server, introspect):
        """After revoke(), the server says inactive and get_token fetches a new one."""
        async with await manager_for(oidc_server, oidc_server.basic_client) as tm:
            first = await tm.get_token()

            await tm.revoke()
            second = await tm.get_token()

        assert (await introspect(first.access_token))["active"] is False
        assert (await introspect(second.access_token))["active"] is True
        assert first.access_token != second.access_token
        assert tm.stats.fetches == 2


@pytest.mark.slow
class TestAcrossLifetimes:
    async def test_resource_server_sees_no_401(self, oidc_server):
        """Over more than two lifetimes, every request's token is active when used."""
        async with await manager_for(oidc_server, oidc_server.basic_client) as tm:
            auth = BearerAuth(tm, base_url=oidc_server.resource_url)
            statuses: list[int] = []
            deadline = time.monotonic() + oidc_server.token_ttl * 2.2

            async with aiohttp.ClientSession(middlewares=[auth]) as http:

                async def worker() -> None:
                    while time.monotonic() < deadline:
                        async with http.get(oidc_server.resource_url) as response:
                            statuses.append(response.status)
                        await asyncio.sleep(0.05)

                await asyncio.gather(*(worker() for _ in range(5)))

        assert statuses
        assert set(statuses) == {200}
        assert tm.stats.invalidations == 0
        assert tm.stats.refreshes >= 3
        assert tm.stats.waited == 5
