"""The one guard over everything people write.

Every text column of every model is *user text* unless it is machine-made (a token, a slug, a file
name, rendered HTML, …): ``is_user_text`` decides, by the column's type and name, so a new text column
is guarded without anyone remembering to. When the session flushes, each user-text value that was set
or changed goes through the registered checks: the CPR guard (a CPR number, a password or a MitID
code is refused), and whatever other core packages register (moderation adds its watched words and
protected names). The same checks run over the text fields of every form (``community.forms.Form``),
so a person sees the message beside the field they typed in, before any service runs; the flush-time
check is what makes it hold for the API, the command line and background jobs too.

A check is a function ``check(text, *, field, obj)``: it raises a ``DomainError`` to refuse the text
(``field`` is the column's name), and may change ``obj`` (the row being written; None when a form is
checked) to hold it for review.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session

from community.errors import DomainError
from community.text import refuse_cpr


class TextCheck(Protocol):
    def __call__(self, text: str, *, field: str, obj: Any | None) -> None: ...


def _personal_data(text: str, *, field: str, obj: Any | None) -> None:
    refuse_cpr(text, field=field)


_checks: list[TextCheck] = [_personal_data]

#: Column names that hold what the machine made, not what a person wrote.
SYSTEM_COLUMNS = frozenset(
    {
        "slug", "token", "token_hash", "session_token", "password_hash", "email", "hostname", "locale",
        "default_locale", "primary_color", "postcode", "logo", "header_image", "filename", "thumbnail",
        "photo", "image", "rrule", "uid", "series", "kind", "excerpt", "context", "website",
    }
)  # fmt: skip


def is_user_text(column: sa.Column[Any]) -> bool:
    """Whether people write this column's values. ``info={"user_text": False}`` on a column says it is
    machine-made when its name does not; ``info={"user_text": True}`` guards a column whatever its
    name."""
    marked = column.info.get("user_text")
    if marked is not None:
        return bool(marked)
    if not isinstance(column.type, sa.String) or isinstance(column.type, sa.Enum):
        return False
    return column.key not in SYSTEM_COLUMNS and not column.key.endswith(("_html", "_hash", "_token"))


def register(check: TextCheck, *, first: bool = False) -> None:
    """Adds a check (core packages do this in their ``init_app``)."""
    if check not in _checks:
        _checks.insert(0, check) if first else _checks.append(check)


def unregister(check: TextCheck) -> None:
    if check in _checks:
        _checks.remove(check)
    if check in _soft_checks:
        _soft_checks.remove(check)  # type: ignore[arg-type]


class SoftCheck(Protocol):
    def __call__(self, text: str, *, field: str) -> str | None: ...


#: Checks that never refuse: they return a prompt that asks the writer to think again ("think before
#: posting"). Only forms run them; a person may post anyway (the form's ``reconsidered`` step).
_soft_checks: list[SoftCheck] = []


def register_soft(check: SoftCheck) -> None:
    if check not in _soft_checks:
        _soft_checks.append(check)


def soft_prompt(text: str, *, field: str) -> str | None:
    """The first soft check's prompt for ``text``, or None when nothing asks to think again."""
    if not text or not isinstance(text, str):
        return None
    for check in list(_soft_checks):
        if (prompt := check(text, field=field)) is not None:
            return prompt
    return None


def check_text(text: str, *, field: str, obj: Any | None = None) -> None:
    """Runs every check over ``text``; the first that refuses raises its ``DomainError``."""
    if not text or not isinstance(text, str):
        return
    for check in list(_checks):
        check(text, field=field, obj=obj)


@cache
def guarded_keys(mapper: Mapper[Any]) -> tuple[str, ...]:
    """The attribute names of ``mapper``'s user-text columns."""
    keys = []
    for prop in mapper.column_attrs:
        if (
            len(prop.columns) == 1
            and isinstance(prop.columns[0], sa.Column)
            and is_user_text(prop.columns[0])
        ):
            keys.append(prop.key)
    return tuple(keys)


def _written(session: Session) -> Iterator[tuple[Any, str, str]]:
    for obj in [*session.new, *session.dirty]:
        state = sa.inspect(obj)
        for key in guarded_keys(state.mapper):
            added = state.attrs[key].history.added
            if added and isinstance(added[0], str) and added[0]:
                yield obj, key, added[0]


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj, key, value in _written(session):
        try:
            check_text(value, field=key, obj=obj)
        except DomainError:
            # Take the refused change out of the session, so that nothing the request does next (a
            # page rendered with the form's errors, a query that autoflushes) tries to write it again.
            if obj in session.new:
                session.expunge(obj)
            else:
                session.expire(obj)
            raise


def install() -> None:
    """Guards every session's flush (once per process)."""
    if not sa.event.contains(Session, "before_flush", _before_flush):
        sa.event.listen(Session, "before_flush", _before_flush)


def guarded_columns(metadata: sa.MetaData) -> list[str]:
    """``table.column`` of every guarded column, for the tests and for operators who ask."""
    return [
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if is_user_text(column)
    ]
