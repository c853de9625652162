"""Translation helpers and the locale selector.

``_l`` where a string is evaluated at import time (form labels, choices), ``_`` at run time, named
placeholders always: ``_("%(n)s members", n=n)``.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, has_request_context, request, session
from flask_babel import (
    force_locale,
    format_decimal,
    get_locale,
    lazy_ngettext,
    ngettext,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from community import formatting

__all__ = [
    "_",
    "_l",
    "current_language",
    "force_locale",
    "format_date",
    "format_datetime",
    "format_decimal",
    "get_locale",
    "lazy_ngettext",
    "ngettext",
    "request_locale",
    "select_locale",
]

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}
#: The language of the command line: its audience is the operators, so output and errors are English.
COMMAND_LINE_LOCALE = "en"
_on_command_line: contextvars.ContextVar[bool] = contextvars.ContextVar("on_command_line", default=False)


def select_locale() -> str:
    """The user's own choice, else the session's (anonymous switch), else the browser's, else Danish;
    English on the command line."""
    if not has_request_context():
        if _on_command_line.get():
            return COMMAND_LINE_LOCALE
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    own = None
    try:
        if current_user.is_authenticated:
            own = current_user.locale
    except SQLAlchemyError:  # the database is away; the error page still needs a language
        pass
    return request_locale(own)


def request_locale(own: str | None) -> str:
    """The request's language for someone whose own choice is ``own`` (None: no account, or none
    chosen): ``select_locale`` without Flask-Login, for a caller that has read the account's language
    itself (the live Q&A fragment's "nothing new" answer)."""
    languages = current_app.config["LANGUAGES"]
    if own in languages:
        return own  # type: ignore[return-value]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def in_command_line_language(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Runs a command's callback in English: an application context made inside it selects English,
    and one that is already there is switched for the duration. Messages composed for a person (an
    e-mail in the recipient's language) still force their own locale."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        token = _on_command_line.set(True)
        try:
            if current_app:
                with force_locale(COMMAND_LINE_LOCALE):
                    return callback(*args, **kwargs)
            return callback(*args, **kwargs)
        finally:
            _on_command_line.reset(token)

    return run


def format_datetime(value: datetime | None, _style: str | None = None) -> str:
    """A moment in a sentence made in Python ("tors. 10. dec. kl. 14.00"): a flash message, a notification,
    a message stored in a thread. Never "tomorrow": such text may be read on another day. Pages use the
    template filters, which may say "i dag"."""
    with formatting.absolute_dates():
        return formatting.format_datetime(value)


def format_date(value: date | datetime | None, _style: str | None = None) -> str:
    """A day in a sentence made in Python ("tors. 10. dec."), never "today"; see ``format_datetime``."""
    with formatting.absolute_dates():
        return formatting.format_date(value)


def current_language() -> str:
    return str(get_locale() or "da")


def local_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_utc(local: datetime) -> datetime:
    """A wall-clock time in Denmark (as typed into a form) as naive UTC, the way it is stored."""
    return local.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def to_local(stored: datetime) -> datetime:
    """A stored naive-UTC time as wall-clock time in Denmark (for forms and calendars)."""
    return stored.replace(tzinfo=UTC).astimezone(local_zone()).replace(tzinfo=None)
