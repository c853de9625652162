"""Fixtures: a session-wide ``app`` migrated by Alembic (SQLite, or the database named by
``COMMUNITY_TEST_DATABASE_URL``), a ``db`` rolled back after each test, ``client``, ``login``, an
``outbox`` of delivered e-mails and small factories."""

from __future__ import annotations

import email
import email.policy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from community import create_app, geo
from community.accounts.models import User
from community.accounts.services import create_user
from community.extensions import db as _db
from community.extensions import limiter
from community.spaces import services as space_services
from community.spaces.models import Municipality, Role, Space, SpaceKind

PASSWORD = "correct horse battery"
TEST_DATABASE_URL = os.environ.get("COMMUNITY_TEST_DATABASE_URL") or None
ENGINE = "postgresql" if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgres") else "sqlite"


def test_config(instance: Path, url: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "COMMUNITY_ENV": "testing",
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{instance / 'test.sqlite'}",
        "SECRET_KEY": "test-secret",
        "HUEY_IMMEDIATE": True,
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "REDIS_URL": None,
        "MAIL_URL": None,
        "GEOCODER": None,
        "BASE_URL": "http://faelled.test",
        **extra,
    }


def reset_schema(app: Flask) -> None:
    """Drops everything (a PostgreSQL test database may hold an earlier run) and migrates to head."""
    from flask_migrate import upgrade

    with app.app_context():
        meta = sa.MetaData()
        meta.reflect(_db.engine)
        meta.drop_all(_db.engine)
        upgrade()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(test_config(instance, TEST_DATABASE_URL))
    reset_schema(application)
    return application


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """Each test runs inside one outer transaction that is rolled back; commits become savepoints."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        session = _db._make_scoped_session({"bind": connection, "join_transaction_mode": "create_savepoint"})
        original = _db.session
        _db.session = session
        limiter.reset()
        try:
            yield _db
        finally:
            session.remove()
            transaction.rollback()
            connection.close()
            _db.session = original


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
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


def body_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: email.message.EmailMessage, base: str = "http://faelled.test") -> str:
    """The path of the first link to this site in an e-mail."""
    for word in body_of(message).split():
        if word.startswith(base):
            return word[len(base) :]
    raise AssertionError(f"no link in {body_of(message)!r}")


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
    def _make(kind: str = "village", *, name: str = "Stilling", place: str | None = "Stilling", **kw: Any) -> Space:
        return space_services.create_space(
            municipality, kind=SpaceKind(kind), name=name, place=geo.resolve(place) if place else None, by=None, **kw
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
            counted.n += 1
            counted.statements.append(statement)

        engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", _before)
        try:
            yield counted
        finally:
            sa.event.remove(engine, "before_cursor_execute", _before)

    return _count
