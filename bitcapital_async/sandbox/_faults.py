"""Fault injection for the sandbox: added latency and scripted answers."""

from __future__ import annotations

import collections
import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs
from aiohttp import web

__all__ = ["Faults", "Reply", "Route"]

Route = Literal["token", "revoke", "api"]

ROUTES: tuple[Route, ...] = ("token", "revoke", "api")


@attrs.frozen(kw_only=True)
class Reply:
    """One scripted answer: what the sandbox sends instead of the real thing.

    Attributes:
        status: The HTTP status.
        body: A dict or list is sent as JSON; a str or bytes as is.
        content_type: Defaults to JSON for dicts and lists, plain text otherwise.
        headers: Extra headers, e.g. ``{"Retry-After": "2"}``.
        delay: Seconds to wait before answering.
    """

    status: int = 200
    body: Any = None
    content_type: str | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    delay: float = 0.0

    def response(self) -> web.Response:
        """The aiohttp response this reply stands for."""
        if isinstance(self.body, dict | list):
            data = json.dumps(self.body).encode()
            content_type = self.content_type or "application/json"
        elif isinstance(self.body, str):
            data = self.body.encode()
            content_type = self.content_type or "text/plain"
        else:
            data = self.body or b""
            content_type = self.content_type or "application/octet-stream"
        response = web.Response(
            status=self.status, body=data, headers=dict(self.headers)
        )
        response.content_type = content_type.split(";")[0]
        return response


@attrs.define
class Faults:
    """What the sandbox does wrong on purpose, per route.

    ``latency`` adds seconds before every answer on a route. ``script`` queues
    replies that the next calls on a route get instead of the real answer, one
    reply per call; a reply of ``None`` lets that call through.
    """

    latency: dict[Route, float] = attrs.field(
        factory=lambda: dict.fromkeys(ROUTES, 0.0)
    )
    _scripts: dict[Route, collections.deque[Reply | None]] = attrs.field(
        factory=lambda: {route: collections.deque() for route in ROUTES}
    )
    down: dict[Route, Reply | None] = attrs.field(factory=lambda: dict.fromkeys(ROUTES))

    def script(self, route: Route, replies: Iterable[Reply | None]) -> None:
        """Queue replies for the next calls on ``route``."""
        self._scripts[route].extend(replies)

    def take_down(self, route: Route, reply: Reply | None = None) -> None:
        """Answer every call on ``route`` with ``reply`` (a 503) until restored."""
        self.down[route] = reply or Reply(
            status=503, body={"error": "temporarily_unavailable"}
        )

    def restore(self, route: Route) -> None:
        """Undo ``take_down``."""
        self.down[route] = None

    def pending(self, route: Route) -> int:
        """How many scripted replies are still queued for ``route``."""
        return len(self._scripts[route])

    def clear(self) -> None:
        """Remove every fault."""
        for route in ROUTES:
            self.latency[route] = 0.0
            self._scripts[route].clear()
            self.down[route] = None

    def next_reply(self, route: Route) -> Reply | None:
        """The fault for this call, if any; consumes one scripted reply."""
        if self.down[route] is not None:
            return self.down[route]
        if self._scripts[route]:
            return self._scripts[route].popleft()
        return None
