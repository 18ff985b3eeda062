"""The token manager's counters."""

from __future__ import annotations

import attrs

__all__ = ["TokenStats"]


@attrs.define
class TokenStats:
    """Counters of what the token manager did, for dashboards and tests.

    Attributes:
        fetches: HTTP requests sent to the token endpoint, retries included.
        refreshes: New tokens obtained.
        failures: Refreshes that ended without a token.
        retries: Token requests repeated after a retryable failure.
        background_refreshes: Refreshes started while the token was still valid.
        waited: Callers of ``get_token`` that had to wait for a token.
        invalidations: Tokens dropped by ``invalidate`` after a 401.
        damped_invalidations: ``invalidate`` calls ignored by the 401 damping.
    """

    fetches: int = 0
    refreshes: int = 0
    failures: int = 0
    retries: int = 0
    background_refreshes: int = 0
    waited: int = 0
    invalidations: int = 0
    damped_invalidations: int = 0
