"""The ``bitcapital-async`` command: ``token``, ``sandbox`` and ``demo``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import importlib.util
import json
import math
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, TextIO

import attrs

from ._client import Bitcapital
from ._credentials import OAuthCredentials
from ._errors import APIError, BitcapitalError
from ._version import __version__
from .sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox

__all__ = ["main"]

# Below this, a token can expire between the check and its arrival on loopback.
MIN_DEMO_LIFETIME = 0.5

# Below this, a token can expire between the check and its arrival on loopback.
MIN_DEMO_LIFETIME = 0.5


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = asyncio.run(args.run(args))
    except BitcapitalError as exc:
        print(f"bitcapital-async: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bitcapital-async",
        description="Async SDK for the Bitcapital Core API: tokens, sandbox, demo.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    token = commands.add_parser(
        "token",
        help="authenticate and show the token's metadata (the token masked)",
        description=(
            "Authenticate with client credentials, or log a user in with "
            "--username. Without flags or BITCAPITAL_* variables, an embedded "
            "sandbox is used."
        ),
    )
    token.add_argument("--base-url", help="instance URL (env BITCAPITAL_BASE_URL)")
    token.add_argument("--client-id", help="client id (env BITCAPITAL_CLIENT_ID)")
    token.add_argument(
        "--client-secret", help="client secret (env BITCAPITAL_CLIENT_SECRET)"
    )
    token.add_argument("--scope", help="space-separated scopes to request")
    token.add_argument(
        "--username", help="log this user in (password grant; env BITCAPITAL_USERNAME)"
    )
    token.add_argument(
        "--password",
        action="store_true",
        help="prompt for the password even if BITCAPITAL_PASSWORD is set "
        "(it is never taken from the command line, where ps would show it)",
    )
    token.add_argument("--json", action="store_true", help="print one JSON object")
    token.set_defaults(run=_token)

    sandbox = commands.add_parser("sandbox", help="serve the embedded sandbox")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=_port, default=8080, help="0 picks a free port")
    sandbox.add_argument("--token-lifetime", type=_positive, default=3600.0)
    sandbox.set_defaults(run=_sandbox)

    demo = commands.add_parser(
        "demo",
        help="many concurrent requests across several token lifetimes",
        description="Always runs against an in-process embedded sandbox.",
    )
    demo.add_argument("--duration", type=_positive, default=12.0, help="seconds")
    demo.add_argument("--concurrency", type=_positive_int, default=200)
    demo.add_argument(
        "--token-lifetime",
        type=_demo_lifetime,
        default=3.0,
        help=f"seconds, at least {MIN_DEMO_LIFETIME:g}",
    )
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")
    demo.set_defaults(run=_demo)
    return parser


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
    return value


def _demo_lifetime(text: str) -> float:
    value = _positive(text)
    if value < MIN_DEMO_LIFETIME:
        raise argparse.ArgumentTypeError(
            f"must be at least {MIN_DEMO_LIFETIME:g} s: shorter tokens expire "
            "while a loopback request is still in flight"
        )
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535: {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


# -- token ------------------------------------------------------------------------


async def _token(args: argparse.Namespace) -> int:
    given = {
        "BITCAPITAL_BASE_URL": args.base_url,
        "BITCAPITAL_CLIENT_ID": args.client_id,
        "BITCAPITAL_CLIENT_SECRET": args.client_secret,
    }
    configured = {name: value or os.environ.get(name) for name, value in given.items()}
    options: dict[str, Any] = {"scope": args.scope} if args.scope else {}
    username = args.username or os.environ.get("BITCAPITAL_USERNAME")
    password = _read_password(username, prompt=args.password)

    async with contextlib.AsyncExitStack() as stack:
        if not any(configured.values()):
            sandbox = await stack.enter_async_context(Sandbox())
            configured = {
                "BITCAPITAL_BASE_URL": sandbox.url,
                "BITCAPITAL_CLIENT_ID": sandbox.client_id,
                "BITCAPITAL_CLIENT_SECRET": sandbox.client_secret,
            }
            print(f"using an embedded sandbox at {sandbox.url}", file=sys.stderr)
            if username:
                print(
                    f"sandbox user: {DEMO_USERNAME} / {DEMO_PASSWORD}", file=sys.stderr
                )
        environ = {k: v or "" for k, v in configured.items()}
        try:
            client = Bitcapital.from_env(environ, **options)
        except ValueError as exc:
            raise BitcapitalError(str(exc)) from None
        await stack.enter_async_context(client)
        if username and password is not None:
            scopes = args.scope.split() if args.scope else None
            user = await client.session.password(username, password, scopes)
        else:
            user = await client.session.client_credentials()
        credentials = client.session.credentials
        if credentials is None:  # pragma: no cover - a login always leaves a token
            raise BitcapitalError("no token after login")

    info = _describe_token(credentials, user_id=user.id)
    if args.json:
        print(json.dumps(info))
    else:
        for key, value in info.items():
            print(f"{key:>13}: {value}")
    return 0


def _read_password(username: str | None, *, prompt: bool) -> str | None:
    """The password for ``username``: from BITCAPITAL_PASSWORD or a silent prompt."""
    if not username:
        return None
    from_env = os.environ.get("BITCAPITAL_PASSWORD")
    if from_env and not prompt:
        return from_env
    if not sys.stdin.isatty():
        raise BitcapitalError(
            "no password: set BITCAPITAL_PASSWORD or run in a terminal to be asked"
        )
    return getpass.getpass(f"password for {username}: ")


def _describe_token(
    credentials: OAuthCredentials, *, user_id: str | None
) -> dict[str, Any]:
    return {
        "token_type": credentials.token_type,
        "access_token": _mask(credentials.access_token),
        "expires_in": credentials.expires_in,
        "expires_at": credentials.expires_at.isoformat(),
        "scope": " ".join(credentials.scope),
        "user_id": user_id,
        "virtual": credentials.virtual,
    }


def _mask(token: str) -> str:
    # Enough to tell two tokens apart in a log, never enough to use one.
    return f"…{token[-4:]} ({len(token)} chars)" if len(token) > 12 else "****"


# -- sandbox ----------------------------------------------------------------------


async def _sandbox(args: argparse.Namespace) -> int:
    sandbox = Sandbox(
        host=args.host, port=args.port, token_lifetime=args.token_lifetime
    )
    try:
        await sandbox.start()
    except OSError as exc:
        raise BitcapitalError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror}"
        ) from None
    try:
        print(f"Bitcapital sandbox listening on {sandbox.url}")
        print(f"  BITCAPITAL_BASE_URL={sandbox.url}")
        print(f"  BITCAPITAL_CLIENT_ID={sandbox.client_id}")
        print(f"  BITCAPITAL_CLIENT_SECRET={sandbox.client_secret}")
        print("Press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()
    return 0


# -- demo -------------------------------------------------------------------------


@attrs.define
class _Tally:
    requests: int = 0
    failures: int = 0
    unauthorized: int = 0
    latencies: list[float] = attrs.field(factory=list)


async def _demo(args: argparse.Namespace) -> int:
    tally = _Tally()
    async with (
        Sandbox(token_lifetime=args.token_lifetime) as sandbox,
        Bitcapital(sandbox.url, sandbox.client_id, sandbox.client_secret) as client,
    ):
        started = time.monotonic()
        deadline = started + args.duration

        async def worker() -> None:
            while time.monotonic() < deadline:
                began = time.perf_counter()
                try:
                    await client.request("GET", "/users/me")
                except APIError as exc:
                    tally.failures += 1
                    tally.unauthorized += exc.status == 401
                except BitcapitalError:
                    tally.failures += 1
                tally.requests += 1
                tally.latencies.append(time.perf_counter() - began)

        async with _progress(sys.stderr, tally, sandbox, started, args.duration):
            await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        duration = time.monotonic() - started
        # The lifetime the manager installed, as it read it from the sandbox.
        current = client.tokens.current
        lifetime = current.expires_in if current else args.token_lifetime

        summary = {
            "requests": tally.requests,
            "failures": tally.failures,
            "unauthorized": tally.unauthorized,
            "token_fetches": sandbox.counters.tokens_issued,
            "waited_for_token": client.tokens.stats.waited,
            "duration_s": round(duration, 3),
            "token_lifetime_s": args.token_lifetime,
            "refresh_margin_s": client.tokens.effective_margin(lifetime),
            "p50_ms": round(_percentile(tally.latencies, 50) * 1000, 3),
            "p99_ms": round(_percentile(tally.latencies, 99) * 1000, 3),
        }

    if args.json:
        print(json.dumps(summary))
    else:
        _print_summary(summary, args.concurrency)
    return 0 if tally.failures == 0 else 1


@contextlib.asynccontextmanager
async def _progress(
    out: TextIO,
    tally: _Tally,
    sandbox: Sandbox,
    started: float,
    duration: float,
) -> AsyncIterator[None]:
    """Live progress on ``out``: a rich bar when rich is installed, else plain lines."""

    def status() -> str:
        return (
            f"{tally.requests} requests, {tally.failures} failed, "
            f"{sandbox.counters.tokens_issued} tokens fetched"
        )

    def elapsed() -> float:
        return min(time.monotonic() - started, duration)

    async def report_rich() -> None:
        # Imported here: rich comes with the optional cli extra.
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = (
            TextColumn("demo"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
        )
        with Progress(*columns, console=Console(file=out), transient=False) as bar:
            task = bar.add_task(status(), total=duration)
            try:
                while True:
                    bar.update(task, completed=elapsed(), description=status())
                    await asyncio.sleep(0.2)
            finally:
                bar.update(task, completed=elapsed(), description=status())

    async def report_plain() -> None:
        try:
            while True:
                await asyncio.sleep(1.0)
                print(f"{elapsed():5.1f}/{duration:g} s  {status()}", file=out)
        finally:
            print(f"{elapsed():5.1f}/{duration:g} s  {status()}", file=out, flush=True)

    has_rich = importlib.util.find_spec("rich") is not None
    task = asyncio.create_task(report_rich() if has_rich else report_plain())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _print_summary(summary: dict[str, Any], concurrency: int) -> None:
    lifetime = summary["token_lifetime_s"]
    margin = summary["refresh_margin_s"]
    expected = math.ceil(summary["duration_s"] / (lifetime - margin))
    print(
        f"{summary['requests']} requests in {summary['duration_s']:.1f} s "
        f"({summary['requests'] / summary['duration_s']:.0f}/s), "
        f"{summary['failures']} failed, {summary['unauthorized']} got a 401.\n"
        f"Token lifetime {lifetime:g} s, refreshed {margin:g} s ahead: "
        f"{summary['token_fetches']} token fetches (about {expected} expected), "
        f"{summary['waited_for_token']} of {concurrency} coroutines waited for a "
        "token (all start together on an empty cache, so all wait for the first).\n"
        f"Latency p50 {summary['p50_ms']:.1f} ms, p99 {summary['p99_ms']:.1f} ms."
    )
