"""bitcapital-async: an async-first SDK for the Bitcapital Core banking API.

The token lifecycle is the heart of it: one valid OAuth 2.0 token shared by every
coroutine, fetched once, renewed ahead of expiry, recovered after a 401.
"""

from ._client import Bitcapital, Response
from ._credentials import OAuthCredentials
from ._errors import (
    APIError,
    BitcapitalError,
    DiscoveryError,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    OAuthError,
    RequestTimeout,
    SessionExpired,
    TokenEndpointTimeout,
    TokenEndpointUnreachable,
    TransportError,
    UnauthorizedClient,
    UnsupportedGrantType,
    ValidationError,
)
from ._middleware import BearerAuth
from ._session import Session
from ._tokens import TokenManager, TokenStats
from ._version import __version__

__all__ = [
    "APIError",
    "BearerAuth",
    "Bitcapital",
    "BitcapitalError",
    "DiscoveryError",
    "InvalidClient",
    "InvalidGrant",
    "InvalidRequest",
    "InvalidScope",
    "OAuthCredentials",
    "OAuthError",
    "RequestTimeout",
    "Response",
    "Session",
    "SessionExpired",
    "TokenEndpointTimeout",
    "TokenEndpointUnreachable",
    "TokenManager",
    "TokenStats",
    "TransportError",
    "UnauthorizedClient",
    "UnsupportedGrantType",
    "ValidationError",
    "__version__",
]
