"""Helpers shared by the test modules and fixtures (import as ``from tests.support import …``)."""

from __future__ import annotations

import email
import email.message
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from community.extensions import db as _db

PASSWORD = "correct horse battery"
TEST_DATABASE_URL = os.environ.get("COMMUNITY_TEST_DATABASE_URL") or None
ENGINE = "postgresql" if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgres") else "sqlite"


def make_config(instance: Path, url: str | None = None, **extra: Any) -> dict[str, Any]:
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
        # Each test rolls back its watched words: read the lists fresh (the cache has its own test).
        "MODERATION_CACHE_SECONDS": 0,
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


def body_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: email.message.EmailMessage, base: str = "http://faelled.test") -> str:
    """The path of the first link to this site in an e-mail."""
    for word in body_of(message).split():
        if word.startswith(base):
            return word[len(base) :]
    raise AssertionError(f"no link in {body_of(message)!r}")
