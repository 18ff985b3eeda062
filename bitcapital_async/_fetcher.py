"""Asking the token endpoint until it answers: retries, back-off and cooldowns.

The token manager decides *when* a token is needed; the fetcher gets one. It
retries what may succeed later (5xx, 408, 429, no answer) with exponential
back-off and full jitter, honours ``Retry-After`` beyond the refresh that heard
it, and keeps within a time budget of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from typing import Final

import aiohttp

from ._credentials import OAuthCredentials
from ._errors import OAuthError, TokenEndpointTimeout
from ._grants import Grant
from ._stats import TokenStats
from ._token_endpoint import TokenEndpoint, parse_token_answer

__all__ = ["TokenFetcher"]

logger = logging.getLogger("bitcapital_async.tokens")

# Full-jitter exponential back-off: the n-th wait is uniform in
# [0, min(cap, base * 2**n)].
BACKOFF_BASE: Final = 0.5
BACKOFF_CAP: Final = 10.0

# A Retry-After longer than this is a misconfigured server, not advice.
RETRY_AFTER_CAP: Final = 60.0

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenFetcher:
    """Gets one token from the endpoint, retrying transient failures.

    Args:
        endpoint: Where and how to ask.
        stats: Counts requests and retries.
        clock: The monotonic clock deadlines are measured on.
        sleep: The sleep back-off and ``Retry-After`` use.
        request_timeout: Seconds one request may take.
        refresh_timeout: Seconds one fetch may take, retries included.
        max_attempts: Requests per fetch, the first included.
        default_lifetime: Lifetime assumed when ``expires_in`` says nothing.
    """

    def __init__(
        self,
        endpoint: TokenEndpoint,
        stats: TokenStats,
        *,
        clock: Clock,
        sleep: Sleep,
        request_timeout: float,
        refresh_timeout: float,
        max_attempts: int,
        default_lifetime: float,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.endpoint = endpoint
        self.request_timeout = request_timeout
        self.refresh_timeout = refresh_timeout
        self.max_attempts = max_attempts
        self.default_lifetime = default_lifetime
        self.stats = stats
        self.session: aiohttp.ClientSession | None = None
        self._clock = clock
        self._sleep = sleep
        self._not_before = 0.0
        # The error that set a Retry-After cooldown, for fetches started during it.
        self._cooldown_error: OAuthError | None = None

    def http(self) -> aiohttp.ClientSession:
        """The session for token calls, made on first use in the running loop."""
        if self.session is None or self.session.closed:
            # Token calls are rare; fresh connections avoid sharing sockets
            # with a forked parent or a dead loop.
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(force_close=True),
                middlewares=(),
            )
        return self.session

    def forget_session(self) -> None:
        """Drop the session unclosed: it belongs to another loop or process."""
        if self.session is not None:
            self.session.detach()
        self.session = None

    async def close(self, *, same_loop: bool) -> None:
        """Close the session (or just drop it when made in another loop)."""
        if self.session is not None and not self.session.closed and same_loop:
            await self.session.close()
        self.forget_session()

    def cooled_down(self) -> None:
        """A token arrived: the server's last Retry-After no longer applies."""
        self._cooldown_error = None

    async def fetch(
        self,
        grant: Grant,
        *,
        requested_scope: Iterable[str],
        secrets: Callable[[], Iterable[str | None]],
    ) -> tuple[OAuthCredentials, float]:
        """A token for ``grant`` and the monotonic time its request was sent.

        Raises:
            OAuthError: The endpoint refused, or failed past the retries.
            TokenEndpointTimeout: The refresh budget ran out.
            SessionExpired: The grant cannot produce another token.
        """
        deadline = self._clock() + self.refresh_timeout
        attempt = 0
        while True:
            attempt += 1
            self._raise_if_cooling_down(deadline)
            await self._wait_until(self._not_before, deadline)
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise TokenEndpointTimeout(
                    "timeout",
                    f"no token within the refresh budget of {self.refresh_timeout:g} s",
                    retryable=True,
                )

            try:
                return await self._fetch_once(
                    grant,
                    min(self.request_timeout, remaining),
                    requested_scope=requested_scope,
                    secrets=secrets,
                )
            except OAuthError as exc:
                if exc.retryable and exc.retry_after is not None:
                    # The server's cooldown binds every later refresh too, even
                    # once this one gives up.
                    self._not_before = self._clock() + exc.retry_after
                    self._cooldown_error = exc
                if not exc.retryable or attempt >= self.max_attempts:
                    raise
                delay = _backoff(attempt, exc.retry_after)
                if self._clock() + delay >= deadline:
                    raise

                self.stats.retries += 1
                logger.debug(
                    "token request failed (%s); retry %d in %.2f s",
                    exc.error,
                    attempt,
                    delay,
                )
                self._not_before = self._clock() + delay

    async def _fetch_once(
        self,
        grant: Grant,
        timeout: float,
        *,
        requested_scope: Iterable[str],
        secrets: Callable[[], Iterable[str | None]],
    ) -> tuple[OAuthCredentials, float]:
        params = grant.params()
        session = self.http()
        sent_at = self._clock()
        issued_at = dt.datetime.now(dt.UTC)
        self.stats.fetches += 1

        status, content_type, body, retry_after = await self.endpoint.post(
            session, self.endpoint.form(params), timeout=timeout, secrets=secrets()
        )
        credentials = parse_token_answer(
            status,
            content_type,
            body,
            retry_after,
            issued_at=issued_at,
            default_lifetime=self.default_lifetime,
            requested_scope=requested_scope,
            secrets=secrets(),
            retry_after_cap=RETRY_AFTER_CAP,
        )
        return credentials, sent_at

    def _raise_if_cooling_down(self, deadline: float) -> None:
        """Fail at once when the server's Retry-After outlasts this fetch's budget.

        Waiting it out would only end in a timeout, and asking anyway is what the
        server asked us not to do (MSAL's negative cache does the same).
        """
        last = self._cooldown_error
        if last is None or self._not_before < deadline:
            return

        wait = self._not_before - self._clock()
        error = type(last)(
            last.error,
            last.description,
            status=last.status,
            retryable=True,
            error_uri=last.error_uri,
            content_type=last.content_type,
            body_snippet=last.body_snippet,
        )
        error.retry_after = wait
        logger.debug("token endpoint cooling down for %.1f s more", wait)
        raise error

    async def _wait_until(self, when: float, deadline: float) -> None:
        delay = when - self._clock()
        if delay > 0:
            await self._sleep(min(delay, max(deadline - self._clock(), 0.0)))


def _backoff(attempt: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return retry_after
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography
