"""Races against a real PostgreSQL server (SQLite serialises writers, so it would hide them).

Each race lines threads up at a barrier; every thread has its own test client, so each request gets its
own application context, session and connection, and commits for real, as under gunicorn. The races
run in a schema made for this session and dropped after it: the database the rest of the suite uses is
left as it was found. Without a PostgreSQL ``COMMUNITY_TEST_DATABASE_URL`` they are skipped.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient

from community import create_app, geo
from community.accounts.models import User
from community.accounts.services import create_user
from community.extensions import db
from community.spaces import services as space_services
from community.spaces.models import Role, SpaceKind
from tests.support import ENGINE, PASSWORD, TEST_DATABASE_URL, make_config

T = TypeVar("T")

#: How many people race for one thing, and how many times a race is run (a race that is lost only
#: sometimes must still fail the test on code that has the bug).
RACERS = 5
ROUNDS = 3


@pytest.fixture(scope="session")
def race_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    if ENGINE != "postgresql":
        pytest.skip("the races need PostgreSQL: set COMMUNITY_TEST_DATABASE_URL=postgresql://…")
    from flask_migrate import upgrade

    schema = f"races_{os.getpid()}"
    admin = sa.create_engine(TEST_DATABASE_URL)  # type: ignore[arg-type]
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})  # type: ignore[arg-type]
    app = create_app(
        make_config(
            tmp_path_factory.mktemp("races"),
            url.render_as_string(hide_password=False),
            SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS + 2, "max_overflow": RACERS},
            RATELIMIT_ENABLED=False,
        )
    )
    try:
        with app.app_context():
            upgrade()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def sends(clients: list[FlaskClient], url: str, data: dict | None = None) -> list[Callable[[], Any]]:
    """Each client POSTs the form to ``url`` once: the calls to ``race``."""
    return [partial(client.post, url, data=data or {}) for client in clients]


def race(*calls: Callable[[], T]) -> list[T]:
    """Runs the calls at the same moment, each in its own thread; their results, in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=60) for future in futures]


@dataclass
class People:
    """Committed rows the races use; made through the services, as the app makes them."""

    app: Flask
    municipality_id: int
    village_slug: str
    admin: int
    villagers: list[int]
    staff: int
    counter: int = 0

    def url(self, endpoint: str, **values: Any) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def client(self, user_id: int) -> FlaskClient:
        """A test client of its own (its own cookies), logged in as the user."""
        with self.app.app_context():
            token = db.session.get(User, user_id).session_token  # type: ignore[union-attr]
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return client

    def clients(self, user_id: int, n: int) -> list[FlaskClient]:
        """One person in ``n`` browser tabs: a double click, or a form sent again."""
        return [self.client(user_id) for _ in range(n)]

    def new_user(self, name: str = "Racer") -> int:
        self.counter += 1
        with self.app.app_context():
            user = create_user(
                email=f"racer{self.counter}-{os.getpid()}@example.org",
                password=PASSWORD,
                display_name=f"{name} {self.counter}",
                confirmed=True,
                home=geo.resolve("Stilling"),
            )
            db.session.commit()
            return user.id


def committed(app: Flask, make: Callable[[], T]) -> T:
    """Runs ``make`` in an application context of its own and commits what it wrote."""
    with app.app_context():
        result = make()
        db.session.commit()
        return result


def count(app: Flask, query: sa.Select) -> int:
    with app.app_context():
        return db.session.scalar(query) or 0


def statuses(responses: list[Any]) -> list[int]:
    return [r.status_code for r in responses]


@pytest.fixture(scope="session")
def people(race_app: Flask) -> People:
    def make() -> People:
        municipality = space_services.create_municipality(
            name="Skanderborg Kommune", place=geo.resolve("Skanderborg")
        )
        village = space_services.create_space(
            municipality, kind=SpaceKind.VILLAGE, name="Stilling", place=geo.resolve("Stilling"), by=None
        )

        def user(n: int, name: str) -> User:
            return create_user(
                email=f"{name.lower()}{n}@example.org",
                password=PASSWORD,
                display_name=f"{name} {n}",
                confirmed=True,
                home=geo.resolve("Stilling"),
            )

        admin = user(0, "Admin")
        space_services.add_member(village, admin, role=Role.ADMIN)
        villagers = [user(n, "Villager") for n in range(1, RACERS + 2)]
        for villager in villagers:
            space_services.add_member(village, villager)
        staff = user(0, "Staff")
        staff.staff_municipality_id = municipality.id
        db.session.flush()
        return People(
            app=race_app,
            municipality_id=municipality.id,
            village_slug=village.slug,
            admin=admin.id,
            villagers=[v.id for v in villagers],
            staff=staff.id,
        )

    return committed(race_app, make)
