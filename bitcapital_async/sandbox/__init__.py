"""An embedded Bitcapital Core sandbox to develop and test against.

Start one in a test or a script::

    async with Sandbox(token_lifetime=5) as sandbox:
        async with Bitcapital(
            sandbox.url, sandbox.client_id, sandbox.client_secret
        ) as client:
            print(await client.users.me())

In a test suite on any event loop, ``ThreadedSandbox`` (or the
``bitcapital_sandbox`` pytest fixture) serves one from a thread of its own.
"""

from ._api import ALL_SCOPES, SandboxAPI, SignedRequest
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
from ._state import SandboxError
from ._thread import ThreadedSandbox

__all__ = [
    "ALL_SCOPES",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "Faults",
    "IssuedToken",
    "Reply",
    "Route",
    "Sandbox",
    "SandboxAPI",
    "SandboxClient",
    "SandboxCounters",
    "SandboxError",
    "SandboxUser",
    "SignedRequest",
    "ThreadedSandbox",
    "api_error",
]
