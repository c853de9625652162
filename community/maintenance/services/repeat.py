"""How often a fixture repeats, the way a club chair says it ("every week on Saturday at 10:00 from
5 April to 31 October, except public holidays and 24 December"), and the RRULE underneath.

``build_rule`` writes the RRULE for a ``Repeat``; ``parse_rule`` reads one back into a ``Repeat`` when
the form can say it (the occurrences of both are compared, so nothing is silently changed), and
``describe`` puts any rule into words, imported ones included."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from babel.dates import get_day_names
from babel.lists import format_list

from community.errors import DomainError
from community.formatting import format_time
from community.i18n import _, _l, current_language, format_date, local_zone, ngettext
from community.maintenance.services import recurrence


class Frequency(enum.StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    #: A rule the form cannot say (e.g. imported): shown in words and kept as it is.
    CUSTOM = "custom"


FREQUENCY_LABELS = {
    Frequency.ONCE: _l("Once"),
    Frequency.WEEKLY: _l("Every week"),
    Frequency.BIWEEKLY: _l("Every other week"),
    Frequency.MONTHLY: _l("Every month"),
    Frequency.CUSTOM: _l("As it is now (kept)"),
}
CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NTH = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last")}
PREVIEW = 6
_COMPARE = 300  # occurrences compared when reading a rule back
MAX_SKIPPED = 100


@dataclass
class Repeat:
    frequency: Frequency = Frequency.ONCE
    weekdays: tuple[int, ...] = ()  # 0 = Monday
    until: date | None = None  # the last date (Danish), inclusive
    skip_holidays: bool = False
    skipped: tuple[date, ...] = field(default_factory=tuple)


def _lang() -> str:
    return current_language()


def day_names() -> dict[int, str]:
    return dict(get_day_names("wide", locale=_lang()))


def _days(weekdays: tuple[int, ...] | list[int]) -> str:
    names = day_names()
    return format_list([names[d] for d in sorted(weekdays)], locale=_lang())


def _nth(day: int) -> int:
    n = (day - 1) // 7 + 1
    return -1 if n == 5 else n


def _until_utc(last: date) -> str:
    """UNTIL for "up to and including ``last``" in Danish time, in UTC as RFC 5545 wants."""
    local_end = datetime.combine(last, time(23, 59, 59)).replace(tzinfo=local_zone())
    return local_end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def build_rule(repeat: Repeat, first_local: datetime) -> str | None:
    """The RRULE for ``repeat`` with its first occurrence at ``first_local`` (Danish wall-clock time);
    None for a one-off. ``DomainError`` (on the field at fault) when the two do not fit together."""
    if repeat.frequency == Frequency.ONCE:
        return None
    if repeat.frequency == Frequency.CUSTOM:
        raise ValueError("a kept rule is not built")
    first_day = first_local.weekday()
    names = day_names()
    weekdays = tuple(sorted(set(repeat.weekdays)))
    if repeat.until is not None and repeat.until < first_local.date():
        raise DomainError(
            _("The last date is before the first time. Choose a later last date."), field="until"
        )
    if repeat.frequency in (Frequency.WEEKLY, Frequency.BIWEEKLY):
        weekdays = weekdays or (first_day,)
        if first_day not in weekdays:
            raise DomainError(
                _(
                    "The first time is on a %(day)s. Tick %(day)s as well, or let it start on one of the "
                    "days you ticked.",
                    day=names[first_day],
                ),
                field="weekdays",
            )
        parts = ["FREQ=WEEKLY"]
        if repeat.frequency == Frequency.BIWEEKLY:
            parts.append("INTERVAL=2")
        parts.append("BYDAY=" + ",".join(CODES[d] for d in weekdays))
    else:  # monthly: on the first date's day of the month, or on its n-th weekday
        parts = ["FREQ=MONTHLY"]
        if len(weekdays) > 1:
            raise DomainError(
                _("Every month repeats on one day: tick one weekday, or none for the same date each month."),
                field="weekdays",
            )
        if weekdays:
            if weekdays[0] != first_day:
                raise DomainError(
                    _(
                        "The first time is on a %(day)s. Tick %(day)s, or none for the same date each month.",
                        day=names[first_day],
                    ),
                    field="weekdays",
                )
            parts.append(f"BYDAY={_nth(first_local.day)}{CODES[first_day]}")
    if repeat.until is not None:
        parts.append(f"UNTIL={_until_utc(repeat.until)}")
    return ";".join(parts)


def _parts(rule: str) -> dict[str, str] | None:
    found: dict[str, str] = {}
    for piece in recurrence.clean_rule(rule).split(";"):
        if "=" not in piece:
            return None
        key, value = piece.split("=", 1)
        found[key] = value
    return found


def _candidate(parts: dict[str, str], first_local: datetime) -> Repeat | None:
    if set(parts) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "WKST"}:
        return None
    interval = parts.get("INTERVAL", "1")
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    until = None
    if "UNTIL" in parts:
        raw = parts["UNTIL"]
        try:
            if "T" in raw:
                moment = datetime.strptime(raw.rstrip("Z"), "%Y%m%dT%H%M%S")
                if raw.endswith("Z"):
                    moment = moment.replace(tzinfo=UTC).astimezone(local_zone()).replace(tzinfo=None)
                until = moment.date()
            else:
                until = datetime.strptime(raw, "%Y%m%d").date()
        except ValueError:
            return None
    freq = parts.get("FREQ")
    if freq == "WEEKLY" and interval in ("1", "2") and all(d in CODES for d in days):
        frequency = Frequency.WEEKLY if interval == "1" else Frequency.BIWEEKLY
        return Repeat(frequency, tuple(sorted(CODES.index(d) for d in days)), until)
    if freq == "MONTHLY" and interval == "1" and len(days) <= 1:
        weekdays = (first_local.weekday(),) if days else ()
        return Repeat(Frequency.MONTHLY, weekdays, until)
    return None


def parse_rule(rule: str | None, starts_at: datetime) -> Repeat | None:
    """The form's ``Repeat`` for a stored rule (``starts_at`` naive UTC), or None when the form cannot
    say it without changing when the fixture takes place."""
    if not rule:
        return Repeat()
    parts = _parts(rule)
    if parts is None:
        return None
    first_local = recurrence.to_local(starts_at)
    candidate = _candidate(parts, first_local)
    if candidate is None:
        return None
    try:
        rebuilt = build_rule(candidate, first_local)
        ours = recurrence.compile_rule(rule, starts_at)
        theirs = recurrence.compile_rule(rebuilt or "", starts_at)
    except DomainError:
        return None
    if list(islice(ours, _COMPARE)) != list(islice(theirs, _COMPARE)):
        return None
    return candidate


def parse_dates(text: str) -> list[date]:
    """Dates typed by a person, separated by commas, semicolons or new lines: 24-12-2026, 24.12.2026,
    24/12/2026 or 2026-12-24. ``DomainError`` naming the first that is not a date."""
    found: list[date] = []
    for raw in text.replace(";", ",").replace("\n", ",").split(","):
        token = raw.strip()
        if not token:
            continue
        value = None
        for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
            try:
                value = datetime.strptime(token, fmt).date()
                break
            except ValueError:
                continue
        if value is None or not recurrence.YEARS[0] <= value.year <= recurrence.YEARS[1]:
            raise DomainError(
                _("“%(text)s” is not a date. Write dates like 24-12-2026.", text=token[:30]),
                field="skipped_dates",
            )
        found.append(value)
    if len(found) > MAX_SKIPPED:
        raise DomainError(_("Skip at most %(n)s dates.", n=MAX_SKIPPED), field="skipped_dates")
    return sorted(set(found))


def format_dates(dates: list[date] | tuple[date, ...]) -> str:
    """Dates as the form shows them again (24-12-2026, 31-12-2026)."""
    return ", ".join(d.strftime("%d-%m-%Y") for d in dates)


# --- in words --------------------------------------------------------------------------------------


def _at(starts_at: datetime) -> str:
    """The time of day of a stored (naive UTC) start, in Danish time."""
    return format_time(starts_at)


def _how(repeat: Repeat, first_local: datetime, starts_at: datetime) -> str:
    at = _at(starts_at)
    if repeat.frequency == Frequency.WEEKLY:
        return _("every week on %(days)s at %(time)s", days=_days(repeat.weekdays), time=at)
    if repeat.frequency == Frequency.BIWEEKLY:
        return _("every other week on %(days)s at %(time)s", days=_days(repeat.weekdays), time=at)
    if repeat.weekdays:
        return _(
            "every month on the %(nth)s %(day)s at %(time)s",
            nth=NTH[_nth(first_local.day)],
            day=day_names()[first_local.weekday()],
            time=at,
        )
    return _("every month on day %(day)s at %(time)s", day=first_local.day, time=at)


def _general(parts: dict[str, str], first_local: datetime, starts_at: datetime) -> str:
    """Words for a rule the form cannot say: its frequency, interval, days, count and end."""
    n = int(parts.get("INTERVAL", "1")) if parts.get("INTERVAL", "1").isdigit() else 1
    freq = parts.get("FREQ", "")
    if freq == "DAILY":
        how = ngettext("every day", "every %(num)s days", n)
    elif freq == "WEEKLY":
        how = ngettext("every week", "every %(num)s weeks", n)
    elif freq == "MONTHLY":
        how = ngettext("every month", "every %(num)s months", n)
    elif freq == "YEARLY":
        how = ngettext("every year", "every %(num)s years", n)
    else:
        how = ngettext("every hour", "every %(num)s hours", n)
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    if days and all(d in CODES for d in days):
        how = _("%(how)s on %(days)s", how=how, days=_days([CODES.index(d) for d in days]))
    how = _("%(how)s at %(time)s", how=how, time=_at(starts_at))
    if parts.get("COUNT", "").isdigit():
        count = int(parts["COUNT"])
        how = ngettext("%(how)s, %(num)s time in all", "%(how)s, %(num)s times in all", count, how=how)
    return how


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe(
    rule: str | None,
    starts_at: datetime,
    *,
    repeat_until: datetime | None = None,
    exdates: list[date] | tuple[date, ...] = (),
    skip_holidays: bool = False,
) -> str:
    """The fixture's timing in words, in the reader's language."""
    first_local = recurrence.to_local(starts_at)
    first = format_date(first_local.date(), "long")
    if not rule:
        return _capital(
            _(
                "once, on %(date)s at %(time)s",
                date=format_date(first_local.date(), "full"),
                time=_at(starts_at),
            )
        )
    repeat = parse_rule(rule, starts_at)
    parts = _parts(rule) or {}
    if repeat is not None:
        how = _how(repeat, first_local, starts_at)
        last = repeat.until
    else:
        how = _general(parts, first_local, starts_at)
        last = recurrence.to_local(repeat_until).date() if repeat_until is not None else None
    if last is not None:
        sentence = _(
            "%(how)s, from %(first)s to %(last)s.", how=how, first=first, last=format_date(last, "long")
        )
    else:
        sentence = _("%(how)s, from %(first)s, with no end date.", how=how, first=first)
    extra = []
    if skip_holidays:
        extra.append(_("Not on Danish public holidays."))
    if exdates:
        extra.append(
            ngettext(
                "Not on %(num)s chosen date: %(dates)s.",
                "Not on %(num)s chosen dates: %(dates)s.",
                len(exdates),
                dates=format_list([format_date(d, "long") for d in sorted(exdates)], locale=_lang()),
            )
        )
    return " ".join([_capital(sentence), *extra])


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # naive UTC
    skipped_because: str | None  # a holiday's name or "chosen date" when it does not take place


def preview(
    rule: str | None,
    starts_at: datetime,
    *,
    exdates: list[date] | tuple[date, ...] = (),
    skip_holidays: bool = False,
    after: datetime | None = None,
    count: int = PREVIEW,
) -> list[Occurrence]:
    """The next ``count`` occurrences from ``after`` (or the first time), with the ones skipped in
    between marked and why."""
    if not rule:
        return [Occurrence(starts_at, None)]
    start = max(starts_at, after) if after else starts_at
    found: list[Occurrence] = []
    skip = set(exdates)
    window = start
    while (
        len([o for o in found if o.skipped_because is None]) < count
        and window < start + recurrence.HORIZON * 3
    ):
        end = window + timedelta(days=92)
        for moment in recurrence.occurrences(rule, starts_at, window, end):
            day = recurrence.to_local(moment).date()
            reason = None
            if day in skip:
                reason = _("a chosen date")
            elif skip_holidays and (name := recurrence.holiday_name(day, _lang())):
                reason = name
            found.append(Occurrence(moment, reason))
            if len([o for o in found if o.skipped_because is None]) >= count:
                break
        window = end
    return found


def occurrence_words(moment: datetime) -> str:
    """ "Saturday 11 April 2026 at 10:00" in the reader's language."""
    local = recurrence.to_local(moment)
    return _(
        "%(date)s at %(time)s",
        date=format_date(local.date(), "full"),
        time=format_time(moment),
    )
