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
    SignatureError,
    SignatureExpired,
    TokenEndpointTimeout,
    TokenEndpointUnreachable,
    TransportError,
    UnauthorizedClient,
    UnsupportedGrantType,
    ValidationError,
)
from ._middleware import BearerAuth
from ._postbacks import read_postback, verify_postback
from ._session import Session, SessionEvent
from ._signing import RequestSigner
from ._tokens import TokenManager, TokenStats
from ._version import __version__
from .services import BankAccount, Page, Recipient

__all__ = [
    "APIError",
    "BankAccount",
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
    "Page",
    "Recipient",
    "RequestSigner",
    "RequestTimeout",
    "Response",
    "Session",
    "SessionEvent",
    "SessionExpired",
    "SignatureError",
    "SignatureExpired",
    "TokenEndpointTimeout",
    "TokenEndpointUnreachable",
    "TokenManager",
    "TokenStats",
    "TransportError",
    "UnauthorizedClient",
    "UnsupportedGrantType",
    "ValidationError",
    "__version__",
    "read_postback",
    "verify_postback",
]
