"""Dates, times, durations and numbers as people read them, in the current language: the one module the
template filters (``|datetime``, ``|date``, ``|time``, ``|ago``, ``|span``, ``|duration``, ``|number``,
``|km``), e-mails and notifications all use.

Short and unambiguous, Danish first::

    da: tors. 10. dec. kl. 14.00    i dag kl. 14.00    i går kl. 9.30    for 3 timer siden    4,1 km
    en: Thu 10 Dec, 14:00           today, 14:00       yesterday, 09:30  3 hours ago          4.1 km

The year is shown only when it is not this year. Stored times are naive UTC and are shown in the
municipality's zone (``BABEL_DEFAULT_TIMEZONE``). Relative words ("today", "3 hours ago") are left out
inside ``absolute_dates()``: e-mails are read later than they are written.

Cheap by design (a feed formats a date on every card): the names of days and months come from Babel's
locale data once per language, and each call is a few string operations, not Babel's pattern machinery.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask.globals import _cv_app
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

#: How long a past moment is told as "… ago" rather than by its clock time.
AGO_HOURS = 6
_absolute: contextvars.ContextVar[bool] = contextvars.ContextVar("absolute_dates", default=False)


@dataclass(frozen=True, slots=True)
class Style:
    """How one language writes a day, a time and the two together; names from Babel's locale data."""

    day: str  # "{weekday} {day}. {month}"
    day_year: str
    time: str  # "{hour}.{minute:02d}"
    at: str  # "{day} kl. {time}"
    weekdays: tuple[str, ...]  # Monday first
    months: tuple[str, ...]  # January first
    decimal: str
    group: str


_PATTERNS = {
    "da": (
        "{weekday} {day}. {month}",
        "{weekday} {day}. {month} {year}",
        "{hour}.{minute:02d}",
        "{day} kl. {time}",
    ),
    "en": (
        "{weekday} {day} {month}",
        "{weekday} {day} {month} {year}",
        "{hour:02d}:{minute:02d}",
        "{day}, {time}",
    ),
}


@cache
def style(language: str) -> Style:
    locale = Locale.parse(language if language in _PATTERNS else "en")
    day, day_year, time, at = _PATTERNS.get(language, _PATTERNS["en"])
    days = locale.days["format"]["abbreviated"]
    months = locale.months["format"]["abbreviated"]
    return Style(
        day=day,
        day_year=day_year,
        time=time,
        at=at,
        weekdays=tuple(days[i] for i in range(7)),
        months=tuple(months[i] for i in range(1, 13)),
        decimal=locale.number_symbols["latn"]["decimal"],
        group=locale.number_symbols["latn"]["group"],
    )


DEFAULT_ZONE = "Europe/Copenhagen"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _current() -> tuple[Style, ZoneInfo]:
    """The style of the current language and the municipality's zone, read once per call. The locale
    Flask-Babel chose (or ``force_locale`` set) is read straight from where it keeps it (``g``), which
    is a fifth of the cost of ``get_locale()``; the first call of a request still goes through it."""
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return style("da"), _zone(DEFAULT_ZONE)
    locale = getattr(getattr(app_ctx.g, "_flask_babel", None), "babel_locale", None) or get_locale()
    return style(locale.language if locale else "da"), _zone(app_ctx.app.config["BABEL_DEFAULT_TIMEZONE"])


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    """A stored (naive UTC) or aware time as wall-clock time where the municipality is."""
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(zone)


def now_utc() -> datetime:
    """The present moment (aware UTC); one place, so a test can hold the clock still."""
    return datetime.now(UTC)


@contextmanager
def absolute_dates() -> Iterator[None]:
    """No "today" or "3 hours ago" inside: for text that is read later than it is written (e-mails)."""
    token = _absolute.set(True)
    try:
        yield
    finally:
        _absolute.reset(token)


def _relative_day(day: date, today: date) -> str | None:
    if _absolute.get():
        return None
    offset = (day - today).days
    if offset == 0:
        return _("today")
    if offset == -1:
        return _("yesterday")
    if offset == 1:
        return _("tomorrow")
    return None


def _day_text(day: date, today: date, s: Style) -> str:
    pattern = s.day if day.year == today.year else s.day_year
    return pattern.format(
        weekday=s.weekdays[day.weekday()], day=day.day, month=s.months[day.month - 1], year=day.year
    )


def _time_text(moment: datetime, s: Style) -> str:
    return s.time.format(hour=moment.hour, minute=moment.minute)


def _datetime_text(value: datetime, s: Style, zone: ZoneInfo) -> str:
    moment, today = _local(value, zone), now_utc().astimezone(zone).date()
    day = _relative_day(moment.date(), today) or _day_text(moment.date(), today, s)
    return s.at.format(day=day, time=_time_text(moment, s))


def format_datetime(value: datetime | None, _style: str | None = None) -> str:
    """ "tors. 10. dec. kl. 14.00", "i dag kl. 14.00"; with the year when it is not this year.
    ``_style`` (Babel's "short", "full", …) is accepted for old callers and ignored: one format for all."""
    if value is None:
        return ""
    return _datetime_text(value, *_current())


def format_date(value: date | datetime | None, _style: str | None = None) -> str:
    """ "tors. 10. dec.", "i dag", "i går"; with the year when it is not this year."""
    if value is None:
        return ""
    s, zone = _current()
    day = _local(value, zone).date() if isinstance(value, datetime) else value
    today = now_utc().astimezone(zone).date()
    return _relative_day(day, today) or _day_text(day, today, s)


def format_time(value: datetime | None) -> str:
    """ "14.00" / "14:00"."""
    if value is None:
        return ""
    s, zone = _current()
    return _time_text(_local(value, zone), s)


def format_ago(value: datetime | None) -> str:
    """When something happened: "lige nu", "for 5 minutter siden", "for 3 timer siden" within the last
    few hours, then as ``format_datetime`` ("i går kl. 9.30")."""
    if value is None:
        return ""
    if not _absolute.get():
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        seconds = (now_utc() - aware).total_seconds()
        if -60 < seconds < 60:
            return _("just now")
        if 0 < seconds < 3600:
            minutes = int(seconds // 60)
            return ngettext("%(num)s minute ago", "%(num)s minutes ago", minutes)
        if 0 < seconds < AGO_HOURS * 3600:
            hours = int(seconds // 3600)
            return ngettext("%(num)s hour ago", "%(num)s hours ago", hours)
    return _datetime_text(value, *_current())


def format_age(value: date | datetime | None) -> str:
    """How many days ago: "i dag", "i går", "for 3 dage siden" (never "for 0 dage siden")."""
    if value is None:
        return ""
    _s, zone = _current()
    day = _local(value, zone).date() if isinstance(value, datetime) else value
    days = (now_utc().astimezone(zone).date() - day).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return ngettext("%(num)s day ago", "%(num)s days ago", days)


def format_span(start: datetime | None, end: datetime | None) -> str:
    """ "tors. 10. dec. kl. 14.00–16.00" on one day, else both ends in full."""
    if start is None:
        return ""
    s, zone = _current()
    if end is None:
        return _datetime_text(start, s, zone)
    local_start, local_end = _local(start, zone), _local(end, zone)
    if local_start.date() == local_end.date():
        return f"{_datetime_text(start, s, zone)}–{_time_text(local_end, s)}"
    return f"{_datetime_text(start, s, zone)} – {_datetime_text(end, s, zone)}"


def format_duration(value: timedelta | int | None) -> str:
    """A timedelta or a number of minutes: "1 time og 30 minutter", "45 minutes", "2 hours"."""
    if value is None:
        return ""
    minutes = round(value.total_seconds() / 60) if isinstance(value, timedelta) else int(value)
    hours, rest = divmod(minutes, 60)
    hour_text = ngettext("%(num)s hour", "%(num)s hours", hours)
    minute_text = ngettext("%(num)s minute", "%(num)s minutes", rest)
    if hours and rest:
        return _("%(hours)s and %(minutes)s", hours=hour_text, minutes=minute_text)
    return hour_text if hours else minute_text


def format_number(value: float | int | Decimal | None, decimals: int | None = None) -> str:
    """ "1.234,5" / "1,234.5"; ``decimals`` rounds (half up) and keeps that many digits."""
    if value is None:
        return ""
    s = _current()[0]
    if decimals is None:
        if isinstance(value, int) or float(value).is_integer():
            text = f"{int(value):,}"
        else:
            text = f"{Decimal(repr(float(value))).normalize():,f}"
    else:
        exact = Decimal(repr(value) if isinstance(value, float) else value)
        text = f"{exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):,f}"
    return text.replace(",", "\0").replace(".", s.decimal).replace("\0", s.group)


def format_km(value: float | None) -> str:
    """ "4,1 km" under ten kilometres (one decimal, none when it is zero), "12 km" from there."""
    if value is None:
        return ""
    return f"{format_number(round(value, 1) if value < 10 else round(value))} km"
