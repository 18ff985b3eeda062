"""The public names are a contract: this list changes only on purpose."""

import bitcapital_async


def test_all_is_sorted_and_exact():
    """__all__ lists exactly the public names, sorted."""
    assert bitcapital_async.__all__ == sorted(bitcapital_async.__all__)
    assert bitcapital_async.__all__ == [
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


def test_every_name_resolves():
    """Each listed name is importable from the package."""
    for name in bitcapital_async.__all__:
        assert getattr(bitcapital_async, name) is not None
