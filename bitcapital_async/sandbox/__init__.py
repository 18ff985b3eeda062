"""An embedded Bitcapital Core sandbox to develop and test against.

Start one in a test or a script::

    async with Sandbox(token_lifetime=5) as sandbox:
        async with Bitcapital(
            sandbox.url, sandbox.client_id, sandbox.client_secret
        ) as client:
            print(await client.users.me())
"""

from ._faults import Faults, Reply, Route
from ._oauth import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    IssuedToken,
    SandboxClient,
    SandboxCounters,
    SandboxUser,
    api_error,
)
from ._server import Sandbox

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "Faults",
    "IssuedToken",
    "Reply",
    "Route",
    "Sandbox",
    "SandboxClient",
    "SandboxCounters",
    "SandboxUser",
    "api_error",
]
