"""A sandbox served from a thread of its own, for tests on any event loop.

The server's loop never meets the caller's, so a test may run on a loop per
function, per module or per session, or start its own with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any, Final, TypeVar

from .._client import Bitcapital
from ._api import ALL_SCOPES
from ._oauth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxClient
from ._server import Sandbox

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable
    from types import TracebackType

__all__ = ["ThreadedSandbox"]

T = TypeVar("T")

# Starting binds a socket on loopback; far longer than that means it is stuck.
START_TIMEOUT: Final = 10.0
STOP_TIMEOUT: Final = 10.0


class ThreadedSandbox:
    """A running sandbox in its own thread, and a ready client for your loop.

    The demo client holds every scope, so every endpoint is reachable::

        with ThreadedSandbox() as bank:
            async def main() -> None:
                root = await bank.client.wallets.find_root()
            asyncio.run(main())

    Args:
        clients: The OAuth clients the sandbox knows; by default the demo
            client with every scope.
        client_options: Passed to each ``Bitcapital`` client made.
        **sandbox_options: Passed to ``Sandbox`` (``token_lifetime``, ``users``…).
    """

    def __init__(
        self,
        *,
        clients: list[SandboxClient] | None = None,
        client_options: dict[str, Any] | None = None,
        **sandbox_options: Any,
    ) -> None:
        self._sandbox_options = {
            "clients": clients
            or [
                SandboxClient(
                    client_id=DEMO_CLIENT_ID,
                    client_secret=DEMO_CLIENT_SECRET,
                    scopes=ALL_SCOPES,
                )
            ],
            **sandbox_options,
        }
        self._client_options = client_options or {}
        self._sandbox: Sandbox | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._clients: dict[
            asyncio.AbstractEventLoop, tuple[Bitcapital, AsyncGenerator[None]]
        ] = {}

    def __repr__(self) -> str:
        state = "running" if self._sandbox is not None else "stopped"
        return f"<ThreadedSandbox {state}>"

    def __enter__(self) -> ThreadedSandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def sandbox(self) -> Sandbox:
        """The sandbox itself; change its state only through ``call``."""
        if self._sandbox is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._sandbox

    @property
    def url(self) -> str:
        """The sandbox's base URL."""
        return self.sandbox.url

    @property
    def client_id(self) -> str:
        """The first client's id."""
        return self.sandbox.client_id

    @property
    def client_secret(self) -> str:
        """The first client's secret."""
        return self.sandbox.client_secret

    @property
    def client(self) -> Bitcapital:
        """A client of the sandbox for the running event loop, made on first use.

        Each loop gets its own client, closed when the loop shuts down
        (``asyncio.run`` and pytest-asyncio do that) or by ``stop()``.

        Raises:
            RuntimeError: No event loop is running in this thread.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "ThreadedSandbox.client needs a running event loop: use it inside "
                "a coroutine (an async test, or code run by asyncio.run)"
            ) from None

        entry = self._clients.get(loop)
        if entry is None:
            client = Bitcapital(
                self.url, self.client_id, self.client_secret, **self._client_options
            )
            entry = (client, _closer(client))
            _register_with_loop(entry[1])
            self._clients[loop] = entry
        return entry[0]

    def call(self, function: Callable[[Sandbox], T]) -> T:
        """Run ``function(sandbox)`` on the sandbox's thread and return its result.

        Use it to read or seed state without racing the server::

            bank.call(lambda s: s.api.ledger.balance(wallet_id, asset_id))
        """
        loop = self._running_loop()

        async def invoke() -> T:
            return function(self.sandbox)

        return asyncio.run_coroutine_threadsafe(invoke(), loop).result()

    def start(self) -> ThreadedSandbox:
        """Start the sandbox's thread and wait until it serves.

        Raises:
            RuntimeError: It is already running, or did not start in time.
        """
        if self._thread is not None:
            raise RuntimeError("the sandbox is already running")

        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._serve, args=(ready,), name="bitcapital-sandbox", daemon=True
        )
        self._thread.start()
        if not ready.wait(START_TIMEOUT):
            raise RuntimeError("the sandbox did not start in time")
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise RuntimeError("the sandbox failed to start") from self._error
        return self

    def stop(self) -> None:
        """Close the clients this handed out, then stop the sandbox and its thread."""
        self._close_clients()
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STOP_TIMEOUT)
        self._thread = None

    def _serve(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        sandbox: Sandbox | None = None
        try:
            sandbox = Sandbox(**self._sandbox_options)
            loop.run_until_complete(sandbox.start())
        except Exception as exc:  # noqa: BLE001 - handed to start() to raise
            self._error = exc
            if sandbox is not None:
                loop.run_until_complete(sandbox.stop())
            loop.close()
            ready.set()
            return

        self._loop, self._sandbox = loop, sandbox
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(sandbox.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._sandbox = None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or self._sandbox is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._loop

    def _close_clients(self) -> None:
        for loop, (_, closer) in list(self._clients.items()):
            # A loop that is closed already ran its shutdown_asyncgens(), which
            # closed the client; a running one (stop() called from a coroutine)
            # will when asyncio.run ends it.
            if not loop.is_closed() and not loop.is_running():
                loop.run_until_complete(closer.aclose())
        self._clients.clear()


async def _closer(client: Bitcapital) -> AsyncGenerator[None]:
    try:
        yield
    finally:
        await client.aclose()


def _register_with_loop(closer: AsyncGenerator[None]) -> None:
    # Running the generator to its first yield here, synchronously, calls the
    # running loop's first-iteration hook (PEP 525), so the loop tracks it and
    # its shutdown_asyncgens() closes it, and with it the client, on that loop.
    try:
        closer.asend(None).send(None)
    except StopIteration:
        return
    raise RuntimeError("the client closer did not stop at its first yield")
