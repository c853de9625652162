"""A real OpenID Provider for the tests: ``provider.mjs`` (the ``oidc-provider`` package from npm) run by
Node on 127.0.0.1, started by ``running_provider`` and stopped after."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "faelled"
CLIENT_SECRET = "faelled-test-secret"
#: The CPR number the provider's test account "anna" carries (in three claims).
ANNA_CPR = ("0102031234", "010203-1234")


#: oidc-provider 9 (and its jose) need Node 20 or later: the Web Crypto global, unflagged since 19.
NODE_MAJOR = 20


def in_ci() -> bool:
    """The environment variable CI is set, as CI services set it (CI=true; ``.ci/run`` acts on it)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _node_major(node: str) -> int | None:
    try:
        found = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    number = re.match(r"v(\d+)\.", found.stdout.strip())
    return int(number.group(1)) if number else None


def _why_not() -> str | None:
    node = shutil.which("node")
    if node is None:
        return "the OpenID Connect tests need Node.js (node) to run the test provider"
    major = _node_major(node)
    if major is None or major < NODE_MAJOR:
        return f"the OpenID Connect tests need Node.js {NODE_MAJOR} or later (found {major or 'none'})"
    if not (ROOT / "node_modules" / "oidc-provider").exists():
        return "the OpenID Connect tests need oidc-provider in node_modules (run `npm ci`)"
    return None


def missing() -> str | None:
    """Why the test provider cannot run here, or None. Locally a test that needs it skips with this
    reason (``require_provider``); with CI set it FAILS instead, with the reason: CI must run the
    OpenID Connect tests, never skip them. Call it while a test runs (in a fixture), never at import:
    a failure while collecting would stop the whole run."""
    reason = _why_not()
    if reason is not None and in_ci():
        pytest.fail(f"{reason}; CI is set, and CI must run them (.ci/run installs Node)", pytrace=False)
    return reason


def require_provider() -> None:
    """Skips the test (locally) or fails it (CI) when the test provider cannot run."""
    reason = missing()
    if reason is not None:
        pytest.skip(reason)


def _discovery_answers(issuer: str, deadline: float) -> None:
    """Polls the discovery document until it answers (no fixed sleep), or fails at the deadline."""
    url = f"{issuer}/.well-known/openid-configuration"
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and json.load(response)["issuer"] == issuer:
                    return
        except OSError as exc:  # not listening yet
            last = exc
    raise RuntimeError(f"the test OpenID provider did not answer at {url}: {last}")


@contextmanager
def running_provider(redirect_uris: list[str], timeout: float = 30.0) -> Iterator[str]:
    """Starts the provider for ``redirect_uris``; yields its issuer URL."""
    env = {
        **os.environ,
        "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "NODE_NO_WARNINGS": "1",
    }
    process = subprocess.Popen(
        ["node", str(SCRIPT)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        deadline = time.monotonic() + timeout
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        if not ready:
            raise RuntimeError("the test OpenID provider did not start")
        issuer = json.loads(process.stdout.readline())["issuer"]
        _discovery_answers(issuer, deadline)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def provider_config(issuer: str, **extra: str) -> dict[str, str]:
    return {"issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **extra}


def sign_in(session, start_url: str, username: str, password: str, back_to: str) -> str:
    """As a browser would: from the provider's authorization URL through its sign-in page; returns the
    URL the provider sends the person back to (starting with ``back_to``), without following it."""
    response = session.get(start_url, allow_redirects=True, timeout=10)
    action = re.search(r'action="([^"]+)"', response.text)
    assert action, response.text[:500]
    response = session.post(
        urljoin(response.url, action.group(1)),
        data={"username": username, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    location = response.headers["Location"]
    while not location.startswith(back_to):
        response = session.get(urljoin(response.url, location), allow_redirects=False, timeout=10)
        location = response.headers["Location"]
    return location
