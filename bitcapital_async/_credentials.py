"""The token response model, and the lenient reading of what servers send."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from ._errors import OAuthError

__all__ = ["OAuthCredentials"]

logger = logging.getLogger("bitcapital_async.tokens")

# A token that claims to live for ever is a server bug; a year keeps datetime
# arithmetic far from overflow and still outlives any process.
MAX_LIFETIME: Final = 365 * 24 * 3600.0

# RFC 6749 §5.1 lets a server omit expires_in; an hour is the common default.
DEFAULT_LIFETIME: Final = 3600.0

# expires_in <= 0 means "already expired"; a second's floor stops a tight loop.
MIN_LIFETIME: Final = 1.0

# A positive lifetime is the server's word and is honoured (rounding it up would
# send tokens the server has already expired), down to this, below which
# refreshing would spin.
SHORTEST_LIFETIME: Final = 0.1

# The spellings float() reads as infinity: a server saying so means "no expiry",
# which we treat as absent; any other overflowing number is merely absurd.
_INFINITY: Final = frozenset({"inf", "infinity"})


@attrs.frozen(kw_only=True)
class OAuthCredentials:
    """A token the authorization server issued, as RFC 6749 §5.1 describes it.

    Tokens never appear in the repr. ``expires_at`` is wall-clock time, for display
    and persistence; the token manager decides freshness with a monotonic deadline.

    Attributes:
        access_token: The bearer token.
        token_type: The scheme, normalised so ``bearer`` reads ``Bearer``.
        expires_in: The lifetime in seconds the server granted, after clamping.
        expires_at: When the token expires, an aware UTC datetime.
        refresh_token: The refresh token, for user sessions.
        user_id: The Bitcapital user the token belongs to.
        virtual: ``True`` for client-credentials tokens that have no real user.
        scope: The granted scopes.
    """

    access_token: str = attrs.field(repr=False)
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: float
    expires_at: dt.datetime
    refresh_token: str | None = attrs.field(default=None, repr=False)
    user_id: str | None = None
    virtual: bool = False
    scope: tuple[str, ...] = ()

    @classmethod
    def from_response(
        cls,
        data: Mapping[str, Any],
        *,
        issued_at: dt.datetime | None = None,
        default_lifetime: float = DEFAULT_LIFETIME,
        requested_scope: Iterable[str] = (),
    ) -> OAuthCredentials:
        """Read a token response, snake_case or the vendor guide's camelCase.

        Args:
            data: The decoded JSON object.
            issued_at: When the request was sent; ``expires_at`` counts from here.
                Defaults to now.
            default_lifetime: Used when ``expires_in`` is absent or unreadable.
            requested_scope: RFC 6749 §5.1: an absent ``scope`` means the scope
                that was requested.

        Raises:
            OAuthError: ``invalid_response`` when there is no usable access token.
        """
        access_token = _pick(data, "access_token", "accessToken")
        if not isinstance(access_token, str) or not access_token.strip():
            # Name the fields, never their values: one of them may be a token
            # under a name we do not know.
            fields = ", ".join(sorted(str(key) for key in data)[:10]) or "none"
            raise OAuthError(
                "invalid_response",
                f"the token response has no access_token (fields: {fields})",
                retryable=False,
            )

        issued_at = issued_at or dt.datetime.now(dt.UTC)
        expires_at = _read_datetime(_pick(data, "expires_at", "expiresAt"))
        if expires_at is not None:
            lifetime = _clamp((expires_at - issued_at).total_seconds())
        else:
            given = _read_lifetime(_pick(data, "expires_in", "expiresIn"))
            if given is None:
                logger.warning(
                    "token response has no usable expires_in; assuming %.0f s",
                    default_lifetime,
                )
            lifetime = float(default_lifetime) if given is None else given
        # Also when expires_at was given: a clamped lifetime must not leave a
        # year-9999 expires_at behind for storage to bring back.
        expires_at = issued_at + dt.timedelta(seconds=lifetime)

        scope = _read_scope(_pick(data, "scope", "scopes"))
        refresh_token = _pick(data, "refresh_token", "refreshToken")
        user_id = _pick(data, "user_id", "userId")
        return cls(
            access_token=access_token.strip(),
            token_type=_read_token_type(_pick(data, "token_type", "tokenType")),
            expires_in=lifetime,
            expires_at=expires_at,
            refresh_token=refresh_token if isinstance(refresh_token, str) else None,
            user_id=str(user_id) if user_id is not None else None,
            virtual=_read_bool(data.get("virtual")),
            scope=scope if scope is not None else tuple(requested_scope),
        )

    def to_dict(self) -> dict[str, Any]:
        """The snake_case wire form, with the absolute ``expires_at`` for storage."""
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "expires_at": self.expires_at.isoformat(),
            "refresh_token": self.refresh_token,
            "user_id": self.user_id,
            "virtual": self.virtual,
            "scope": list(self.scope),
        }


def _pick(data: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = data.get(name)
        if value is not None:
            return value
    return None


def _clamp(seconds: float) -> float:
    if seconds <= 0:
        return MIN_LIFETIME
    return min(max(seconds, SHORTEST_LIFETIME), MAX_LIFETIME)


def _read_lifetime(value: Any) -> float | None:
    """A lifetime in seconds, or ``None`` when the value says nothing usable."""
    if isinstance(value, str):
        value = _read_number(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int):
        # An int too large for a float would raise OverflowError in float().
        value = min(max(value, -1), int(MAX_LIFETIME))
    # NaN and ±Infinity (Python's json module reads them) are not lifetimes.
    if not math.isfinite(value):
        return None
    return _clamp(float(value))


def _read_number(text: str) -> float | None:
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        return None
    if math.isinf(value) and text.lstrip("+-").lower() not in _INFINITY:
        # "1e400" is an absurd number, not a claim to live for ever.
        return math.copysign(MAX_LIFETIME, value)
    return value


def _read_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        # JavaScript clients store Date.now()-style milliseconds.
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _read_scope(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return tuple(part for part in value.replace(",", " ").split() if part)
    if isinstance(value, list | tuple):
        return tuple(str(part) for part in value if str(part).strip())
    return None


def _read_token_type(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return "Bearer"
    if value.strip().lower() == "bearer":
        return "Bearer"
    return value.strip()


def _read_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)
