"""A club's calendar: matches, tournaments and training per facility, one-off or recurring, entered by
hand or imported from an iCalendar file (all or nothing, with the line at fault named)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter
from typing import Any, NamedTuple

import sqlalchemy as sa
from icalendar import Calendar
from icalendar.parser import Contentline

from community.accounts.models import User
from community.db import lock, utcnow
from community.errors import DomainError, NotAllowed
from community.extensions import db
from community.i18n import _, local_zone, ngettext
from community.maintenance import permissions
from community.maintenance.models import Fixture, FixtureKind
from community.maintenance.services import recurrence
from community.spaces.models import Space

MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_EVENTS = 2000
MAX_FIXTURE = timedelta(days=3)


class Booking(NamedTuple):
    """One occurrence of a fixture (a tuple: a season has tens of thousands)."""

    fixture_id: int
    facility_id: int
    space_id: int
    title: str
    kind: FixtureKind
    starts_at: datetime
    ends_at: datetime
    has_kickoff: bool  # a match or tournament: it has a kick-off that windows are counted from

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.starts_at < end and self.ends_at > start


@dataclass
class FixtureInput:
    facility_id: int
    title: str
    kind: FixtureKind
    starts_at: datetime  # naive UTC
    ends_at: datetime
    rrule: str | None = None
    uid: str | None = None
    #: Danish dates a recurring fixture skips (EXDATE), and whether it skips public holidays.
    exdates: list[date] = field(default_factory=list)
    skip_holidays: bool = False


def check(data: FixtureInput) -> str | None:
    """The fixture's shape and its cleaned rule; ``DomainError`` on the field at fault."""
    if not data.title.strip():
        raise DomainError(_("Give the fixture a title, for example: U13 against Hørning."), field="title")
    if data.ends_at <= data.starts_at:
        raise DomainError(_("It must end after it starts. Check the end time."), field="ends_at")
    if data.ends_at - data.starts_at > MAX_FIXTURE:
        raise DomainError(_("A booking lasts at most three days. Split a longer one."), field="ends_at")
    rule = recurrence.clean_rule(data.rrule) if data.rrule and data.rrule.strip() else None
    if rule:
        recurrence.compile_rule(rule, data.starts_at)
    return rule


def _apply(fixture: Fixture, data: FixtureInput, rule: str | None) -> None:
    fixture.facility_id = data.facility_id
    fixture.title = data.title.strip()[:200]
    fixture.kind = data.kind
    fixture.starts_at = data.starts_at
    fixture.ends_at = data.ends_at
    fixture.rrule = rule
    fixture.exdates = sorted({d.isoformat() for d in data.exdates}) if rule else []
    fixture.skip_holidays = bool(data.skip_holidays and rule)
    last = recurrence.last_start(rule, data.starts_at) if rule else data.starts_at
    fixture.repeat_until = last + (data.ends_at - data.starts_at) if last is not None else None


def add_fixture(club: Space, data: FixtureInput, *, by: User) -> Fixture:
    if not permissions.can_book(by, club, data.facility_id):
        raise NotAllowed(_("%(club)s does not use this facility.", club=club.title), field="facility_id")
    rule = check(data)
    fixture = Fixture(
        space_id=club.id, uid=data.uid or f"fixture-{secrets.token_hex(8)}", created_by_id=by.id
    )
    _apply(fixture, data, rule)
    db.session.add(fixture)
    db.session.flush()
    return fixture


def update_fixture(fixture: Fixture, club: Space, data: FixtureInput, *, by: User) -> Fixture:
    """Changes a fixture (its time, repetition, exceptions); the uid stays, so calendar apps update it."""
    if fixture.space_id != club.id or not permissions.can_book(by, club, data.facility_id):
        raise NotAllowed(_("%(club)s does not use this facility.", club=club.title), field="facility_id")
    rule = check(data)
    _apply(fixture, data, rule)
    db.session.flush()
    return fixture


def delete_fixture(fixture: Fixture, club: Space, *, by: User) -> None:
    if not permissions.can_edit_fixtures(by, club):
        raise NotAllowed(_("Only the club's admins change its fixtures."))
    db.session.delete(fixture)
    db.session.flush()


def fixtures_of_club(club: Space) -> list[Fixture]:
    return list(
        db.session.scalars(
            sa.select(Fixture).where(Fixture.space_id == club.id).order_by(Fixture.starts_at, Fixture.id)
        )
    )


def _fixture_rows(facility_ids: list[int] | None, club_id: int | None, start: datetime, end: datetime):
    """Plain rows through Core (no ORM objects: a season has tens of thousands of bookings)."""
    t = Fixture.__table__.c
    query = sa.select(
        t.id,
        t.facility_id,
        t.space_id,
        t.title,
        t.kind,
        t.starts_at,
        t.ends_at,
        t.rrule,
        t.exdates,
        t.skip_holidays,
    ).where(
        t.starts_at < end,
        sa.or_(
            sa.and_(t.rrule.is_(None), t.ends_at > start),
            sa.and_(t.rrule.is_not(None), sa.or_(t.repeat_until.is_(None), t.repeat_until > start)),
        ),
    )
    if facility_ids is not None:
        query = query.where(t.facility_id.in_(facility_ids))
    if club_id is not None:
        query = query.where(t.space_id == club_id)
    return db.session.connection().execute(query).all()


def bookings_between(
    facility_ids: list[int] | None, start: datetime, end: datetime, *, club_id: int | None = None
) -> list[Booking]:
    """Every occurrence of the fixtures at these facilities (or of one club) that touches [start, end),
    recurring ones expanded, sorted by start."""
    if facility_ids is not None and not facility_ids:
        return []
    found: list[Booking] = []
    kickoff = (FixtureKind.MATCH, FixtureKind.TOURNAMENT)
    for (
        fid,
        facility_id,
        space_id,
        title,
        kind,
        starts_at,
        ends_at,
        rule,
        exdates,
        no_holidays,
    ) in _fixture_rows(facility_ids, club_id, start, end):
        length = ends_at - starts_at
        kind = FixtureKind(kind)
        has_kickoff = kind in kickoff
        if rule is None:
            found.append(Booking(fid, facility_id, space_id, title, kind, starts_at, ends_at, has_kickoff))
            continue
        try:
            starts = recurrence.occurrences(
                rule,
                starts_at,
                start - length,
                end,
                skip=recurrence.as_dates(exdates),
                skip_holidays=bool(no_holidays),
            )
        except DomainError:  # checked when saved; never break a page over one stored rule
            continue
        found.extend(
            Booking(fid, facility_id, space_id, title, kind, s, s + length, has_kickoff) for s in starts
        )
    found.sort(key=attrgetter("starts_at", "fixture_id"))
    return found


def upcoming_bookings(club: Space, *, days: int = 28) -> list[Booking]:
    now = utcnow()
    return bookings_between(None, now, now + timedelta(days=days), club_id=club.id)


def occurrence_of(club: Space, fixture_id: int, starts_at: datetime) -> Booking | None:
    """The club's booking that is ``fixture_id``'s occurrence starting at ``starts_at``, or None."""
    fixture = db.session.get(Fixture, fixture_id)
    if fixture is None or fixture.space_id != club.id:
        return None
    for booking in bookings_between(
        [fixture.facility_id], starts_at - timedelta(minutes=1), starts_at + timedelta(minutes=1)
    ):
        if booking.fixture_id == fixture_id and booking.starts_at == starts_at:
            return booking
    return None


# --- iCalendar import ------------------------------------------------------------------------------

KIND_WORDS = {
    FixtureKind.MATCH: ("match", "kamp", "game"),
    FixtureKind.TOURNAMENT: ("tournament", "turnering", "stævne", "cup"),
    FixtureKind.TRAINING: ("training", "træning", "practice"),
}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    def message(self) -> str:
        return ngettext(
            "%(num)s fixture imported (%(updated)s updated).",
            "%(num)s fixtures imported (%(updated)s updated).",
            self.created + self.updated,
            updated=self.updated,
        )


def _bad_line(number: int, problem: str) -> DomainError:
    return DomainError(
        _(
            "Line %(line)s of the calendar file: %(problem)s Nothing was imported; correct the file and "
            "try again.",
            line=number,
            problem=problem,
        ),
        field="file",
    )


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfolded content lines with the number of the physical line each starts on."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        if raw[:1] in (" ", "\t") and lines:
            first, so_far = lines[-1]
            lines[-1] = (first, so_far + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def _scan(text: str) -> list[dict[str, Any]]:
    """Checks every line's shape and nesting; returns each VEVENT's line numbers: its BEGIN line under
    "BEGIN", each property's under its name, and the raw RRULE text."""
    events: list[dict[str, Any]] = []
    stack: list[str] = []
    lines = _logical_lines(text)
    if not lines:
        raise _bad_line(1, _("The file is empty."))
    for number, line in lines:
        try:
            if "\x00" in line:  # no control characters in a calendar (RFC 5545), nor in PostgreSQL's text
                raise ValueError(line)
            name, _params, value = Contentline(line).parts()
        except ValueError:
            text = line.replace("\x00", "")[:60]
            raise _bad_line(number, _("“%(text)s” is not a calendar line.", text=text)) from None
        name = name.upper()
        if not stack and not (name == "BEGIN" and value.upper() == "VCALENDAR"):
            raise _bad_line(number, _("A calendar file begins with BEGIN:VCALENDAR."))
        if name == "BEGIN":
            stack.append(value.upper())
            if value.upper() == "VEVENT":
                events.append({"BEGIN": number})
        elif name == "END":
            if not stack or stack[-1] != value.upper():
                raise _bad_line(number, _("END:%(name)s does not close what was begun.", name=value[:30]))
            stack.pop()
        elif stack and stack[-1] == "VEVENT":
            events[-1].setdefault(name, number)
            if name == "RRULE":
                events[-1]["rrule_text"] = value
    if stack:
        raise _bad_line(lines[-1][0], _("The file ends before END:%(name)s.", name=stack[-1]))
    if len(events) > MAX_IMPORT_EVENTS:
        raise _bad_line(lines[-1][0], _("The file has more than %(n)s events.", n=MAX_IMPORT_EVENTS))
    return events


def _to_utc(value: Any, *, end_of_day: bool = False) -> datetime:
    """Naive UTC; ``ValueError`` for a time outside ``recurrence.YEARS`` (year 1 or 9999 overflows)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: the club means Danish time
            value = value.replace(tzinfo=local_zone())
    elif isinstance(value, date):
        value = datetime.combine(value, time(0, 0)).replace(tzinfo=local_zone())
    else:
        raise ValueError(value)
    if not recurrence.within_years(value):
        raise ValueError(value)
    return value.astimezone(UTC).replace(tzinfo=None)


def _guess_kind(summary: str, categories: str, default: FixtureKind) -> FixtureKind:
    words = f"{summary} {categories}".casefold()
    for kind in (FixtureKind.TOURNAMENT, FixtureKind.TRAINING, FixtureKind.MATCH):
        if any(re.search(rf"\b{re.escape(w)}", words) for w in KIND_WORDS[kind]):
            return kind
    return default


def _exdates(event) -> list[date]:
    """The Danish dates of an event's EXDATE lines (an occurrence that does not take place)."""
    found: list[date] = []
    raw = event.get("EXDATE")
    if raw is None:
        return found
    for item in raw if isinstance(raw, list) else [raw]:
        for entry in getattr(item, "dts", []):
            value = entry.dt
            if isinstance(value, datetime):
                if value.tzinfo is None:
                    value = value.replace(tzinfo=local_zone())
                value = value.astimezone(local_zone()).date()
            found.append(value)
    return sorted(set(found))


def parse_ics(data: bytes, *, facility_id: int, default_kind: FixtureKind) -> list[FixtureInput]:
    """Every VEVENT as a fixture, or ``DomainError`` naming the first line at fault."""
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError(_("The file is larger than 1 MB. Export a shorter period."), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("The file is not a calendar file (.ics) in UTF-8."), field="file") from None
    scanned = _scan(text)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as exc:
        raise _bad_line(1, _("The calendar cannot be read (%(why)s).", why=str(exc)[:120])) from None
    events = list(calendar.walk("VEVENT"))
    if len(events) != len(scanned):
        raise _bad_line(1, _("The calendar's events cannot be told apart."))
    found: list[FixtureInput] = []
    for event, lines in zip(events, scanned, strict=True):
        for name, _why in event.errors:
            if str(name).upper() == "RRULE":
                continue  # checked below, with dateutil, and the rule quoted
            raise _bad_line(
                lines.get(str(name).upper(), lines["BEGIN"]), _("%(name)s cannot be read.", name=name)
            )
        if "DTSTART" not in event:
            raise _bad_line(lines["BEGIN"], _("The event has no start time (DTSTART)."))
        try:
            raw_start = event.decoded("DTSTART")
            starts_at = _to_utc(raw_start)
        except (ValueError, TypeError, KeyError, OverflowError):
            raise _bad_line(lines["DTSTART"], _("The start time cannot be read.")) from None
        try:
            if "DTEND" in event:
                ends_at = _to_utc(event.decoded("DTEND"))
            elif "DURATION" in event:
                ends_at = starts_at + event.decoded("DURATION")
            elif isinstance(raw_start, datetime):
                ends_at = starts_at + timedelta(hours=1)
            else:
                ends_at = starts_at + timedelta(days=1)
        except (ValueError, TypeError, KeyError, OverflowError):
            line = lines.get("DTEND", lines.get("DURATION", lines["BEGIN"]))
            raise _bad_line(line, _("The end time cannot be read.")) from None
        summary = str(event.get("SUMMARY", "")).strip() or _("Booking")
        categories = event.get("CATEGORIES")
        category_text = ""
        if categories is not None:
            items = categories if isinstance(categories, list) else [categories]
            category_text = " ".join(str(c) for item in items for c in getattr(item, "cats", [item]))
        try:
            exdates = _exdates(event)
        except (ValueError, TypeError, AttributeError, OverflowError):
            raise _bad_line(lines.get("EXDATE", lines["BEGIN"]), _("EXDATE cannot be read.")) from None
        item = FixtureInput(
            facility_id=facility_id,
            exdates=exdates,
            title=summary[:200],
            kind=_guess_kind(summary, category_text, default_kind),
            starts_at=starts_at,
            ends_at=ends_at,
            rrule=lines.get("rrule_text"),
            uid=(str(event.get("UID", "")).strip() or None),
        )
        try:
            check(item)
        except DomainError as exc:
            line = lines.get("RRULE") if exc.field == "rrule" else None
            line = line or lines.get("DTEND") if exc.field == "ends_at" else line
            raise _bad_line(line or lines["BEGIN"], str(exc)) from None
        found.append(item)
    if not found:
        raise DomainError(_("The file has no events (VEVENT) to import."), field="file")
    return found


def import_ics(
    club: Space, data: bytes, *, facility_id: int, default_kind: FixtureKind, by: User
) -> ImportResult:
    """Adds the file's events to the club's calendar; an event whose UID is already there is updated.
    All or nothing: any problem refuses the whole file."""
    if not permissions.can_book(by, club, facility_id):
        raise NotAllowed(_("%(club)s does not use this facility.", club=club.title), field="facility_id")
    items = parse_ics(data, facility_id=facility_id, default_kind=default_kind)
    lock(club)  # the same file imported twice at once: the second one updates what the first added
    uids = [i.uid for i in items if i.uid]
    existing = {
        f.uid: f
        for f in db.session.scalars(
            sa.select(Fixture).where(Fixture.space_id == club.id, Fixture.uid.in_(uids))
        )
    }
    created = updated = 0
    seen: set[str] = set()
    for item in items:
        uid = (item.uid or f"import-{secrets.token_hex(8)}")[:255]
        if uid in seen:
            continue  # a repeated UID is the same event (e.g. an exception); the first one counts
        seen.add(uid)
        fixture = existing.get(uid)
        if fixture is None:
            fixture = Fixture(space_id=club.id, uid=uid, created_by_id=by.id)
            db.session.add(fixture)
            created += 1
        else:
            updated += 1
        _apply(fixture, item, recurrence.clean_rule(item.rrule) if item.rrule else None)
    db.session.flush()
    return ImportResult(created=created, updated=updated)
