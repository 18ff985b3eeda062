"""Authorization server metadata: RFC 8414 and OpenID Connect discovery."""

from __future__ import annotations

import json
import logging
from typing import Any, Final

import aiohttp
import attrs
from yarl import URL

from ._errors import DiscoveryError

__all__ = ["ServerMetadata", "discover", "metadata_urls"]

logger = logging.getLogger("bitcapital_async.discovery")

# Metadata documents are a few kilobytes; anything far larger is not one.
_MAX_METADATA_BYTES: Final = 256 * 1024

_DISCOVERY_TIMEOUT: Final = 10.0


@attrs.frozen(kw_only=True)
class ServerMetadata:
    """The parts of an authorization server's metadata a token client uses."""

    issuer: str
    token_endpoint: str
    revocation_endpoint: str | None = None
    introspection_endpoint: str | None = None
    scopes_supported: tuple[str, ...] = ()
    token_endpoint_auth_methods_supported: tuple[str, ...] = ()
    grant_types_supported: tuple[str, ...] = ()


def metadata_urls(issuer: str) -> list[URL]:
    """Where an issuer's metadata may live, in the order to try.

    RFC 8414 §3.1 puts the well-known segment *before* any path of the issuer;
    OpenID Connect Discovery 1.0 §4 appends it after.
    """
    url = URL(issuer.rstrip("/"))
    path = url.path.rstrip("/")
    root = url.with_path("/").with_query(None).with_fragment(None)
    rfc8414 = root.with_path("/.well-known/oauth-authorization-server" + path)
    openid = root.with_path(path + "/.well-known/openid-configuration")
    return [rfc8414, openid]


async def discover(
    issuer: str, *, timeout: float = _DISCOVERY_TIMEOUT
) -> ServerMetadata:
    """Fetch and check an issuer's metadata.

    Raises:
        DiscoveryError: No metadata document was found, it was malformed, or its
            ``issuer`` is not the one asked for (RFC 8414 §3.3).
    """
    failures: list[str] = []
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:
        for url in metadata_urls(issuer):
            document = await _fetch(session, url, failures)
            if document is not None:
                return _check(document, issuer, url)
    raise DiscoveryError(f"no metadata for issuer {issuer}: {'; '.join(failures)}")


async def _fetch(
    session: aiohttp.ClientSession, url: URL, failures: list[str]
) -> dict[str, Any] | None:
    try:
        async with session.get(url, headers={"Accept": "application/json"}) as response:
            if response.status != 200:
                failures.append(f"{url} answered HTTP {response.status}")
                return None
            body = await response.content.read(_MAX_METADATA_BYTES + 1)
    except (aiohttp.ClientError, TimeoutError) as exc:
        failures.append(f"{url}: {type(exc).__name__}")
        return None

    if len(body) > _MAX_METADATA_BYTES:
        raise DiscoveryError(f"{url}: the metadata document is too large")
    try:
        document = json.loads(body)
    except ValueError:
        raise DiscoveryError(f"{url}: the metadata document is not JSON") from None
    if not isinstance(document, dict):
        raise DiscoveryError(f"{url}: the metadata document is not a JSON object")
    return document


def _check(document: dict[str, Any], issuer: str, url: URL) -> ServerMetadata:
    # RFC 8414 §3.3: the issuer in the document must be identical to the one
    # used to build the URL, or an attacker's metadata could be served.
    if document.get("issuer") != issuer:
        raise DiscoveryError(
            f"{url}: metadata names issuer {document.get('issuer')!r}, "
            f"expected {issuer!r}"
        )
    token_endpoint = document.get("token_endpoint")
    if not isinstance(token_endpoint, str) or not token_endpoint:
        raise DiscoveryError(f"{url}: the metadata has no token_endpoint")

    logger.debug("metadata for %s read from %s", issuer, url)
    return ServerMetadata(
        issuer=issuer,
        token_endpoint=token_endpoint,
        revocation_endpoint=_text(document.get("revocation_endpoint")),
        introspection_endpoint=_text(document.get("introspection_endpoint")),
        scopes_supported=_strings(document.get("scopes_supported")),
        token_endpoint_auth_methods_supported=_strings(
            document.get("token_endpoint_auth_methods_supported")
        ),
        grant_types_supported=_strings(document.get("grant_types_supported")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))
