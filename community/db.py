"""The declarative base, its naming convention, mixins and engine tuning."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, SessionTransaction, declared_attr, mapped_column

log = logging.getLogger(__name__)

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


# --- rules that must hold under concurrent requests ------------------------------------------------
# SQLite runs one writer at a time (see tune_sqlite); PostgreSQL runs them side by side, so a Python
# check followed by a write ("is there a seat left?", "has this user voted?", count + 1) can be passed
# by two requests at once. Every such rule uses one of these three instead.

M = TypeVar("M")


def lock(obj: M) -> M:
    """Locks ``obj``'s row until the transaction ends and reloads it, so that a check made after it
    sees everything committed before and nothing can slip in between the check and the write. Lock
    the parent of what a limit counts (the event, the drop-in session, the request), before changing
    anything: reloading drops changes not yet flushed.

    PostgreSQL: ``SELECT … FOR NO KEY UPDATE``: a second request waits here until the first has
    committed (rows that merely refer to this one are not held up).
    SQLite: no row locks, and none needed, since a writing request holds the write lock from its first
    statement. A row deleted meanwhile is a ``Conflict`` (the person reloads and sees it gone)."""
    from community.errors import Conflict
    from community.extensions import db
    from community.i18n import _

    if hasattr(obj, "_get_current_object"):  # current_user
        obj = obj._get_current_object()
    model = type(obj)
    mapper = sa.inspect(model)
    identity = sa.inspect(obj).identity
    query = (
        sa.select(model)
        .where(*(column == value for column, value in zip(mapper.primary_key, identity, strict=True)))
        .with_for_update(of=model, key_share=True)
        .execution_options(populate_existing=True)
    )
    if db.session.scalars(query).first() is None:
        raise Conflict(_("Someone changed this at the same moment. Reload the page to see how it is now."))
    return obj


def insert_new(model: type, **values: Any) -> bool:
    """``INSERT … ON CONFLICT DO NOTHING`` in the session's dialect (PostgreSQL and SQLite spell it
    alike): the row is written unless one with the same unique key exists or is being written by a
    concurrent request (which this waits for). True when this call wrote it; "once per person" is
    kept this way, and a counter follows from what was written, never from a read made before."""
    from sqlalchemy.dialects import postgresql, sqlite

    from community.extensions import db

    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: through psycopg an INSERT's rowcount reads -1.
    written = insert(model).values(**values).on_conflict_do_nothing().returning(sa.literal(1))
    return db.session.execute(written).first() is not None


def upsert(model: type, keys: list[str], **values: Any) -> None:
    """``INSERT … ON CONFLICT (keys) DO UPDATE``: one row per key, the latest values win, also when two
    requests write it at the same moment (a person's current choice, say)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from community.extensions import db

    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model).values(**values)
    changes = {k: statement.excluded[k] for k in values if k not in keys}
    db.session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))


def bump(obj: Any, attribute: str, by: int) -> None:
    """Adds ``by`` to a counter column in SQL (``SET n = n + 1`` at the next flush, never below 0),
    so two requests counting at the same moment are both counted. The attribute reloads when read."""
    if by:
        column = getattr(type(obj), attribute)
        setattr(obj, attribute, sa.case((column + by > 0, column + by), else_=0))


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


# --- work that leaves only with a committed transaction ---------------------------------------------
#
# A callback registered during a transaction waits in the session's ``info`` until that transaction
# commits, and then runs (e-mail is handed to the ``deliver_email`` job, a fan-out to followers is
# enqueued); a rollback (of the transaction, or of the savepoint it was registered in) drops it. So a
# request that fails halfway sends nothing, and no job ever works on rows that do not exist.

#: ``session.info`` key: ``[(savepoint the callback was registered in, or None, callback), ...]``
PENDING = "community.after_commit"


def after_commit(callback: Callable[[], object]) -> None:
    """Runs ``callback()`` once the current transaction has committed; never if it rolls back. The
    callback runs in a fresh application context (its own database session): the committed one can
    emit no more SQL."""
    from community.extensions import db

    session = db.session()
    if not session.in_transaction():
        session.begin()  # nothing written yet: the callback runs with the next commit
    session.info.setdefault(PENDING, []).append((session.get_nested_transaction(), callback))


def _enclosing_savepoint(transaction: SessionTransaction) -> SessionTransaction | None:
    parent = transaction.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@sa.event.listens_for(Session, "after_commit")
def _run_committed(session: Session) -> None:
    pending = session.info.get(PENDING)
    if not pending:
        return
    savepoint = session.get_nested_transaction()
    if savepoint is not None:  # a savepoint released: its callbacks now share the enclosing fate
        outer = _enclosing_savepoint(savepoint)
        session.info[PENDING] = [(outer if owner is savepoint else owner, job) for owner, job in pending]
        return
    del session.info[PENDING]
    from flask import current_app, has_app_context

    app = current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]
    for _owner, callback in pending:
        try:
            if app is None:
                callback()
            else:
                with app.app_context():  # a session of its own: this one can emit no more SQL
                    callback()
        except Exception:  # the data is committed: a queue that is down must not turn that into a 500
            log.exception("could not run %r after a commit", callback)


@sa.event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """Whatever is still pending when its transaction ends was not committed: rolled back or closed."""
    pending = session.info.get(PENDING)
    if not pending:
        return
    if transaction.parent is None:
        del session.info[PENDING]
    elif transaction.nested:
        session.info[PENDING] = [(owner, job) for owner, job in pending if not _within(owner, transaction)]
