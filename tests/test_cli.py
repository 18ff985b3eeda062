"""The bitcapital-async command, run as a user runs it: a real process."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest


def run(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BITCAPITAL_")}
    return subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "bitcapital_async", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **(env or {})},
        check=False,
    )


class TestDemo:
    def test_json_summary_meets_the_promise(self):
        """demo --json: no failures, no 401s, one token fetch per effective lifetime."""
        result = run(
            "demo",
            "--json",
            "--duration",
            "4",
            "--token-lifetime",
            "1",
            "--concurrency",
            "50",
        )

        summary = json.loads(result.stdout)
        expected = math.ceil(
            summary["duration_s"]
            / (summary["token_lifetime_s"] - summary["refresh_margin_s"])
        )
        assert result.returncode == 0, result.stderr
        assert set(summary) == {
            "requests",
            "failures",
            "unauthorized",
            "token_fetches",
            "waited_for_token",
            "duration_s",
            "token_lifetime_s",
            "refresh_margin_s",
            "p50_ms",
            "p99_ms",
        }
        assert summary["failures"] == 0
        assert summary["unauthorized"] == 0
        assert summary["refresh_margin_s"] == 0.5
        assert abs(summary["token_fetches"] - expected) <= 1
        assert summary["waited_for_token"] == 50
        assert summary["requests"] > 1000
        assert "requests" in result.stderr


class TestToken:
    def test_embedded_sandbox_by_default(self):
        """token with no configuration uses an embedded sandbox and masks the token."""
        result = run("token", "--json")

        info = json.loads(result.stdout)
        assert result.returncode == 0, result.stderr
        assert info["token_type"] == "Bearer"
        assert info["virtual"] is True
        assert info["access_token"].startswith("…")
        assert info["access_token"].endswith("(43 chars)")
        assert info["scope"] == "users:read wallets:read payments:read"
        assert "embedded sandbox" in result.stderr

    def test_password_login_from_the_environment(self):
        """--username logs a user in with the password from BITCAPITAL_PASSWORD."""
        result = run(
            "token",
            "--json",
            "--username",
            "ana@sandbox.invalid",
            env={"BITCAPITAL_PASSWORD": "demo-password"},
        )

        info = json.loads(result.stdout)
        assert result.returncode == 0, result.stderr
        assert info["virtual"] is False
        assert "demo-password" not in result.stdout

    def test_no_password_without_a_terminal(self):
        """Without BITCAPITAL_PASSWORD and no terminal to ask in, one clear error."""
        result = run("token", "--username", "ana@sandbox.invalid")

        assert result.returncode == 1
        assert result.stderr.endswith(
            "bitcapital-async: error: no password: set BITCAPITAL_PASSWORD "
            "or run in a terminal to be asked\n"
        )

    def test_wrong_secret_is_one_clear_line(self):
        """A wrong secret prints one line naming the error and exits 1."""
        result = run(
            "token",
            env={
                "BITCAPITAL_BASE_URL": "http://127.0.0.1:1",
                "BITCAPITAL_CLIENT_ID": "x",
                "BITCAPITAL_CLIENT_SECRET": "nope-nope",
            },
        )

        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith("bitcapital-async: error: unreachable: ")
        assert "nope-nope" not in result.stderr
        assert "Traceback" not in result.stderr

    def test_missing_variable_is_named(self):
        """A partial configuration names the missing variables."""
        result = run("token", env={"BITCAPITAL_BASE_URL": "http://127.0.0.1:1"})

        assert result.returncode == 1
        assert result.stderr == (
            "bitcapital-async: error: missing environment variables: "
            "BITCAPITAL_CLIENT_ID, BITCAPITAL_CLIENT_SECRET\n"
        )


class TestArguments:
    @pytest.mark.parametrize("value", ["0", "-1", "abc", "nan"])
    def test_bad_duration_is_a_usage_error(self, value):
        """A non-positive or non-numeric duration is refused by the parser."""
        result = run("demo", "--duration", value)

        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert "--duration" in result.stderr


class TestUserMistakes:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (
                [
                    "token",
                    "--base-url",
                    "notaurl",
                    "--client-id",
                    "x",
                    "--client-secret",
                    "y",
                ],
                (
                    "bitcapital-async: error: base_url must be an absolute "
                    "http(s) URL, got 'notaurl'\n"
                ),
            ),
            (
                [
                    "token",
                    "--base-url",
                    "http://127.0.0.1:99999",
                    "--client-id",
                    "x",
                    "--client-secret",
                    "y",
                ],
                (
                    "bitcapital-async: error: invalid base_url "
                    "'http://127.0.0.1:99999': Port out of range 0-65535\n"
                ),
            ),
        ],
    )
    def test_bad_base_url_is_one_line(self, args, message):
        """A malformed base URL is one line naming it, exit status 1."""
        result = run(*args)

        assert result.returncode == 1
        assert result.stderr == message

    @pytest.mark.parametrize(
        "args",
        [
            ["sandbox", "--port", "99999"],
            ["sandbox", "--port", "http"],
            ["demo", "--token-lifetime", "0.05"],
        ],
    )
    def test_out_of_range_values_are_usage_errors(self, args):
        """Ports and demo lifetimes out of range are refused by the parser."""
        result = run(*args)

        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert args[1] in result.stderr
