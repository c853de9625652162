"""Keyset pagination: ``WHERE (sort, id) < (:c, :i) ORDER BY sort DESC, id DESC LIMIT n``, so page
1,000 costs what page 1 costs. The cursor is opaque to people and checked when it comes back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from community.forms import small_int

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode(moment: datetime, ident: int) -> str:
    return f"{moment.strftime('%Y%m%dT%H%M%S%f')}_{ident}"


def decode(cursor: str | None) -> tuple[datetime, int] | None:
    """The position in a cursor, or None for a cursor that is missing or not one of ours."""
    if not cursor or len(cursor) > 40:
        return None
    stamp, _, ident = cursor.partition("_")
    row_id = small_int(ident)
    try:
        return (datetime.strptime(stamp, "%Y%m%dT%H%M%S%f"), row_id) if row_id is not None else None
    except ValueError:
        return None


def keyset(query: sa.Select, sort: Any, ident: Any, cursor: str | None, limit: int) -> sa.Select:
    position = decode(cursor)
    if position is not None:
        query = query.where(
            sa.tuple_(sort, ident) < sa.tuple_(sa.literal(position[0]), sa.literal(position[1]))
        )
    return query.order_by(sort.desc(), ident.desc()).limit(limit + 1)


def page_of(rows: list[T], limit: int, sort_attr: str) -> Page[T]:
    if len(rows) > limit:
        last = rows[limit - 1]
        return Page(rows[:limit], encode(getattr(last, sort_attr), last.id))  # type: ignore[attr-defined]
    return Page(rows, None)


def keyset_ascending(query: sa.Select, sort: Any, ident: Any, cursor: str | None, limit: int) -> sa.Select:
    """``keyset`` oldest first: ``WHERE (sort, id) > (:c, :i) ORDER BY sort, id`` (comments in order)."""
    position = decode(cursor)
    if position is not None:
        query = query.where(
            sa.tuple_(sort, ident) > sa.tuple_(sa.literal(position[0]), sa.literal(position[1]))
        )
    return query.order_by(sort.asc(), ident.asc()).limit(limit + 1)
