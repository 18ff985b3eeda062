"""User sessions: password login, refresh-token renewal, session end, events."""

from __future__ import annotations

import asyncio
import time

import pytest

from bitcapital_async import (
    APIError,
    Bitcapital,
    InvalidGrant,
    InvalidScope,
    SessionExpired,
)
from bitcapital_async._grants import (
    ClientCredentialsGrant,
    EndedGrant,
    RefreshTokenGrant,
)
from bitcapital_async.models import SecretTokenResource
from bitcapital_async.sandbox import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    Sandbox,
    SandboxClient,
)


@pytest.fixture
async def short_sandbox():
    async with Sandbox(token_lifetime=0.6) as running:
        yield running


def make_client(sandbox: Sandbox, **options) -> Bitcapital:
    return Bitcapital(sandbox.url, sandbox.client_id, sandbox.client_secret, **options)


class TestPasswordLogin:
    async def test_login_loads_the_user_once(self, sandbox):
        """password() gets a token with the password grant, then GET /users/me."""
        async with make_client(sandbox) as client:
            user = await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)

            credentials = client.session.credentials
            assert user.email == DEMO_USERNAME
            assert user.id == sandbox.users[DEMO_USERNAME].user_id
            assert client.session.current is user
            assert credentials is not None
            assert credentials.refresh_token is not None
            assert credentials.virtual is False
        assert sandbox.counters.grants == {"password": 1}
        assert sandbox.counters.users_me == 1

    async def test_password_is_not_kept(self, sandbox):
        """After login the manager renews with the refresh token; no password left."""
        async with make_client(sandbox) as client:
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)

            grant = client.tokens.grant
            assert isinstance(grant, RefreshTokenGrant)
            assert not hasattr(grant, "password")
            assert DEMO_PASSWORD not in repr(vars(client.tokens))

    async def test_scopes_are_sent_comma_joined(self, sandbox):
        """Requested scopes reach the server, which grants exactly those."""
        async with make_client(sandbox) as client:
            await client.session.password(
                DEMO_USERNAME, DEMO_PASSWORD, scopes=["users:read", "wallets:read"]
            )

            credentials = client.session.credentials
            assert credentials is not None
            assert credentials.scope == ("users:read", "wallets:read")

    async def test_scope_the_user_lacks_is_invalid_scope(self, sandbox):
        """A scope the user may not have is refused with InvalidScope."""
        async with make_client(sandbox) as client:
            with pytest.raises(InvalidScope):
                await client.session.password(
                    DEMO_USERNAME, DEMO_PASSWORD, scopes=["assets:emit"]
                )

            assert client.session.current is None

    async def test_wrong_password_is_invalid_grant(self, sandbox):
        """A wrong password raises InvalidGrant once, without retries or leaks."""
        async with make_client(sandbox) as client:
            with pytest.raises(InvalidGrant) as info:
                await client.session.password(DEMO_USERNAME, "not-the-password")

            assert client.session.current is None
        assert "not-the-password" not in str(info.value)
        assert sandbox.counters.token_requests == 1
        assert sandbox.counters.users_me == 0

    async def test_from_env_logs_in_on_first_request(self, sandbox):
        """BITCAPITAL_USERNAME and _PASSWORD make the first request log the user in."""
        env = {
            "BITCAPITAL_BASE_URL": sandbox.url,
            "BITCAPITAL_CLIENT_ID": sandbox.client_id,
            "BITCAPITAL_CLIENT_SECRET": sandbox.client_secret,
            "BITCAPITAL_USERNAME": DEMO_USERNAME,
            "BITCAPITAL_PASSWORD": DEMO_PASSWORD,
        }

        async with Bitcapital.from_env(env) as client:
            me = await client.users.me()

            assert isinstance(client.tokens.grant, RefreshTokenGrant)
        assert me.email == DEMO_USERNAME
        assert sandbox.counters.grants == {"password": 1}


class TestRenewal:
    async def test_renewed_by_refresh_token_across_lifetimes(self, short_sandbox):
        """Under load over three lifetimes: refresh-token renewals only, /me once."""
        sandbox = short_sandbox
        async with make_client(sandbox) as client:
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            deadline = time.monotonic() + 3 * sandbox.token_lifetime

            async def worker() -> None:
                while time.monotonic() < deadline:
                    await client.request("GET", "/wallets")

            await asyncio.gather(*(worker() for _ in range(20)))

        grants = sandbox.counters.grants
        assert grants["password"] == 1
        assert grants["refresh_token"] >= 3
        assert set(grants) == {"password", "refresh_token"}
        assert sandbox.counters.users_me == 1
        assert sandbox.counters.unauthorized == 0
        assert sandbox.counters.expired_tokens == 0

    async def test_refresh_never_calls_users_me(self, sandbox):
        """session.refresh() renews the token and asks /users/me nothing."""
        async with make_client(sandbox) as client:
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            before = client.session.credentials

            after = await client.session.refresh()

        assert before is not None
        assert after.access_token != before.access_token
        assert after.refresh_token != before.refresh_token
        assert sandbox.counters.grants == {"password": 1, "refresh_token": 1}
        assert sandbox.counters.users_me == 1

    async def test_missing_refresh_token_keeps_the_old_one(self, sandbox):
        """A refresh answer without refresh_token keeps the old refresh token."""
        sandbox.oauth.omit_refresh_token_on_refresh = True
        async with make_client(sandbox) as client:
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            first = client.session.credentials
            assert first is not None

            second = await client.session.refresh()
            third = await client.session.refresh()

        assert second.refresh_token == first.refresh_token
        assert third.refresh_token == first.refresh_token
        assert third.access_token not in (first.access_token, second.access_token)
        assert sandbox.counters.grants == {"password": 1, "refresh_token": 2}

    async def test_50_callers_after_expiry_make_one_refresh(self):
        """50 concurrent requests when the token has expired: 1 refresh-token call."""
        async with (
            Sandbox(token_lifetime=0.3) as sandbox,
            make_client(sandbox) as client,
        ):
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            await asyncio.sleep(0.35)

            await asyncio.gather(
                *(client.request("GET", "/wallets") for _ in range(50))
            )

        assert sandbox.counters.grants == {"password": 1, "refresh_token": 1}
        assert sandbox.counters.unauthorized == 0


class TestSessionEnd:
    async def test_revoked_refresh_token_without_handler(self, sandbox):
        """A revoked refresh token ends the session: SessionExpired, current is None."""
        async with make_client(sandbox) as client:
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            token = client.session.credentials
            assert token is not None
            sandbox.oauth.revoke_user(DEMO_USERNAME)
            sandbox.revoke_token(token.access_token)

            with pytest.raises(SessionExpired):
                await client.request("GET", "/wallets")

            assert client.session.current is None
            assert isinstance(client.tokens.grant, EndedGrant)
            with pytest.raises(SessionExpired):
                await client.request("GET", "/wallets")
        assert sandbox.counters.grants == {"password": 1}
        assert sandbox.counters.token_requests == 2

    async def test_handler_starts_client_credentials(self, sandbox):
        """With on_unauthorized starting client credentials, requests keep working."""
        ended: list[str | None] = []

        async def fall_back(user):
            ended.append(user.email if user else None)
            await client.session.client_credentials()

        async with make_client(sandbox, on_unauthorized=fall_back) as client:
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            token = client.session.credentials
            assert token is not None
            sandbox.oauth.revoke_user(DEMO_USERNAME)
            sandbox.revoke_token(token.access_token)

            results = await asyncio.gather(
                *(client.request("GET", "/wallets") for _ in range(10))
            )

            assert len(results) == 10
            assert ended == [DEMO_USERNAME]
            assert isinstance(client.tokens.grant, ClientCredentialsGrant)
            assert client.session.current is not None
            assert client.session.current.virtual is True
        assert sandbox.counters.grants == {"password": 1, "client_credentials": 1}

    async def test_session_without_refresh_token_ends(self, sandbox):
        """A user session whose token came without a refresh token cannot renew."""
        async with make_client(sandbox) as client:
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            client.tokens._grant = RefreshTokenGrant(None)

            with pytest.raises(SessionExpired):
                await client.session.refresh()

            assert client.session.current is None


class TestEvents:
    async def test_subscribers_see_every_change_in_order(self, sandbox):
        """login, each renewal and logout reach subscribers, in that order."""
        events = []
        async with make_client(sandbox) as client:
            client.session.subscribe(events.append)

            user = await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            await client.session.refresh()
            await client.session.refresh()
            await client.session.destroy()

        assert [e.kind for e in events] == ["login", "renewal", "renewal", "logout"]
        assert [e.user for e in events] == [user] * 4
        assert events[1].credentials.access_token != events[2].credentials.access_token
        assert events[3].credentials is None

    async def test_expiry_event_and_unsubscribe(self, sandbox):
        """An ended session emits 'expired'; an unsubscribed callback hears nothing."""
        heard, ignored = [], []
        async with make_client(sandbox) as client:
            client.session.subscribe(heard.append)
            client.session.subscribe(ignored.append)
            client.session.unsubscribe(ignored.append)
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            sandbox.oauth.revoke_user(DEMO_USERNAME)

            with pytest.raises(SessionExpired):
                await client.session.refresh()

        assert [e.kind for e in heard] == ["login", "expired"]
        assert heard[1].user is not None
        assert heard[1].user.email == DEMO_USERNAME
        assert ignored == []

    async def test_failing_subscriber_does_not_break_login(self, sandbox, caplog):
        """A subscriber that raises is logged; the login still succeeds."""

        def broken(event):
            raise RuntimeError("subscriber bug")

        async with make_client(sandbox) as client:
            client.session.subscribe(broken)

            user = await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)

        assert user.email == DEMO_USERNAME
        assert [r.getMessage() for r in caplog.records] == [
            "session subscriber failed on login"
        ]


class TestSecretToken:
    async def test_secret_token_for_a_wallet(self):
        """secret_token() returns a token limited to the named resources."""
        maker = SandboxClient(
            client_id="maker",
            client_secret="maker-secret",
            scopes=("wallets:read", "users:secret_tokens:write"),
        )
        async with (
            Sandbox(clients=[maker]) as sandbox,
            Bitcapital(sandbox.url, "maker", "maker-secret") as client,
        ):
            token = await client.session.secret_token(
                [SecretTokenResource(entity="wallet", id="w-1")],
                scopes=["wallets:read"],
            )

        assert token.user == maker.user_id
        assert token.scope == ["wallets:read"]
        assert token.resources == [SecretTokenResource(entity="wallet", id="w-1")]
        assert token.secret_token is not None
        assert token.secret_token not in repr(token)

    async def test_scope_the_maker_lacks_is_refused(self):
        """Asking for a scope the session does not hold is a 403 APIError."""
        maker = SandboxClient(
            client_id="maker",
            client_secret="maker-secret",
            scopes=("wallets:read", "users:secret_tokens:write"),
        )
        async with (
            Sandbox(clients=[maker]) as sandbox,
            Bitcapital(sandbox.url, "maker", "maker-secret") as client,
        ):
            with pytest.raises(APIError) as info:
                await client.session.secret_token(
                    [SecretTokenResource(entity="wallet", id="w-1")],
                    scopes=["wallets:write"],
                )

        assert info.value.status == 403
        assert info.value.message == "a secret token cannot have scopes its maker lacks"


class TestLogout:
    async def test_destroy_ends_the_user_session(self, sandbox):
        """After destroy() the user is gone: the next call is the client's own."""
        events = []
        async with make_client(sandbox) as client:
            client.session.subscribe(events.append)
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            credentials = client.session.credentials
            assert credentials is not None

            await client.session.destroy()
            me = await client.users.me()

        assert me.email != DEMO_USERNAME
        assert me.virtual is True
        assert not sandbox.is_valid(credentials.access_token)
        assert sandbox.counters.revocations == 2
        assert sandbox.counters.grants == {"password": 1, "client_credentials": 1}
        assert [e.kind for e in events] == ["login", "logout"]

    async def test_revoked_refresh_token_is_refused(self, sandbox):
        """The refresh token revoked by destroy() cannot renew anything."""
        async with make_client(sandbox) as client:
            await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            credentials = client.session.credentials
            assert credentials is not None
            await client.session.destroy()

        async with make_client(sandbox) as other:
            other.tokens._grant = RefreshTokenGrant(credentials.refresh_token)

            with pytest.raises(SessionExpired):
                await other.session.refresh()


class TestLoginDuringAFetch:
    async def test_waiters_of_a_replaced_fetch_get_the_new_session(self, sandbox):
        """Waiters of a fetch that a login replaced get the login's token."""
        sandbox.faults.latency["token"] = 0.2
        async with make_client(sandbox) as client:
            waiter = asyncio.create_task(client.tokens.get_token())
            await asyncio.sleep(0.05)

            user = await client.session.password(DEMO_USERNAME, DEMO_PASSWORD)
            credentials = await waiter

        assert credentials is client.session.credentials
        assert credentials.user_id == user.id
