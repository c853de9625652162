"""Who to tell: the admins of a space, the municipality's staff."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from community.accounts.models import User
from community.extensions import db
from community.notifications.services import notify


def municipality_staff(municipality_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.staff_municipality_id == municipality_id, User.active.is_(True))
            .order_by(User.id)
        )
    )


def tell(users: list[User], kind: str, *, skip: User | None = None, **context: Any) -> int:
    """Notifies each user once (never the one who acted); returns how many were told."""
    told: set[int] = set()
    for user in users:
        if user.id in told or (skip is not None and user.id == skip.id):
            continue
        notify(user, kind, **context)
        told.add(user.id)
    return len(told)


def iso(moment) -> str:
    """A naive-UTC time for a notification's context (shown later in the reader's time zone)."""
    return moment.isoformat(timespec="minutes") if moment is not None else ""


def insert_once(model: type, *, unique: list[str], **values: Any) -> bool:
    """Inserts a row unless one with the same ``unique`` columns exists, as one statement that the
    database settles (INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL), so two requests at
    once cannot both insert, nor fail. True when this call inserted it."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=unique)
    # RETURNING, not rowcount: psycopg reports no reliable count for an ORM insert.
    return db.session.execute(statement.returning(model.__table__.c.id)).first() is not None
