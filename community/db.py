"""The declarative base, its naming convention, mixins and engine tuning."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC now; stored as naive UTC so SQLite and PostgreSQL agree."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(e: type[enum.Enum]) -> sa.Enum:
    """An enum stored as its value in a VARCHAR, the same on SQLite and PostgreSQL (no native type, no
    CHECK constraint, so adding a value needs no migration)."""
    return sa.Enum(
        e,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda x: [m.value for m in x],
    )


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, 'id', '?')}>"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SpaceScopedMixin:
    """A row that belongs to a space; look it up with ``get_in_space_or_404``."""

    @declared_attr
    def space_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)


def _is_write_request() -> bool:
    return not has_request_context() or request.method not in {"GET", "HEAD", "OPTIONS"}


def tune_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout for every SQLite connection.

    pysqlite's own transaction handling breaks SAVEPOINT and begins lazily at the first write, which
    turns two concurrent read-then-write transactions into an immediate "database is locked". We take
    transactions over: a request that can write begins with BEGIN IMMEDIATE (it waits its turn for the
    write lock within the busy timeout), a GET begins a plain deferred read transaction.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _is_write_request() else "BEGIN")


def include_in_migrations(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's filter: the full-text search objects are made by hand in the migration, per engine
    (an FTS5 table and its shadow tables on SQLite, a generated tsvector column on PostgreSQL)."""
    if type_ == "table" and name and name.startswith(("post_search", "idea_search")):
        return False
    return not (
        type_ in ("column", "index")
        and name in {"search_vector", "ix_post_search_vector", "ix_idea_search_vector"}
    )
