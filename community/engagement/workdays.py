"""Danish working days: Monday to Friday, except the public holidays of Denmark as the maintained
``holidays`` package knows them (Easter, Ascension, Whitsun, Christmas, and the abolition of Store
Bededag from 2024). Deadlines end at midnight in Denmark, stored as naive UTC like every time here."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

DENMARK = ZoneInfo("Europe/Copenhagen")


@cache
def _danish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def local_date(moment: datetime) -> date:
    """The date in Denmark of a stored (naive UTC) moment."""
    return moment.replace(tzinfo=UTC).astimezone(DENMARK).date()


def add_working_days(start: datetime, days: int) -> datetime:
    """The deadline ``days`` working days after ``start``: the end of that day in Denmark, as naive UTC.
    Something that arrives on a Friday evening with a promise of 2 working days is due Tuesday night."""
    day = local_date(start)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    end_of_day = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=DENMARK)
    return end_of_day.astimezone(UTC).replace(tzinfo=None) - timedelta(seconds=1)


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days from ``start`` to ``end``: 0 when answered the same day (or over a weekend before the
    next working day began), 1 when answered the next working day, and so on."""
    first, last = local_date(start), local_date(end)
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
