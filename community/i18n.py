"""Translation helpers and the locale selector.

``_l`` where a string is evaluated at import time (form labels, choices), ``_`` at run time, named
placeholders always: ``_("%(n)s members", n=n)``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_request_context, request, session
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    lazy_ngettext,
    ngettext,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

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
    "select_locale",
]

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def select_locale() -> str:
    """The user's own choice, else the session's (anonymous switch), else the browser's, else Danish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        if current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
    except SQLAlchemyError:  # the database is away; the error page still needs a language
        pass
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


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
