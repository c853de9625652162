"""What the load and fault tests drive: a database made for the run, the real app under gunicorn as a
subprocess, a small cookie-keeping HTTP client on the standard library, and a TCP proxy to PostgreSQL
that can be cut to simulate an outage. Everything stays on 127.0.0.1."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.support import TEST_DATABASE_URL, make_config, reset_schema

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "load-test-secret"
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition: Any, *, timeout: float, what: str, interval: float = 0.05) -> Any:
    """Polls ``condition`` until it returns something truthy, within a bounded deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(interval)  # the interval of a bounded poll


# --- databases ---------------------------------------------------------------------------------------


def postgres_url() -> sa.URL | None:
    """The PostgreSQL server of the test run (``COMMUNITY_TEST_DATABASE_URL``), if there is one."""
    if not TEST_DATABASE_URL or not TEST_DATABASE_URL.startswith("postgres"):
        return None
    return sa.make_url(TEST_DATABASE_URL).set(drivername="postgresql")


def _admin_execute(statement: str) -> None:
    import psycopg

    admin = postgres_url().set(database="postgres")  # type: ignore[union-attr]
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(statement)


@contextmanager
def postgres_database(name: str) -> Iterator[sa.URL]:
    """A database of its own on the test server (never the one the rest of the suite uses)."""
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url().set(database=name)  # type: ignore[union-attr]
    finally:
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Seeded:
    url: str
    #: e-mail -> (user id, session token) of the confirmed accounts made for the virtual users
    users: dict[str, tuple[int, str]]
    #: user id -> ids of their unread notifications
    notifications: dict[int, list[int]]
    cookies: dict[str, str] = field(default_factory=dict)  # e-mail -> a signed session cookie


def migrate_and_seed(instance: Path, url: str, *, users: int = 0, notifications: int = 0) -> Seeded:
    """Migrates with Alembic, seeds the Skanderborg demo and ``users`` confirmed accounts
    (load1@example.org …), each a member of Stilling, with ``notifications`` unread notifications."""
    from community import create_app
    from community.accounts.services import create_user
    from community.demo import seed_demo
    from community.extensions import db
    from community.notifications.services import notify
    from community.spaces import services as spaces

    app = create_app(make_config(instance, url, SECRET_KEY=SECRET_KEY))
    reset_schema(app)
    made: dict[str, tuple[int, str]] = {}
    notes: dict[int, list[int]] = {}
    cookies: dict[str, str] = {}
    with app.app_context():
        seed_demo()
        stilling = spaces.space_by_slug("stilling")
        for n in range(1, users + 1):
            user = create_user(
                email=f"load{n}@example.org", password="load-test-pw", display_name=f"Load {n}"
            )
            spaces.add_member(stilling, user)
            notes[user.id] = [
                notify(user, "membership.approved", email=False, space="Stilling", space_slug="stilling").id
                for _ in range(notifications)
            ]
            made[user.email] = (user.id, user.session_token)
        db.session.commit()
        # A signed session as the login form would leave it (what the suite's ``login`` fixture does):
        # /login allows 20 attempts a minute per address, and every virtual user comes from 127.0.0.1.
        serializer = app.session_interface.get_signing_serializer(app)
        for email, (_id, token) in made.items():
            cookies[email] = serializer.dumps({"_user_id": token, "_fresh": True})
        db.engine.dispose()
    return Seeded(url=url, users=made, notifications=notes, cookies=cookies)


# --- the server ----------------------------------------------------------------------------------------


class Gunicorn:
    """``gunicorn "community:create_app()"`` with 2 workers on a free loopback port, in a process group
    of its own so a test can kill master and workers at once."""

    def __init__(self, url: str, instance: Path, log: Path, *, workers: int = 2, threads: int = 4) -> None:
        self.url, self.instance, self.log_path = url, instance, log
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMMUNITY_")}
        env.update(
            COMMUNITY_ENV="testing",
            COMMUNITY_DATABASE_URL=self.url,
            COMMUNITY_SECRET_KEY=SECRET_KEY,
            COMMUNITY_INSTANCE_PATH=str(self.instance),
            COMMUNITY_BASE_URL=f"http://127.0.0.1:{self.port}",
            COMMUNITY_LOG_LEVEL="WARNING",
            # Hundreds of people from one loopback address, as fast as they can: the rate limits
            # (tests/test_security.py) would answer most of it with 429, which is not what is measured.
            COMMUNITY_RATELIMIT_ENABLED="0",
            PYTHONPATH=str(ROOT),
        )
        return env

    def start(self) -> Gunicorn:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--keep-alive",
            "75",
            "--timeout",
            "60",
            "--bind",
            f"127.0.0.1:{self.port}",
            "community:create_app()",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env(), stdout=log, stderr=log, start_new_session=True
            )
        wait_until(self._healthy, timeout=30, what=f"gunicorn on port {self.port}")
        return self

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
        try:
            return Browser(self.port).get("/healthz").status in (200, 503)
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL to master and workers together (the whole process group), as a power cut would."""
        assert self.process is not None
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        wait_until(lambda: not _group_alive(self.process.pid), timeout=30, what="the workers to die")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


# --- the client ----------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    location: str
    body: str
    seconds: float

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.location).path


class Browser:
    """One person: a keep-alive connection, cookies, the CSRF token of the session, English pages."""

    def __init__(self, port: int, *, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = dict(cookies or {})
        self.csrf: str | None = None
        self.conn: http.client.HTTPConnection | None = None

    def _send(self, method: str, path: str, body: str | None) -> Response:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Accept-Language": "en", "User-Agent": "faelled-load-test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        raw = self.conn.getresponse()
        text = raw.read().decode("utf-8", "replace")
        seconds = time.perf_counter() - started
        for header in raw.msg.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        if (found := CSRF.search(text)) is not None:
            self.csrf = found.group(1)
        return Response(raw.status, raw.getheader("Location", ""), text, seconds)

    def get(self, path: str) -> Response:
        try:
            return self._send("GET", path, None)
        except (OSError, http.client.HTTPException):
            self.close()  # a keep-alive connection the server closed: a GET may be sent again
            return self._send("GET", path, None)

    def post(self, path: str, data: dict[str, str]) -> Response:
        form = {**data, "csrf_token": self.csrf or ""}
        try:
            return self._send("POST", path, urllib.parse.urlencode(form))
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- a TCP proxy to cut ----------------------------------------------------------------------------------


class Proxy:
    """Forwards 127.0.0.1:<port> to a target; ``cut()`` drops every connection and refuses new ones
    (they are accepted and closed at once), ``restore()`` forwards again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.up = True
        self.closed = False
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True, name="proxy-accept").start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            with self.lock:
                self.sockets.difference_update((source, sink))

    def cut(self) -> None:
        self.up = False
        with self.lock:
            doomed = list(self.sockets)
        for s in doomed:
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.server.close()
