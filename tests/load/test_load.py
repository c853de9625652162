"""The real app under gunicorn (2 workers): 100 people reading and writing at once, a kill -9 in the
middle of registrations, and a PostgreSQL outage. Each runs on SQLite and, when
``COMMUNITY_TEST_DATABASE_URL`` names a PostgreSQL server, on a database of its own there."""

from __future__ import annotations

import http.client
import itertools
import json
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.load.harness import (
    Browser,
    Gunicorn,
    Proxy,
    Response,
    Seeded,
    migrate_and_seed,
    postgres_database,
    postgres_url,
    wait_until,
)

pytestmark = pytest.mark.slow

DURATION = 60.0  # seconds of load
MAX_REQUESTS = 20_000  # whichever comes first
MAX_REGISTRATIONS = 60  # Argon2 at its production cost: ~50-100 ms of CPU each
PASSWORD = "a long load-test password"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for one test: a SQLite file, or a PostgreSQL database made for it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'faelled.sqlite'}"
        return
    if postgres_url() is None:
        pytest.skip("PostgreSQL: set COMMUNITY_TEST_DATABASE_URL=postgresql://… to run this on PostgreSQL")
    name = "faelled_" + request.node.originalname.removeprefix("test_")[:40]
    with postgres_database(name) as url:
        yield url.render_as_string(hide_password=False)


def engine_for(url: str) -> sa.Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def registration(tag: str) -> dict[str, str]:
    return {
        "display_name": f"Reg {tag}",
        "email": f"reg-{tag}-{uuid.uuid4().hex[:8]}@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "home": "Stilling",
        "next": "",
    }


# --- the load test ---------------------------------------------------------------------------------------


@dataclass
class Run:
    port: int
    seeded: Seeded
    deadline: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    registrations: int = 0
    # acknowledged writes
    registered: list[str] = field(default_factory=list)
    display_names: dict[str, str] = field(default_factory=dict)  # e-mail -> last acknowledged name
    membership: dict[str, bool] = field(default_factory=dict)  # e-mail -> member after the last ack
    joins_and_leaves: int = 0
    read: set[int] = field(default_factory=set)  # notification ids
    read_all: set[int] = field(default_factory=set)  # user ids

    def going(self) -> bool:
        return time.monotonic() < self.deadline and self.requests < MAX_REQUESTS

    def record(self, method: str, path: str, response: Response, expected: int) -> Response:
        with self.lock:
            self.requests += 1
            self.latencies.append(response.seconds)
            self.statuses[response.status] += 1
            if response.status >= 500:
                self.server_errors.append(f"{method} {path} -> {response.status}")
            elif response.status != expected:
                self.unexpected.append(f"{method} {path} -> {response.status} {response.location}")
        return response

    def get(self, browser: Browser, path: str, expected: int = 200) -> Response | None:
        try:
            return self.record("GET", path, browser.get(path), expected)
        except (OSError, http.client.HTTPException) as exc:
            self.transport_errors.append(f"GET {path}: {exc!r}")
            return None

    def post(self, browser: Browser, path: str, data: dict[str, str]) -> Response | None:
        try:
            return self.record("POST", path, browser.post(path, data), 302)
        except (OSError, http.client.HTTPException) as exc:
            self.transport_errors.append(f"POST {path}: {exc!r}")
            return None

    # the people ---------------------------------------------------------------------------------------

    def browser_for(self, email: str) -> Browser:
        return Browser(self.port, cookies={"session": self.seeded.cookies[email]})

    def anonymous_reader(self, _n: int) -> None:
        browser = Browser(self.port)
        for path in itertools.cycle(["/", "/villages/", "/s/stilling/", "/helpdesk/", "/s/hoerning/"]):
            if not self.going():
                break
            self.get(browser, path)

    def member_reader(self, email: str) -> None:
        browser = self.browser_for(email)
        for path in itertools.cycle(["/s/stilling/members", "/", "/notifications/", "/villages/"]):
            if not self.going():
                break
            self.get(browser, path)

    def joiner(self, email: str) -> None:
        """Leaves and joins Stilling, over and over; members see the member list between."""
        browser = self.browser_for(email)
        self.get(browser, "/s/stilling/")  # for the CSRF token
        member = True  # the seed made every load user a member of Stilling
        while self.going():
            response = self.post(browser, "/s/stilling/leave" if member else "/s/stilling/join", {})
            if response is None or response.status != 302 or response.path != "/s/stilling/":
                continue
            page = self.get(browser, "/s/stilling/")  # the flash says whether it was done
            if page is None:
                continue
            if member and "You have left" in page.body:
                member = False
            elif not member and "Welcome to" in page.body:
                member = True
            else:
                self.unexpected.append(f"{email}: no confirmation after {'leave' if member else 'join'}")
                continue
            with self.lock:
                self.membership[email] = member
                self.joins_and_leaves += 1
            if member:
                self.get(browser, "/s/stilling/members")

    def editor(self, email: str) -> None:
        """Renames themself, and marks their notifications read one by one, then all at once."""
        user_id = self.seeded.users[email][0]
        unread = list(self.seeded.notifications[user_id])
        browser = self.browser_for(email)
        self.get(browser, "/profile")
        for k in itertools.count():
            if not self.going():
                break
            name = f"Load {user_id} v{k}"
            profile = {"display_name": name, "locale": "", "home": "Stilling", "email_notifications": "y"}
            response = self.post(browser, "/profile", profile)
            if response is not None and response.status == 302 and response.path == "/profile":
                self.display_names[email] = name
            if unread:
                note = unread.pop()
                response = self.post(browser, f"/notifications/{note}/read", {})
                if response is not None and response.status == 302 and response.path == "/s/stilling/":
                    self.read.add(note)
            elif user_id not in self.read_all:
                response = self.post(browser, "/notifications/read-all", {})
                if response is not None and response.status == 302 and response.path == "/notifications/":
                    self.read_all.add(user_id)
            self.get(browser, "/notifications/")

    def registrant(self, n: int) -> None:
        """Registers new accounts (registering logs in), renames the new account, reads a page."""
        for k in itertools.count():
            with self.lock:
                allowed = self.registrations < MAX_REGISTRATIONS
                self.registrations += allowed
            if not self.going():
                break
            if not allowed:
                self.anonymous_reader(n)
                break
            browser = Browser(self.port)
            self.get(browser, "/register")
            data = registration(f"{n}-{k}")
            response = self.post(browser, "/register", data)
            if response is None or response.status != 302 or response.path != "/":
                continue
            self.registered.append(data["email"])
            name = f"Renamed {n}-{k}"
            profile = {"display_name": name, "locale": "en", "home": "Stilling", "email_notifications": "y"}
            self.get(browser, "/profile")
            response = self.post(browser, "/profile", profile)
            if response is not None and response.status == 302 and response.path == "/profile":
                self.display_names[data["email"]] = name
            self.get(browser, "/")


def run_load(port: int, seeded: Seeded) -> tuple[Run, float]:
    run = Run(port, seeded)
    emails = sorted(seeded.users, key=lambda e: seeded.users[e][0])
    people = (
        [(run.joiner, e) for e in emails[:30]]
        + [(run.editor, e) for e in emails[30:45]]
        + [(run.member_reader, e) for e in emails[45:60]]
        + [(run.anonymous_reader, n) for n in range(30)]
        + [(run.registrant, n) for n in range(10)]
    )
    assert len(people) == 100
    threads = [threading.Thread(target=work, args=(arg,), daemon=True) for work, arg in people]
    started = time.monotonic()
    run.deadline = started + DURATION
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION + 120)
    assert not any(t.is_alive() for t in threads), "a virtual user did not finish"
    return run, time.monotonic() - started


def test_a_hundred_people_at_once_lose_nothing(database, tmp_path, capsys):
    instance = tmp_path / "instance"
    seeded = migrate_and_seed(instance, database, users=60, notifications=3)
    server = Gunicorn(database, instance, tmp_path / "gunicorn.log").start()
    try:
        run, seconds = run_load(server.port, seeded)
    finally:
        server.stop()
    log = server.log()
    engine_name = database.split(":", 1)[0]
    latencies = sorted(run.latencies)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    with capsys.disabled():
        print(
            f"\n[load {engine_name}] {run.requests} requests in {seconds:.1f} s"
            f" = {run.requests / seconds:.0f} rps;"
            f" p50 {p50:.0f} ms, p99 {p99:.0f} ms; 5xx {len(run.server_errors)},"
            f" unexpected {len(run.unexpected)}, transport errors {len(run.transport_errors)};"
            f" {len(run.registered)} registrations, {run.joins_and_leaves} joins/leaves,"
            f" {len(run.display_names)} renames, {len(run.read)} + {len(run.read_all)} reads acknowledged;"
            f" statuses {dict(run.statuses)}"
        )

    assert not run.server_errors, f"{len(run.server_errors)} 5xx: {run.server_errors[:10]}\n{log[-3000:]}"
    assert "database is locked" not in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    assert not run.transport_errors, run.transport_errors[:10]
    assert not run.unexpected, run.unexpected[:10]
    assert run.registered and run.joins_and_leaves and run.read, "the load wrote too little to check"

    engine = engine_for(database)
    with engine.connect() as conn:
        users = dict(conn.execute(sa.text('SELECT email, display_name FROM "user"')).all())
        ids = dict(conn.execute(sa.text('SELECT email, id FROM "user"')).all())
        stilling = conn.execute(sa.text("SELECT id FROM space WHERE slug = 'stilling'")).scalar_one()
        members = set(
            conn.execute(
                sa.text("SELECT user_id FROM membership WHERE space_id = :s AND status = 'active'"),
                {"s": stilling},
            ).scalars()
        )
        unread = set(conn.execute(sa.text("SELECT id FROM notification WHERE read_at IS NULL")).scalars())
        unread_users = set(
            conn.execute(sa.text("SELECT user_id FROM notification WHERE read_at IS NULL")).scalars()
        )
    engine.dispose()
    missing = [e for e in run.registered if e not in users]
    assert not missing, f"acknowledged registrations missing: {missing}"
    wrong_names = {e: (n, users.get(e)) for e, n in run.display_names.items() if users.get(e) != n}
    assert not wrong_names, f"last acknowledged name (wanted, found): {wrong_names}"
    wrong_membership = {e: m for e, m in run.membership.items() if (ids[e] in members) != m}
    assert not wrong_membership, (
        f"membership differs from the last acknowledged join/leave: {wrong_membership}"
    )
    assert not (run.read & unread), f"acknowledged as read, still unread: {run.read & unread}"
    assert not (run.read_all & unread_users), (
        f"read-all acknowledged, unread left: {run.read_all & unread_users}"
    )


# --- kill -9 ---------------------------------------------------------------------------------------------


def test_kill_9_in_the_middle_of_registrations_loses_no_acknowledged_one(database, tmp_path, capsys):
    instance = tmp_path / "instance"
    migrate_and_seed(instance, database)
    server = Gunicorn(database, instance, tmp_path / "gunicorn.log").start()
    acknowledged: list[str] = []
    in_flight = Counter()
    stop = threading.Event()

    def writer(n: int) -> None:
        for k in itertools.count():
            if stop.is_set():
                return
            browser = Browser(server.port)
            data = registration(f"crash-{n}-{k}")
            try:
                browser.get("/register")
                in_flight[n] += 1
                response = browser.post("/register", data)
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            finally:
                in_flight[n] = 0
                browser.close()
            if response.status == 302 and response.path == "/":
                acknowledged.append(data["email"])

    writers = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(6)]
    try:
        for thread in writers:
            thread.start()
        wait_until(lambda: len(acknowledged) >= 15, timeout=90, what="15 acknowledged registrations")
        wait_until(lambda: sum(in_flight.values()) >= 2, timeout=10, what="registrations in flight")
        flying = sum(in_flight.values())
        server.kill()
        stop.set()
        for thread in writers:
            thread.join(timeout=60)
        before_restart = list(acknowledged)
    finally:
        stop.set()
        server.stop()

    restarted = Gunicorn(database, instance, tmp_path / "gunicorn-restarted.log").start()
    try:
        browser = Browser(restarted.port)
        browser.get("/register")
        after = registration("after-restart")
        assert browser.post("/register", after).path == "/", "registering after the restart failed"
    finally:
        restarted.stop()

    engine = engine_for(database)
    with engine.connect() as conn:
        emails = set(conn.execute(sa.text('SELECT email FROM "user"')).scalars())
        integrity = (
            conn.exec_driver_sql("PRAGMA integrity_check").scalar_one()
            if database.startswith("sqlite")
            else "ok (PostgreSQL)"
        )
    engine.dispose()
    with capsys.disabled():
        print(
            f"\n[kill -9 {database.split(':', 1)[0]}] {len(before_restart)} registrations acknowledged,"
            f" {flying} in flight at the kill; integrity_check: {integrity}"
        )
    missing = [e for e in before_restart if e not in emails]
    assert not missing, f"acknowledged before kill -9, missing after: {missing}"
    assert after["email"] in emails
    assert integrity.startswith("ok"), integrity
    assert "Traceback" not in restarted.log(), restarted.log()[-3000:]


# --- PostgreSQL outage -------------------------------------------------------------------------------------


def test_a_postgresql_outage_is_a_friendly_503_and_heals_by_itself(tmp_path):
    direct = postgres_url()
    if direct is None:
        pytest.skip("needs PostgreSQL: set COMMUNITY_TEST_DATABASE_URL=postgresql://…")
    with postgres_database("faelled_outage") as url:
        proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
        via_proxy = url.set(host="127.0.0.1", port=proxy.port).update_query_dict({"connect_timeout": "3"})
        instance = tmp_path / "instance"
        migrate_and_seed(instance, url.render_as_string(hide_password=False))
        server = Gunicorn(via_proxy.render_as_string(hide_password=False), instance, tmp_path / "g.log")
        try:
            server.start()
            pid = server.process.pid
            for _ in range(6):  # fresh connections, so both workers open their pools
                assert Browser(server.port).get("/healthz").status == 200
                assert Browser(server.port).get("/").status == 200

            proxy.cut()
            for _ in range(6):
                health = Browser(server.port).get("/healthz")
                assert health.status == 503, health.body
                assert json.loads(health.body)["database"] == "unreachable"
            # A page that has to be rendered now: the front page asked above may still be served as the
            # page cache kept it for a visitor a few seconds ago (community/pagecache.py), which is fine.
            page = Browser(server.port).get("/?during=outage")
            assert page.status == 503
            assert "Fælled is unavailable right now" in page.body
            assert "nothing you saved is lost" in page.body
            assert Browser(server.port).get("/villages/").status == 503

            proxy.restore()
            wait_until(
                lambda: Browser(server.port).get("/healthz").status == 200,
                timeout=30,
                what="/healthz to answer 200 again",
            )
            for _ in range(6):
                assert Browser(server.port).get("/healthz").status == 200
                for path in ("/", "/villages/", "/s/stilling/"):
                    assert Browser(server.port).get(path).status == 200, path
            assert server.process.poll() is None and server.process.pid == pid, "gunicorn was restarted"
            assert server.log().count("Booting worker") == 2, "a worker was restarted:\n" + server.log()
        finally:
            server.stop()
            proxy.close()
