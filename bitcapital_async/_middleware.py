"""The aiohttp client middleware that authorizes requests with the managed token."""

from __future__ import annotations

import logging

from aiohttp import ClientHandlerType, ClientRequest, ClientResponse, hdrs, payload
from yarl import URL

from ._tokens import TokenManager

__all__ = ["BearerAuth"]

logger = logging.getLogger("bitcapital_async.middleware")


class BearerAuth:
    """Sets ``Authorization: Bearer <token>`` and recovers from one 401.

    Use it as ``aiohttp.ClientSession(middlewares=[BearerAuth(manager)])``.

    Only requests to the origin of ``base_url`` get the token. aiohttp runs
    middlewares again on every redirect hop, so a redirect to another origin
    carries no token either. A request that already has an ``Authorization``
    header is passed through untouched.

    On a 401 to a request it authorized, the middleware invalidates the token it
    used, takes the next one and sends the request once more, never twice, and
    only when the body can be sent again.

    Args:
        token_manager: Where tokens come from.
        base_url: The API whose origin receives the token; defaults to the token
            endpoint's origin.
    """

    def __init__(
        self, token_manager: TokenManager, *, base_url: str | URL | None = None
    ) -> None:
        self.token_manager = token_manager
        self._origin = _origin(URL(base_url or token_manager.token_url))

    def __repr__(self) -> str:
        scheme, host, port = self._origin
        return f"BearerAuth(origin='{scheme}://{host}:{port}')"

    async def __call__(
        self, request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        """Authorize the request, and retry it once after a 401."""
        if (
            _origin(request.url) != self._origin
            or hdrs.AUTHORIZATION in request.headers
        ):
            return await handler(request)

        credentials = await self.token_manager.get_token()
        request.headers[hdrs.AUTHORIZATION] = f"Bearer {credentials.access_token}"
        response = await handler(request)

        if response.status != 401 or not _can_resend(request):
            return response
        if not await self.token_manager.invalidate(credentials):
            return response

        logger.debug(
            "401 on %s %s; retrying with a new token", request.method, request.url.path
        )
        response.release()
        credentials = await self.token_manager.get_token()
        request.headers[hdrs.AUTHORIZATION] = f"Bearer {credentials.access_token}"
        return await handler(request)


def _origin(url: URL) -> tuple[str, str, int | None]:
    """RFC 6454 origin; yarl fills in the scheme's default port."""
    return (url.scheme.lower(), (url.host or "").lower(), url.port)


def _can_resend(request: ClientRequest) -> bool:
    body = request.body
    # aiohttp >= 3.12 payloads know whether they can be written again: bytes and
    # seekable files can, one-shot async iterators cannot.
    return not isinstance(body, payload.Payload) or not body.consumed
