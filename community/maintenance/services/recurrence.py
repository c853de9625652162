"""Recurring times (RFC 5545 RRULE, through python-dateutil), expanded in Danish wall-clock time, so
"every Friday at 17:00" stays at 17:00 across summer time; stored and returned as naive UTC."""

from __future__ import annotations

from datetime import MAXYEAR, UTC, date, datetime, timedelta
from functools import lru_cache

import holidays
from dateutil.rrule import HOURLY, rrule, rrulestr

from community.errors import DomainError
from community.i18n import _, local_zone

#: The furthest ahead a rule is expanded when it has no end of its own.
HORIZON = timedelta(days=366)
MAX_OCCURRENCES = 2000
#: The longest step a rule may take (INTERVAL): 1,000 hours is six weeks, 1,000 years beyond any plan.
MAX_INTERVAL = 1000
#: The years a time may fall in: far enough from datetime's limits (years 1 and 9999) that a time
#: zone's offset, a booking's length or the horizon added to it never overflows.
YEARS = (1900, 2999)


def within_years(moment: datetime) -> bool:
    return YEARS[0] <= moment.year <= YEARS[1]


def clean_rule(text: str) -> str:
    """ "RRULE:FREQ=WEEKLY;BYDAY=SA" and "freq=weekly;byday=sa" both become "FREQ=WEEKLY;BYDAY=SA"."""
    rule = " ".join((text or "").split()).strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    return rule.upper()


class NeverOccurs(ValueError):
    """A rule whose days never come: the 30th of February."""


#: The Gregorian calendar repeats every 400 years, weekdays and leap days included.
CALENDAR_CYCLE = 400


def _ever_occurs(compiled: rrule) -> bool:
    """Whether the rule gives any date at all. dateutil looks for a rule's next date until year 9999, so
    one that never comes (BYMONTH=2;BYMONTHDAY=30) cost seconds on every page and check that expanded
    it. The same rule started a whole number of calendar cycles later, one to two cycles before year
    9999, has the same dates shifted by those cycles and an end to the search within a second at worst."""
    start = compiled._dtstart
    cycles = (MAXYEAR - CALENDAR_CYCLE - start.year) // CALENDAR_CYCLE
    probe = compiled.replace(
        dtstart=start.replace(year=start.year + CALENDAR_CYCLE * cycles), count=None, until=None
    )
    return probe.after(probe._dtstart, inc=True) is not None


@lru_cache(maxsize=4096)
def _compiled(rule: str, local_start: datetime) -> rrule:
    aware = rrulestr(rule, dtstart=local_start.replace(tzinfo=local_zone()))
    if not isinstance(aware, rrule):  # an RRULE line is one rule, never a set
        raise ValueError("not a single rule")
    # Bookings and visits at most hourly: a rule by the minute or second has millions of occurrences a
    # year, and expanding it for a page or a conflict check took minutes.
    if aware._freq > HOURLY or len(aware._byminute or ()) > 1 or len(aware._bysecond or ()) > 1:
        raise ValueError("more often than hourly")
    # dateutil takes INTERVAL=0 and repeats the first time for ever (a page that never came back, its
    # memory growing by the second), a negative one walks back to year 1, and a huge one past year 9999.
    if not 1 <= aware._interval <= MAX_INTERVAL:
        raise ValueError("interval out of range")
    until = aware._until
    naive_until = until.astimezone(local_zone()).replace(tzinfo=None) if until is not None else None
    compiled = aware.replace(dtstart=local_start, until=naive_until)
    if not _ever_occurs(compiled):
        raise NeverOccurs(rule)
    return compiled


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(local_zone()).replace(tzinfo=None)


to_local = _local


@lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays("DK", years=year, language=language).items())


HOLIDAY_LANGUAGES = {"da": "da", "en": "en_US"}


def danish_holidays(year: int) -> frozenset[date]:
    """Denmark's public holidays in ``year`` (the maintained ``holidays`` package)."""
    return frozenset(_holidays(year, "da"))


def is_holiday(day: date) -> bool:
    return day in _holidays(day.year, "da")


def holiday_name(day: date, language: str = "da") -> str | None:
    return _holidays(day.year, HOLIDAY_LANGUAGES.get(language, "da")).get(day)


def as_dates(values) -> frozenset[date]:
    """Stored EXDATEs (ISO strings) as dates; anything unreadable is left out."""
    found = set()
    for value in values or ():
        try:
            found.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            continue
    return frozenset(found)


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def compile_rule(rule: str, starts_at: datetime, *, field: str = "rrule") -> rrule:
    """The rule for a first occurrence at ``starts_at`` (naive UTC); ``DomainError`` that quotes the
    rule when it cannot be read."""
    try:
        return _compiled(clean_rule(rule), _local(starts_at))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        shown = rule.strip()[:120]
        if isinstance(exc, NeverOccurs):
            message = _(
                "The repetition rule %(rule)s never gives a date, like the 30th of February. Check its "
                "months and days.",
                rule=shown,
            )
        else:
            message = _(
                "The repetition rule %(rule)s cannot be read. Write it as in a calendar file, for "
                "example FREQ=WEEKLY;BYDAY=SA;UNTIL=20261031T000000Z.",
                rule=shown,
            )
        raise DomainError(message, field=field) from exc


def occurrences(
    rule: str,
    starts_at: datetime,
    start: datetime,
    end: datetime,
    *,
    skip: frozenset[date] = frozenset(),
    skip_holidays: bool = False,
) -> list[datetime]:
    """Starts (naive UTC) of the occurrences that begin in [start, end), leaving out those on the
    ``skip`` dates (EXDATEs, Danish dates) and, with ``skip_holidays``, on Danish public holidays."""
    compiled = compile_rule(rule, starts_at)
    zone = local_zone()
    offsets = _offsets(zone)
    local_start, local_end = _local(start) - timedelta(hours=2), _local(end) + timedelta(hours=2)
    found = []
    for local in compiled.between(local_start, local_end, inc=True):
        if skip or skip_holidays:
            day = local.date()
            if day in skip or (skip_holidays and is_holiday(day)):
                continue
        key = (local.year, local.month, local.day, local.hour)
        offset = offsets.get(key)
        if offset is None:  # the offset of a wall-clock hour in Denmark, looked up once
            offset = offsets[key] = local.replace(tzinfo=zone).utcoffset() or timedelta(0)
        moment = local - offset
        if start <= moment < end:
            found.append(moment)
            if len(found) >= MAX_OCCURRENCES:
                break
    return found


_OFFSETS: dict[object, dict[tuple[int, int, int, int], timedelta]] = {}


def _offsets(zone) -> dict[tuple[int, int, int, int], timedelta]:
    return _OFFSETS.setdefault(zone, {})


def last_start(rule: str, starts_at: datetime) -> datetime | None:
    """The start of the last occurrence, or None for a rule that repeats without end."""
    compiled = compile_rule(rule, starts_at)
    if compiled._count is None and compiled._until is None:
        return None
    last = None
    for n, local in enumerate(compiled):
        last = local
        if n >= MAX_OCCURRENCES * 5:
            break
    return _utc(last) if last is not None else starts_at
