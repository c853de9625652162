"""The production recipe, as an operations team follows it: the README's "Production" lines, run as
they are written. The wheel is built from a clean copy of the source, installed with the pinned
versions into a fresh virtual environment in a folder that has no source code, migrated on a
PostgreSQL database of its own, and served by gunicorn with the Huey consumer on Redis beside it.
Then a person registers through the form, gets the confirmation over SMTP, confirms, joins the
village, writes in it, and reads the village's Atom feed.

Only the values are the test's own: the ``export`` lines get its database, Redis, SMTP server and
address (the README must export exactly the variables set here), and gunicorn binds a free port."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support import FILE_NOT_CHOSEN, ROOT, TEST_DATABASE_URL, readme_blocks, rendered_form, tool_path

REDIS_URL = os.environ.get("COMMUNITY_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.production,
    pytest.mark.skipif(
        not (TEST_DATABASE_URL or "").startswith("postgres"),
        reason="the production recipe needs PostgreSQL: set COMMUNITY_TEST_DATABASE_URL=postgresql://…",
    ),
    pytest.mark.skipif(
        not REDIS_URL, reason="the production recipe needs Redis: set COMMUNITY_TEST_REDIS_URL"
    ),
]

SETUP_TIMEOUT = 420  # seconds: installing every dependency into a fresh environment (pip's cache helps)
WAIT = 60  # seconds for any one thing to happen once the servers run
STAFF_PASSWORD = "kommunens it afdeling"
PASSWORD = "en lang sætning om Stilling"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check: Callable[[], Any], *, timeout: float = WAIT, alive: Callable[[], None]) -> Any:
    """Polls ``check`` until it returns something true; fails with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    while time.monotonic() < deadline:
        alive()
        found = check()
        if found:
            return found
        time.sleep(delay)  # polling, not waiting for a guessed duration
        delay = min(delay * 2, 0.5)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# --- the services the recipe needs ----------------------------------------------------------------


@pytest.fixture
def database() -> Iterator[str]:
    """A PostgreSQL database of the recipe's own on the test server, dropped afterwards."""
    server = sa.make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    name = f"{server.database}_recipe"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


@pytest.fixture
def redis_db() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL  # type: ignore[misc]
    client.flushdb()


@dataclass
class Mailbox:
    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, mailbox
    finally:
        controller.stop()


# --- a browser, as far as the recipe needs one -----------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def encode(fields: list[tuple[str, Any]], multipart: bool) -> tuple[str, bytes]:
    """A form body as a browser sends it; a file input nobody chose a file for is an empty part."""
    if not multipart:
        return "application/x-www-form-urlencoded", urllib.parse.urlencode(fields).encode()
    boundary = "----faelled-recipe-boundary"
    body = b""
    for name, value in fields:
        if value is FILE_NOT_CHOSEN:
            head = f'Content-Disposition: form-data; name="{name}"; filename=""\r\n'
            head += "Content-Type: application/octet-stream\r\n"
            content = b""
        else:
            head, content = f'Content-Disposition: form-data; name="{name}"\r\n', str(value).encode()
        body += f"--{boundary}\r\n{head}\r\n".encode() + content + b"\r\n"
    return f"multipart/form-data; boundary={boundary}", body + f"--{boundary}--\r\n".encode()


class Browser:
    """Keeps cookies (whatever their Secure flag: the test talks plain HTTP to gunicorn) and follows
    redirects, reading pages in English."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def open(
        self, method: str, path: str, fields: list[tuple[str, Any]] | None = None, *, multipart: bool = False
    ) -> tuple[int, str, str]:
        for _hop in range(6):
            request = urllib.request.Request(self.base + path, method=method)
            if fields is not None:
                kind, data = encode(fields, multipart)
                request.add_header("Content-Type", kind)
                request.data = data
            request.add_header("Accept-Language", "en")
            if self.cookies:
                request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            try:
                response = self.opener.open(request, timeout=WAIT)
            except urllib.error.HTTPError as error:
                response = error
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            body = response.read().decode()
            if response.status not in (301, 302, 303):
                return response.status, response.headers.get("Content-Type", ""), body
            location = urllib.parse.urlsplit(response.headers["Location"])
            path = location.path + (f"?{location.query}" if location.query else "")
            method, fields = "GET", None
        raise AssertionError("too many redirects")

    def get(self, path: str) -> str:
        status, _kind, body = self.open("GET", path)
        assert status == 200, f"GET {path}: {status}\n{body[:2000]}"
        return body

    def submit(self, page: str, action: str, changes: dict[str, str] | None = None) -> str:
        """Opens ``page`` and sends its form that posts to ``action`` with ``changes`` typed in."""
        fields, multipart = rendered_form(self.get(page), action, page)
        changes = changes or {}
        fields = [(n, v) for n, v in fields if n not in changes] + list(changes.items())
        status, _kind, body = self.open("POST", action, fields, multipart=multipart)
        assert status == 200, f"POST {action}: {status}\n{body[:2000]}"
        return body


# --- the recipe ------------------------------------------------------------------------------------

EXPORT = re.compile(r"^export (COMMUNITY_[A-Z_]+)=")
SERVERS = ("gunicorn ", "huey_consumer ")


def host_lines() -> list[str]:
    _build, host = readme_blocks("## Production")
    return [line for line in host if line.strip()]


class Processes:
    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen[bytes], Path]] = []

    def start(self, name: str, script: str, cwd: Path, env: dict[str, str]) -> None:
        log = cwd / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["bash", "-c", script], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        self.running.append((name, process, log))

    def check_alive(self) -> None:
        for name, process, log in self.running:
            if process.poll() is not None:
                raise AssertionError(f"{name} stopped with {process.returncode}:\n{log.read_text()[-4000:]}")

    def stop(self) -> None:
        for _name, process, _log in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process, _log in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_the_readme_production_recipe_serves_registration_mail_and_feeds(
    wheel, tmp_path, database, redis_db, smtp
):
    started = time.monotonic()
    smtp_port, mailbox = smtp
    web_port = free_port()
    base_url = f"http://127.0.0.1:{web_port}"
    values = {
        "COMMUNITY_ENV": "production",
        "COMMUNITY_SECRET_KEY": "a long and random secret for the recipe test",
        "COMMUNITY_DATABASE_URL": database,
        "COMMUNITY_REDIS_URL": redis_db,
        "COMMUNITY_MAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "COMMUNITY_BASE_URL": base_url,
        "COMMUNITY_INSTANCE_PATH": str(tmp_path / "state"),
        "COMMUNITY_PROXY_FIX": "1",  # the test is its own proxy: it talks to gunicorn directly
    }
    lines = host_lines()
    exported = [m.group(1) for m in map(EXPORT.match, lines) if m]
    assert sorted(exported) == sorted(values), "the README's production lines export other variables"

    # The host: the wheel and the pinned versions, and no source code beside them.
    host = tmp_path / "host"
    (host / "dist").mkdir(parents=True)
    shutil.copy2(wheel, host / "dist" / wheel.name)
    shutil.copy2(ROOT / "constraints.txt", host / "constraints.txt")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMMUNITY_", "FLASK_", "VIRTUAL_ENV"))}
    env["PATH"] = tool_path()  # python3 and pip of the test's environment (a CI machine has them)

    script: list[str] = []
    prelude: list[str] = []  # what a server's shell has done before it starts: variables, activation
    servers: list[str] = []
    for line in lines:
        found = EXPORT.match(line)
        if found:
            line = f"export {found.group(1)}={shlex.quote(values[found.group(1)])}"
            prelude.append(line)
        elif line.startswith((". ", "source ")):
            prelude.append(line)
        elif line.startswith(SERVERS):
            servers.append(line)
            continue
        script.append(line)
    assert [s.split()[0] for s in servers] == ["gunicorn", "huey_consumer"]
    assert servers[0].count("127.0.0.1:8000") == 1

    # add-staff asks for the password twice, as an operator types it.
    setup = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(script)],
        cwd=host,
        env=env,
        input=f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n".encode(),
        capture_output=True,
        timeout=SETUP_TIMEOUT,
        start_new_session=True,  # no terminal: the password prompt reads standard input
    )
    output = (setup.stdout + setup.stderr).decode()
    assert setup.returncode == 0, output[-6000:]
    assert "Created Stilling at /s/stilling/" in output
    installed = host / "venv"
    check = subprocess.run(
        [installed / "bin" / "python", "-c", "import community; print(community.__file__)"],
        cwd=host, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert check.stdout.startswith(str(installed)), "the app runs from the installed wheel"
    installing = time.monotonic() - started
    print(f"production recipe: installed in {installing:.0f}s")

    processes = Processes()
    try:
        gunicorn = servers[0].replace("127.0.0.1:8000", f"127.0.0.1:{web_port}")
        processes.start("gunicorn", "\n".join([*prelude, "exec " + gunicorn]), host, env)
        processes.start("huey", "\n".join([*prelude, "exec " + servers[1]]), host, env)
        alive = processes.check_alive
        browser = Browser(base_url)

        def healthy() -> bool:
            try:
                return browser.open("GET", "/healthz")[0] == 200
            except OSError:
                return False

        wait_for("gunicorn to answer /healthz", healthy, alive=alive)

        # The invitation the CLI sent (`spaces create --admin-email`) is delivered by the worker.
        invitation = wait_for(
            "the invitation e-mail",
            lambda: [m for m in mailbox.messages if m["To"] == "it@skanderborg.dk"],
            alive=alive,
        )[0]
        assert f"{base_url}/invitations/" in invitation.get_body().get_content()

        # A person registers through the form ...
        welcome = browser.submit(
            "/register",
            "/register",
            {
                "display_name": "Karen Jensen",
                "email": "karen@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "home": "Stilling",
            },
        )
        assert "We have sent you an e-mail" in welcome

        # ... gets the confirmation over SMTP, its link on the configured address ...
        confirmation = wait_for(
            "the confirmation e-mail",
            lambda: [m for m in mailbox.messages if m["To"] == "karen@example.org"],
            alive=alive,
        )[0]
        assert confirmation["Subject"] == "Confirm your e-mail address for Fælled"
        link = re.search(rf"{re.escape(base_url)}(/confirm/\S+)", confirmation.get_body().get_content())
        assert link, confirmation.get_body().get_content()

        # ... confirms, joins the village and writes in it ...
        confirmed = browser.submit(link.group(1), link.group(1))
        assert "Thank you, your e-mail address is confirmed." in confirmed
        joined = browser.submit("/s/stilling/", "/s/stilling/join")
        assert "Write" in joined
        written = browser.submit(
            "/s/stilling/posts/new?kind=discussion",
            "/s/stilling/posts/new?kind=discussion",
            {"title": "Loppemarked på pladsen", "body": "Lørdag kl. 10, alle er velkomne."},
        )
        assert "Loppemarked på pladsen" in written

        # ... and anyone reads the village's Atom feed, with links on the configured address.
        status, kind, feed = Browser(base_url).open("GET", "/s/stilling/feed.atom")
        assert status == 200 and kind.startswith("application/atom+xml")
        atom = {"a": "http://www.w3.org/2005/Atom"}
        root = ET.fromstring(feed)
        assert root.find("a:title", atom).text.startswith("Stilling")
        [entry] = root.findall("a:entry", atom)
        assert entry.find("a:title", atom).text == "Loppemarked på pladsen"
        assert entry.find("a:id", atom).text.startswith(f"{base_url}/s/stilling/posts/")
    finally:
        processes.stop()
    print(f"production recipe: install {installing:.0f}s, all {time.monotonic() - started:.0f}s")
