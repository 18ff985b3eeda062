"""Fixtures for interoperability tests against a real OAuth 2.0 server.

The server is ``oidc-provider`` (panva), run by ``tests/interop/server.mjs`` on
127.0.0.1. It needs Node.js >= 20 and the npm packages pinned in
``tests/interop/package-lock.json``::

    npm ci --prefix tests/interop

Without them the interop tests are skipped locally and fail when ``CI=true``.
Every test in this directory is marked ``interop`` (deselect with ``-m "not interop"``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote_plus

import aiohttp
import pytest

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator, Mapping

INTEROP_DIR = Path(__file__).resolve().parent
SERVER_SCRIPT = INTEROP_DIR / "server.mjs"
MIN_NODE_MAJOR = 20
STARTUP_TIMEOUT = 20.0  # seconds, whole startup incl. discovery
SHUTDOWN_TIMEOUT = 5.0
HTTP_TIMEOUT = 10.0  # seconds, per helper request
DEFAULT_TOKEN_TTL = int(os.environ.get("INTEROP_TOKEN_TTL", "4"))

SETUP_HINT = (
    f"needs Node.js >= {MIN_NODE_MAJOR} on PATH and the pinned npm packages: "
    "run `npm ci --prefix tests/interop`"
)


@dataclass(frozen=True)
class Client:
    """A client registered in server.mjs (keep the two in sync)."""

    client_id: str
    client_secret: str
    auth_method: str  # token_endpoint_auth_method, enforced by server.mjs
    scope: str | None = None  # allow-list; None means any scope the server knows


BASIC_CLIENT = Client(
    "basic-client", "s3cr/t+:%@ with space&=?#", "client_secret_basic"
)
POST_CLIENT = Client("post-client", "p0st&secret=+/%", "client_secret_post")
SCOPED_CLIENT = Client(
    "scoped-client", "scoped-secret", "client_secret_basic", scope="read"
)
RESOURCE_SERVER = Client("resource-server", "rs s3cret:/+%", "client_secret_basic")
KNOWN_SCOPES = ("read", "write")


def form_urlencode(value: str) -> str:
    """application/x-www-form-urlencoded encoding of one value (space -> '+')."""
    return quote_plus(value, safe="")


def basic_auth_header(client_id: str, client_secret: str) -> str:
    """``Authorization`` value for client_secret_basic per RFC 6749 §2.3.1.

    Both parts are form-urlencoded *before* base64; oidc-provider decodes them that
    way and rejects a secret like ``%@`` sent raw (RFC 7617 style) with invalid_request.
    """
    pair = f"{form_urlencode(client_id)}:{form_urlencode(client_secret)}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


@dataclass(frozen=True, eq=False)
class OIDCServer:
    """A running oidc-provider instance, as yielded by the ``oidc_server`` fixture."""

    issuer: str
    port: int
    discovery_url: str
    token_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    resource_url: str  # GET, Bearer-protected; optional ?scope=a+b
    token_ttl: int  # expires_in of client_credentials tokens, seconds
    metadata: Mapping[str, Any]  # the discovery document
    log_path: Path  # the server's stderr
    basic_client: Client = BASIC_CLIENT
    post_client: Client = POST_CLIENT
    scoped_client: Client = SCOPED_CLIENT
    resource_server: Client = RESOURCE_SERVER
    known_scopes: tuple[str, ...] = KNOWN_SCOPES
    clients: tuple[Client, ...] = field(
        default=(BASIC_CLIENT, POST_CLIENT, SCOPED_CLIENT, RESOURCE_SERVER)
    )

    async def introspect(
        self, token: str, *, as_client: Client | None = None
    ) -> dict[str, Any]:
        """RFC 7662 introspection, by default as ``resource-server``; JSON body."""
        client = as_client or self.resource_server
        async with (
            _session() as session,
            session.post(
                self.introspection_endpoint,
                data={"token": token, "token_type_hint": "access_token"},
                headers={
                    "Authorization": basic_auth_header(
                        client.client_id, client.client_secret
                    ),
                    "Accept": "application/json",
                },
            ) as resp,
        ):
            body = await resp.text()
            if resp.status != 200:
                raise AssertionError(f"introspection failed: HTTP {resp.status} {body}")
            result: dict[str, Any] = json.loads(body)
            return result

    async def revoke(self, token: str, client: Client) -> int:
        """RFC 7009 revocation as the token's owner; returns the HTTP status."""
        data = {"token": token, "token_type_hint": "access_token"}
        headers = {}
        if client.auth_method == "client_secret_post":
            data.update(client_id=client.client_id, client_secret=client.client_secret)
        else:
            headers["Authorization"] = basic_auth_header(
                client.client_id, client.client_secret
            )
        async with (
            _session() as session,
            session.post(self.revocation_endpoint, data=data, headers=headers) as resp,
        ):
            await resp.read()
            return resp.status


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> NoReturn:
    message = f"interop server unavailable: {reason}; {SETUP_HINT}"
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _find_node() -> str:
    node = shutil.which("node")
    if node is None:
        _unavailable("`node` not found on PATH")
    try:
        version = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [node, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        major = int(version.lstrip("v").split(".")[0])
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        _unavailable(f"could not run `node --version`: {exc!r}")
    if major < MIN_NODE_MAJOR:
        _unavailable(f"Node.js {version} is too old")
    return node


def _check_node_modules() -> None:
    wanted = json.loads((INTEROP_DIR / "package.json").read_text())["dependencies"]
    for name, version in wanted.items():
        manifest = INTEROP_DIR / "node_modules" / name / "package.json"
        if not manifest.is_file():
            _unavailable(
                f"npm package {name} is not installed in tests/interop/node_modules"
            )
        installed = json.loads(manifest.read_text()).get("version")
        if installed != version:
            _unavailable(
                f"npm package {name} is {installed}, package.json pins {version}"
            )


def _http_get_json(url: str, timeout: float) -> Any:
    # No proxies: the server is on loopback and HTTP(S)_PROXY must not interfere.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as resp:
        return json.loads(resp.read())


def _wait_for_startup(
    proc: subprocess.Popen[bytes], lines: queue.Queue[bytes], deadline: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (the server's JSON announcement, its discovery document)."""
    try:
        first = lines.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        msg = f"did not report its address within {STARTUP_TIMEOUT:.0f}s"
        raise RuntimeError(msg) from None
    if not first:
        raise RuntimeError("exited during startup")
    announced: dict[str, Any] = json.loads(first)

    discovery_url = f"{announced['issuer']}/.well-known/openid-configuration"
    while True:
        if proc.poll() is not None:
            raise RuntimeError("exited during startup")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            msg = f"did not serve discovery within {STARTUP_TIMEOUT:.0f}s"
            raise RuntimeError(msg)
        try:
            metadata = _http_get_json(discovery_url, timeout=min(2.0, remaining))
        except (OSError, ValueError):  # URLError/HTTPError are OSErrors
            time.sleep(0.1)
            continue
        if (
            not isinstance(metadata, dict)
            or metadata.get("issuer") != announced["issuer"]
        ):
            msg = f"served unexpected discovery document: {metadata!r}"
            raise RuntimeError(msg)
        return announced, metadata


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        if proc.stdin is not None:
            proc.stdin.close()
    proc.terminate()
    try:
        proc.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=SHUTDOWN_TIMEOUT)


@contextlib.contextmanager
def start_oidc_server(
    log_dir: Path, *, token_ttl: int = DEFAULT_TOKEN_TTL
) -> Iterator[OIDCServer]:
    """Run server.mjs on a free 127.0.0.1 port until the context exits.

    Skips (or fails under CI) when Node or the npm packages are missing; raises
    RuntimeError, with the server's stderr, when the server itself misbehaves.
    """
    node = _find_node()
    _check_node_modules()

    log_path = log_dir / "oidc-provider.stderr.log"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with log_path.open("wb") as log:
        # Port 0: the server binds a free port itself and reports it (no race).
        proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [node, str(SERVER_SCRIPT), "0"],
            cwd=INTEROP_DIR,
            env={**os.environ, "TOKEN_TTL": str(token_ttl), "EXIT_ON_STDIN_EOF": "1"},
            stdin=subprocess.PIPE,  # closing it (or our death) makes the server exit
            stdout=subprocess.PIPE,
            stderr=log,
        )
        stdout = proc.stdout
        assert stdout is not None
        lines: queue.Queue[bytes] = queue.Queue()

        def pump_stdout() -> None:  # also keeps the pipe drained
            for line in stdout:
                lines.put(line)
            lines.put(b"")

        reader = threading.Thread(target=pump_stdout, daemon=True)
        reader.start()
        try:
            try:
                announced, metadata = _wait_for_startup(proc, lines, deadline)
            except RuntimeError as exc:
                log.flush()
                tail = log_path.read_text(errors="replace")[-2000:]
                msg = f"oidc-provider {exc} (exit code {proc.poll()}); stderr:\n{tail}"
                raise RuntimeError(msg) from None
            yield OIDCServer(
                issuer=announced["issuer"],
                port=int(announced["port"]),
                discovery_url=f"{announced['issuer']}/.well-known/openid-configuration",
                token_endpoint=metadata["token_endpoint"],
                revocation_endpoint=metadata["revocation_endpoint"],
                introspection_endpoint=metadata["introspection_endpoint"],
                resource_url=announced["resource_url"],
                token_ttl=token_ttl,
                metadata=metadata,
                log_path=log_path,
            )
        finally:
            _stop(proc)
            reader.join(timeout=SHUTDOWN_TIMEOUT)
            stdout.close()


@pytest.fixture(scope="session")
def oidc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCServer]:
    """One oidc-provider for the whole session (tokens expire after ``token_ttl`` s)."""
    with start_oidc_server(tmp_path_factory.mktemp("oidc-provider")) as server:
        yield server


@pytest.fixture
def introspect(oidc_server: OIDCServer) -> Callable[[str], Awaitable[dict[str, Any]]]:
    """``await introspect(token)`` -> RFC 7662 response (asked as resource-server)."""
    return oidc_server.introspect


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "interop: talks to a real OAuth 2.0 server (Node.js oidc-provider)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if INTEROP_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.interop)
