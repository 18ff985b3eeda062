"""The token manager: one valid token, shared by every coroutine, renewed ahead of time.

A token is in one of three states, decided on a monotonic clock:

- FRESH: use it.
- STALE: inside the refresh margin but still valid. Callers get it at once while a
  single background refresh runs.
- EXPIRED (or absent): callers wait for the one in-flight fetch.

Every fetch runs in a task the manager owns; callers await it through
``asyncio.shield``, so a caller that is cancelled or times out never cancels the
fetch the others are waiting for.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from ._callbacks import call_quietly
from ._credentials import DEFAULT_LIFETIME, OAuthCredentials
from ._discovery import discover
from ._errors import BitcapitalError, OAuthError, SessionExpired
from ._fetcher import TokenFetcher
from ._grants import (
    ClientCredentialsGrant,
    EndedGrant,
    Grant,
    PasswordGrant,
    scope_tuple,
)
from ._stats import TokenStats
from ._token_endpoint import ClientAuth, TokenEndpoint

__all__ = ["TokenManager", "TokenStats"]

logger = logging.getLogger("bitcapital_async.tokens")

# Refresh this long before expiry, so no request meets the boundary; clamped to
# half the lifetime so short-lived tokens are not refetched on every call.
DEFAULT_REFRESH_MARGIN: Final = 60.0

# One token request that takes longer than this is hung, not slow.
DEFAULT_REQUEST_TIMEOUT: Final = 10.0

# The whole budget of one refresh, retries and back-off included.
DEFAULT_REFRESH_TIMEOUT: Final = 30.0

DEFAULT_MAX_ATTEMPTS: Final = 4

# Refresh damping, as azure-identity does: a server that re-issues the same token,
# or whose refreshes keep failing, is not asked more often than this.
MIN_REFRESH_INTERVAL: Final = 30.0

# After a 401-driven refresh, more 401s on the new token are about something else
# (a missing scope, a bad signature) for this long, and refresh nothing.
UNAUTHORIZED_COOLDOWN: Final = 30.0

# Never schedule a retry of a failed background refresh sooner than this.
_MIN_RETRY_DELAY: Final = 0.5

# Tokens this manager held recently, kept only to redact them: a server may echo
# a token it just refused in an error_description after we have dropped it.
_REMEMBERED_TOKENS: Final = 8

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
TokenCallback = Callable[[OAuthCredentials], object]
# Told of each new token, and whether it renews a session (True) or starts one.
TokenListener = Callable[[OAuthCredentials, bool], object]
SessionEndHook = Callable[[], Awaitable[None]]


@attrs.frozen
class _Entry:
    """A token and the monotonic times that decide its state."""

    credentials: OAuthCredentials
    refresh_at: float
    expires_at: float
    from_unauthorized: bool = False
    obtained_at: float = 0.0


class TokenManager:
    """Keeps one valid OAuth 2.0 client-credentials token for every coroutine.

    The first ``get_token()`` fetches lazily; concurrent callers share one fetch;
    the token is renewed ahead of expiry in the background. Works across event
    loops (successive ``asyncio.run``) and after ``os.fork()``.

    Args:
        token_url: The token endpoint.
        client_id: The OAuth 2.0 client id.
        client_secret: The client secret; never logged or shown in a repr.
        scope: Scopes to request, as a space-separated string or an iterable.
        client_auth: ``client_secret_basic`` (default) or ``client_secret_post``.
        urlencode_basic: Form-encode id and secret before base64 as RFC 6749
            §2.3.1 asks (default); ``False`` sends them raw.
        extra_params: More form fields for every token request (``audience``,
            ``resource``).
        refresh_margin: Seconds before expiry to refresh; at most half a lifetime.
        default_lifetime: Lifetime assumed when the server sends no usable
            ``expires_in``.
        request_timeout: Seconds one token request may take.
        refresh_timeout: Seconds one refresh may take, retries included.
        max_attempts: Token requests per refresh, the first included.
        min_refresh_interval: Refresh damping, in seconds.
        unauthorized_cooldown: 401 damping, in seconds.
        revocation_url: The RFC 7009 revocation endpoint, for ``revoke()``.
        on_token: Called with each new token (may be a coroutine function).
        clock: A monotonic clock, in seconds.
        sleep: The sleep used for back-off and ``Retry-After``.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | Iterable[str] | None = None,
        client_auth: ClientAuth = "client_secret_basic",
        urlencode_basic: bool = True,
        extra_params: Mapping[str, str] | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        default_lifetime: float = DEFAULT_LIFETIME,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        refresh_timeout: float = DEFAULT_REFRESH_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        min_refresh_interval: float = MIN_REFRESH_INTERVAL,
        unauthorized_cooldown: float = UNAUTHORIZED_COOLDOWN,
        revocation_url: str | None = None,
        on_token: TokenCallback | None = None,
        grant: Grant | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if client_auth not in ("client_secret_basic", "client_secret_post"):
            raise ValueError(f"unknown client_auth {client_auth!r}")
        self._endpoint = TokenEndpoint(
            token_url,
            client_id,
            client_secret,
            client_auth=client_auth,
            urlencode_basic=urlencode_basic,
            extra_params=dict(extra_params or {}),
        )
        self.scope: tuple[str, ...] = scope_tuple(scope)
        self.refresh_margin = refresh_margin
        self.min_refresh_interval = min_refresh_interval
        self.unauthorized_cooldown = unauthorized_cooldown
        self.revocation_url = revocation_url
        self.on_token = on_token
        # Called when a user session ends and cannot be renewed; it may start a
        # new session (use_client_credentials, password_login) before returning.
        self.on_session_end: SessionEndHook | None = None
        self.stats = TokenStats()
        self._fetcher = TokenFetcher(
            self._endpoint,
            self.stats,
            clock=clock,
            sleep=sleep,
            request_timeout=request_timeout,
            refresh_timeout=refresh_timeout,
            max_attempts=max_attempts,
            default_lifetime=default_lifetime,
        )
        self._grant: Grant = grant or ClientCredentialsGrant(self.scope)
        self._listeners: list[TokenListener] = []
        self._clock = clock

        self._entry: _Entry | None = None
        self._failing = False
        self._recent_tokens: collections.deque[str] = collections.deque(
            maxlen=_REMEMBERED_TOKENS
        )
        self._unauthorized_pending = False
        # Loop-bound state, made lazily and remade on a new loop or process.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = os.getpid()
        self._inflight: asyncio.Task[OAuthCredentials] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    @classmethod
    async def from_discovery(
        cls,
        issuer: str,
        client_id: str,
        client_secret: str,
        **options: Any,
    ) -> TokenManager:
        """Build a manager from the issuer's metadata (RFC 8414 or OpenID discovery).

        The token and revocation endpoints come from the metadata; a client that
        the server says supports only ``client_secret_post`` uses it.

        Args:
            issuer: The issuer identifier, exactly as the server names itself.
            client_id: The OAuth 2.0 client id.
            client_secret: The client secret.
            **options: Passed to the constructor; they win over the metadata.

        Raises:
            DiscoveryError: No usable metadata, or its ``issuer`` differs.
        """
        metadata = await discover(issuer)
        options.setdefault("revocation_url", metadata.revocation_endpoint)
        methods = metadata.token_endpoint_auth_methods_supported
        if (
            methods
            and "client_secret_basic" not in methods
            and ("client_secret_post" in methods)
        ):
            options.setdefault("client_auth", "client_secret_post")
        return cls(metadata.token_endpoint, client_id, client_secret, **options)

    def __repr__(self) -> str:
        state = "empty" if self._entry is None else self._state(self._clock())
        return (
            f"TokenManager(token_url={self._endpoint.url!r}, "
            f"client_id={self._endpoint.client_id!r}, scope={self.scope!r}, "
            f"state={state!r})"
        )

    @property
    def token_url(self) -> str:
        """The token endpoint."""
        return self._endpoint.url

    @property
    def client_id(self) -> str:
        """The OAuth 2.0 client id."""
        return self._endpoint.client_id

    @property
    def grant(self) -> Grant:
        """How the next token will be obtained (client credentials, refresh token…)."""
        return self._grant

    @property
    def current(self) -> OAuthCredentials | None:
        """The cached token, whatever its state, without fetching."""
        return None if self._entry is None else self._entry.credentials

    def effective_margin(self, lifetime: float) -> float:
        """The refresh margin used for a token of this lifetime."""
        return min(self.refresh_margin, lifetime / 2)

    async def get_token(self) -> OAuthCredentials:
        """A valid token: the cached one, or a new one when none is valid.

        Raises:
            OAuthError: No valid token is left and the token endpoint failed.
        """
        self._bind_loop()
        now = self._clock()
        entry = self._entry

        if entry is not None and now < entry.expires_at:
            if now >= entry.refresh_at and self._inflight is None:
                self.stats.background_refreshes += 1
                self._start_fetch()
            return entry.credentials

        self.stats.waited += 1
        if self._inflight is asyncio.current_task():
            # on_session_end is asking for a token from inside the shared fetch.
            return await self._refresh()
        task = self._inflight or self._start_fetch()
        return await self._join(task)

    async def invalidate(self, token: OAuthCredentials | str) -> bool:
        """Drop ``token`` after the server refused it, if it is still the current one.

        A burst of 401s for one token drops it once. After a 401-driven refresh,
        401s on the new token are damped for ``unauthorized_cooldown`` seconds: they
        are about something other than the token.

        Returns:
            Whether a retry with a newer token makes sense: ``True`` when the token
            was dropped or already replaced, ``False`` when damped.
        """
        self._bind_loop()
        access_token = token if isinstance(token, str) else token.access_token
        entry = self._entry
        if entry is None or entry.credentials.access_token != access_token:
            return True

        now = self._clock()
        if (
            entry.from_unauthorized
            and now - entry.obtained_at < self.unauthorized_cooldown
        ):
            self.stats.damped_invalidations += 1
            logger.debug("401 on a token just renewed after a 401; not refreshing")
            return False

        self.stats.invalidations += 1
        logger.debug("token refused by the server; dropping it")
        self._entry = None
        self._unauthorized_pending = True
        return True

    async def clear(self) -> None:
        """End the session here: forget the token and any user session.

        The next ``get_token`` starts a client-credentials session. Revoking the
        tokens on the server is ``revoke()``'s job.
        """
        self._entry = None
        self._grant = ClientCredentialsGrant(self.scope)

    async def password_login(
        self,
        username: str,
        password: str,
        *,
        scope: str | Iterable[str] | None = None,
        scope_separator: str = " ",
    ) -> OAuthCredentials:
        """Log a user in with the password grant (RFC 6749 §4.3).

        From then on the session is renewed with its refresh token, ahead of
        expiry and after a 401, exactly like client-credentials tokens. The
        password is sent once and not kept.

        Raises:
            InvalidGrant: The username or password was refused.
            OAuthError: The token endpoint failed.
        """
        grant = PasswordGrant(username, password, scope_tuple(scope), scope_separator)
        return await self._start(grant)

    async def use_client_credentials(self) -> OAuthCredentials:
        """Switch to (or restart) a client-credentials session and fetch its token."""
        return await self._start(ClientCredentialsGrant(self.scope))

    async def refresh(self) -> OAuthCredentials:
        """Renew the token now, whatever its state; concurrent calls share one fetch.

        Raises:
            SessionExpired: A user session could not be renewed.
            OAuthError: The token endpoint failed.
        """
        self._bind_loop()
        if self._inflight is asyncio.current_task():
            return await self._refresh()
        task = self._inflight or self._start_fetch()
        return await self._join(task)

    def subscribe(self, listener: TokenListener) -> None:
        """Call ``listener(credentials, renewal)`` on each new token."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: TokenListener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    async def _start(self, grant: Grant) -> OAuthCredentials:
        """Begin a session with ``grant``, replacing whatever came before."""
        self._bind_loop()
        self._grant = grant
        self._entry = None
        if self._inflight is asyncio.current_task():
            # Called from on_session_end, inside the fetch the waiters share.
            return await self._refresh(starting=True)
        if self._inflight is not None and not self._inflight.done():
            # A renewal of the old session must not win over the new login.
            self._inflight.cancel()
        task = self._start_fetch(starting=True)
        return await self._join(task)

    async def revoke(
        self,
        token: OAuthCredentials | str | None = None,
        *,
        token_type_hint: str | None = "access_token",  # noqa: S107 - a hint name
        extra_params: Mapping[str, str] | None = None,
    ) -> None:
        """Revoke a token at ``revocation_url`` (RFC 7009) and forget it here.

        Args:
            token: The token to revoke; the current one by default (nothing to do
                when there is none).
            token_type_hint: RFC 7009 §2.1 ``token_type_hint``; ``None`` omits it.
            extra_params: More form fields, for servers that want other names.

        Raises:
            BitcapitalError: No ``revocation_url`` was configured.
            OAuthError: The server refused the revocation.
        """
        if self.revocation_url is None:
            raise BitcapitalError("this TokenManager has no revocation_url")
        self._bind_loop()
        if token is None:
            token = self.current
            if token is None:
                return
        access_token = token if isinstance(token, str) else token.access_token

        secrets = (*self._secrets(), access_token)
        try:
            await self._endpoint.revoke(
                self._fetcher.http(),
                self.revocation_url,
                access_token,
                token_type_hint=token_type_hint,
                extra_params=extra_params,
                timeout=self._fetcher.request_timeout,
                secrets=secrets,
            )
        finally:
            # RFC 7009 §2.2: the token is gone here even if the server erred.
            entry = self._entry
            if entry is not None and entry.credentials.access_token == access_token:
                self._entry = None
        logger.debug("token revoked")

    async def aclose(self) -> None:
        """Cancel background work and close the token endpoint session.

        The cached token is kept; a later ``get_token`` opens a new session.
        """
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks and self._loop is asyncio.get_running_loop():
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._inflight = None

        await self._fetcher.close(same_loop=self._loop is asyncio.get_running_loop())

    async def __aenter__(self) -> TokenManager:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- loop and process binding -------------------------------------------------

    def _bind_loop(self) -> None:
        loop = asyncio.get_running_loop()
        pid = os.getpid()
        if loop is self._loop and pid == self._pid:
            return

        # A new loop (another asyncio.run) or a forked child: the old tasks,
        # session and connections belong to someone else. The token stays valid.
        self._fetcher.forget_session()
        self._inflight = None
        self._tasks = set()
        self._loop = loop
        self._pid = pid

    # -- fetching -----------------------------------------------------------------

    def _start_fetch(self, *, starting: bool = False) -> asyncio.Task[OAuthCredentials]:
        task = asyncio.get_running_loop().create_task(
            self._refresh(starting=starting),
            name="bitcapital-token-refresh",
        )
        self._inflight = task
        self._tasks.add(task)
        task.add_done_callback(self._fetch_done)
        return task

    def _fetch_done(self, task: asyncio.Task[OAuthCredentials]) -> None:
        self._tasks.discard(task)
        if self._inflight is task:
            self._inflight = None
        # Retrieve the outcome so an unawaited background failure is not reported
        # as "exception never retrieved"; _refresh has already logged it.
        if not task.cancelled():
            task.exception()

    async def _refresh(self, *, starting: bool = False) -> OAuthCredentials:
        grant = self._grant
        try:
            credentials, sent_at = await self._fetcher.fetch(
                grant, requested_scope=self.scope, secrets=self._secrets
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.stats.failures += 1
            if grant.ends_session(exc) and grant is self._grant:
                return await self._end_session(exc)
            self._after_failure(exc)
            raise

        if grant is not self._grant:
            # A new login replaced the grant while this fetch was in flight.
            return await self._refresh(starting=True)
        self._grant = grant.next_grant(credentials)
        credentials = grant.accept(credentials)

        # Read only now: a 401 that came while this fetch was in flight (a
        # background refresh, say) makes its token the answer to that 401.
        from_unauthorized = self._unauthorized_pending
        self._unauthorized_pending = False
        self._install(credentials, sent_at, from_unauthorized=from_unauthorized)
        await self._notify(credentials, renewal=not starting)
        return credentials

    async def _end_session(self, cause: Exception) -> OAuthCredentials:
        """The user session cannot be renewed: forget it, then let the hook act."""
        logger.info("session ended: %s", _describe(cause))
        self._entry = None
        self._grant = EndedGrant()
        if self.on_session_end is not None:
            await self.on_session_end()
        entry = self._entry
        if entry is not None and self._clock() < entry.expires_at:
            return entry.credentials
        raise SessionExpired(
            "the session expired and could not be renewed; log in again"
        ) from cause

    def _secrets(self) -> tuple[str | None, ...]:
        # The recent tokens include the current one and any just dropped by
        # invalidate() or clear(), which a server may still echo.
        return (
            self._endpoint.client_secret,
            *self._grant.secrets(),
            *self._recent_tokens,
        )

    def _install(
        self, credentials: OAuthCredentials, sent_at: float, *, from_unauthorized: bool
    ) -> None:
        lifetime = credentials.expires_in
        # Count the lifetime from when the request left: the server started its
        # clock no earlier than that.
        expires_at = sent_at + lifetime
        refresh_at = expires_at - self.effective_margin(lifetime)

        previous = self._entry
        if (
            previous is not None
            and previous.credentials.access_token == credentials.access_token
        ):
            # The server re-issued the same token: asking again soon would get it
            # again, so damp (google-auth-library-python#581 is this storm).
            refresh_at = max(refresh_at, self._clock() + self.min_refresh_interval)

        self._recent_tokens.extend(
            token
            for token in (credentials.access_token, credentials.refresh_token)
            if token and token not in self._recent_tokens
        )
        self._fetcher.cooled_down()
        self._entry = _Entry(
            credentials,
            refresh_at=refresh_at,
            expires_at=expires_at,
            from_unauthorized=from_unauthorized,
            obtained_at=self._clock(),
        )
        self.stats.refreshes += 1
        if self._failing:
            # INFO, not WARNING: the outage already had its one warning.
            logger.info("token endpoint recovered; new token obtained")
        self._failing = False
        logger.debug(
            "new token: lifetime %.1f s, refresh in %.1f s",
            lifetime,
            refresh_at - self._clock(),
        )

    def _after_failure(self, exc: Exception) -> None:
        now = self._clock()
        entry = self._entry
        if entry is not None and now < entry.expires_at:
            # Degrade, don't fail: keep serving the valid token, ask again later.
            remaining = entry.expires_at - now
            delay = max(min(self.min_refresh_interval, remaining / 2), _MIN_RETRY_DELAY)
            self._entry = attrs.evolve(entry, refresh_at=now + delay)
            log = logger.debug if self._failing else logger.warning
            log(
                "token refresh failed (%s); the current token stays valid for "
                "%.0f s, retrying in %.1f s",
                _describe(exc),
                remaining,
                delay,
            )
        else:
            logger.debug("token fetch failed: %s", _describe(exc))
        self._failing = True

    async def _notify(self, credentials: OAuthCredentials, *, renewal: bool) -> None:
        for listener in list(self._listeners):
            await call_quietly(
                listener,
                credentials,
                renewal,
                log=logger,
                failure="token listener callback failed",
            )
        if self.on_token is not None:
            await call_quietly(
                self.on_token,
                credentials,
                log=logger,
                failure="on_token callback failed",
            )

    async def _join(self, task: asyncio.Task[OAuthCredentials]) -> OAuthCredentials:
        """Wait for the shared fetch; this caller's cancellation never reaches it."""
        while True:
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if not task.cancelled() or (
                    current is not None and current.cancelling()
                ):
                    raise
            # The fetch was cancelled, not this caller: a new login replaced it
            # (follow that one), or aclose() ran.
            successor = self._inflight
            if successor is None or successor is task:
                raise BitcapitalError("the token manager was closed during the fetch")
            task = successor

    def _state(self, now: float) -> str:
        entry = self._entry
        if entry is None or now >= entry.expires_at:
            return "expired"
        return "stale" if now >= entry.refresh_at else "fresh"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OAuthError):
        return str(exc)
    return type(exc).__name__
