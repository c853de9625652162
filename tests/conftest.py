"""Fixtures: a session-wide ``app`` migrated by Alembic (SQLite, or the database named by
``COMMUNITY_TEST_DATABASE_URL``), a ``db`` rolled back after each test, ``client``, ``login``, an
``outbox`` of delivered e-mails and small factories."""

from __future__ import annotations

import contextvars
import email
import email.policy
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id

from community import create_app, geo, pagecache
from community.accounts.models import User
from community.accounts.services import create_user
from community.extensions import db as _db
from community.extensions import limiter
from community.moderation import guard, words
from community.spaces import services as space_services
from community.spaces.models import Municipality, Role, Space, SpaceKind
from community.spaces.tenancy import forget_hosts
from tests.support import PASSWORD, TEST_DATABASE_URL, build_wheel, make_config, reset_schema


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(make_config(instance, TEST_DATABASE_URL))
    reset_schema(application)
    return application


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once per session (only by the tests that ask for it)."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """Each test runs inside one outer transaction that is rolled back; commits become savepoints."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        # A plain Session: Flask-SQLAlchemy's own get_bind() would ignore ``bind`` and open a second
        # connection from the engine, outside the test's transaction.
        factory = sa.orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        session = sa.orm.scoped_session(factory, scopefunc=_app_ctx_id)
        original = _db.session
        _db.session = session
        limiter.reset()
        # Process-wide caches check a version row, but a rolled-back test takes its rows and ids away
        # unseen, and the next test reuses the ids: each test starts with them empty.
        words.forget()
        guard.forget_default()
        forget_hosts()
        pagecache.forget(app)  # pages rendered from rows the last test rolled back
        try:
            yield _db
        finally:
            session.remove()
            transaction.rollback()
            connection.close()
            _db.session = original


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own application context (and so its own ``g`` and
    database session, on the test's connection), as a real request does. Flask would otherwise reuse
    the context the ``db`` fixture pushed, sharing ``g`` between requests and hiding bugs."""

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        if not has_app_context():  # already isolated (a redirect being followed)
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _db.session.expire_all()  # the test's own session sees what the request wrote
        return response


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """``login(user)``: the client is logged in as ``user`` (the real login form has its own tests)."""

    def _login(user: User) -> FlaskClient:
        with client.session_transaction() as session:
            session["_user_id"] = user.session_token
            session["_fresh"] = True
        return client

    return _login


@pytest.fixture
def outbox(app: Flask) -> Iterator[Callable[[], list[email.message.EmailMessage]]]:
    """``outbox()``: the e-mails delivered so far in this test, oldest first."""
    folder = Path(app.config["OUTBOX_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()

    def read() -> list[email.message.EmailMessage]:
        files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]

    yield read


@pytest.fixture
def municipality(db: Any) -> Municipality:
    return space_services.create_municipality(name="Skanderborg Kommune", place=geo.resolve("Skanderborg"))


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def _make(
        email: str | None = None,
        *,
        name: str | None = None,
        home: str | None = "Stilling",
        confirmed: bool = True,
        staff_of: Municipality | None = None,
        locale: str | None = None,
    ) -> User:
        counter["n"] += 1
        user = create_user(
            email=email or f"user{counter['n']}@example.org",
            password=PASSWORD,
            display_name=name or f"Bruger {counter['n']}",
            confirmed=confirmed,
            home=geo.resolve(home) if home else None,
        )
        user.locale = locale
        if staff_of is not None:
            user.staff_municipality_id = staff_of.id
        _db.session.flush()
        return user

    return _make


@pytest.fixture
def make_space(db: Any, municipality: Municipality) -> Callable[..., Space]:
    def _make(
        kind: str = "village", *, name: str = "Stilling", place: str | None = "Stilling", **kw: Any
    ) -> Space:
        return space_services.create_space(
            municipality,
            kind=SpaceKind(kind),
            name=name,
            place=geo.resolve(place) if place else None,
            by=None,
            **kw,
        )

    return _make


@pytest.fixture
def member(db: Any) -> Callable[..., Any]:
    def _member(space: Space, user: User, role: str = "member", **kw: Any):
        return space_services.add_member(space, user, role=Role(role), **kw)

    return _member


@pytest.fixture
def query_counter(app: Flask) -> Callable[[], Any]:
    """``with query_counter() as counted: …``; ``counted.n`` is the number of SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def _count() -> Iterator[Any]:
        class Counted:
            n = 0
            statements: list[str] = []

        counted = Counted()

        def _before(_conn, _cursor, statement, *_args):
            if statement.split(None, 1)[0].upper() in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
                return  # the test's transaction machinery, not the page's work
            counted.n += 1
            counted.statements.append(statement)

        engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", _before)
        try:
            yield counted
        finally:
            sa.event.remove(engine, "before_cursor_execute", _before)

    return _count


@pytest.fixture
def village(make_space, make_user, member):
    """Stilling with an admin (Hanne), two villagers (Jens, Anne) and an outsider (Ole)."""
    from types import SimpleNamespace

    space = make_space(name="Stilling", place="Stilling")
    people = SimpleNamespace(
        space=space,
        hanne=make_user("hanne@example.org", name="Hanne", home="Stilling"),
        jens=make_user("jens@example.org", name="Jens", home="Stilling"),
        anne=make_user("anne@example.org", name="Anne", home="Skanderborg"),
        ole=make_user("ole@example.org", name="Ole", home="Ry"),
    )
    member(space, people.hanne, "admin")
    member(space, people.jens)
    member(space, people.anne)
    return people


# --- CI cannot pass without its services -------------------------------------------------------------

#: A skip for want of PostgreSQL or Redis (its reason names the service or its variable).
SERVICE_SKIP = re.compile(r"PostgreSQL|Redis|COMMUNITY_TEST_(DATABASE|REDIS)_URL")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With ``COMMUNITY_REQUIRE_SERVICES=1`` (``.ci/run`` sets it) a test skipped for want of PostgreSQL or
    Redis fails instead: a CI run whose services were down must not pass as if the races and the
    production recipe had run. Without it (a local run) they skip, with the reason."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped or os.environ.get("COMMUNITY_REQUIRE_SERVICES") != "1":
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if SERVICE_SKIP.search(reason):
        report.outcome = "failed"
        report.longrepr = f"COMMUNITY_REQUIRE_SERVICES=1, but this test was skipped: {reason}"
