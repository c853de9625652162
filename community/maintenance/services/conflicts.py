"""Conflicts between the contractor's visits and the clubs' bookings: a visit that overlaps a booking,
falls in the quiet window before kick-off (no mowing in the last 2 hours, by default) or while the
facility is closed; and a match with no line marking in the window before it (48 hours, by default).
Each is flagged to both sides with a suggested free slot.

The check works on plain tuples and sorted lists (one query per kind of row, a bisect per visit), so a
whole season of a hundred facilities takes well under a second."""

from __future__ import annotations

import enum
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from community.db import utcnow
from community.extensions import db
from community.i18n import _, local_zone
from community.maintenance.models import (
    TASK_LABELS,
    Agreement,
    Closure,
    TaskType,
    Visit,
    VisitStatus,
)
from community.maintenance.services.fixtures import Booking, bookings_between

WORKDAY = (7, 19)  # suggested slots begin at 07:00 and end by 19:00, Danish time
STEP = timedelta(minutes=30)
SEARCH_DAYS = (0, -1, 1, -2, 2, -3, 3)
LONGEST_BOOKING = timedelta(days=3)


class ClashKind(enum.StrEnum):
    OVERLAP = "overlap"
    QUIET = "quiet"
    CLOSED = "closed"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class VisitRow:
    id: int
    facility_id: int
    space_id: int
    agreement_id: int
    task: TaskType
    quiet_hours: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Clash:
    kind: ClashKind
    facility_id: int
    task: TaskType
    contractor_id: int
    visit: VisitRow | None
    booking: Booking | None
    suggested: datetime | None

    @property
    def task_label(self) -> str:
        return str(TASK_LABELS[self.task])

    def describe(self) -> str:
        booking = self.booking
        if self.kind == ClashKind.OVERLAP and booking is not None:
            return _("It overlaps “%(title)s”.", title=booking.title)
        if self.kind == ClashKind.QUIET and booking is not None and self.visit is not None:
            return _(
                "It falls in the %(hours)s hours before kick-off of “%(title)s”.",
                hours=self.visit.quiet_hours,
                title=booking.title,
            )
        if self.kind == ClashKind.CLOSED:
            return _("The facility is closed then.")
        if booking is not None:
            return _(
                "“%(title)s” has no %(task)s planned in the hours before it.",
                title=booking.title,
                task=self.task_label.lower(),
            )
        return ""


@dataclass
class _Facility:
    bookings: list[Booking]
    starts: list[datetime]
    closures: list[tuple[datetime, datetime]]


def _visit_rows(
    start: datetime,
    end: datetime,
    *,
    facility_ids: list[int] | None,
    contractor_id: int | None,
    visit_ids: list[int] | None,
    statuses: tuple[VisitStatus, ...] = (VisitStatus.PLANNED,),
) -> list[VisitRow]:
    query = (
        sa.select(
            Visit.id,
            Visit.facility_id,
            Visit.space_id,
            Visit.agreement_id,
            Agreement.task,
            Agreement.quiet_hours_before,
            Visit.planned_at,
            Visit.ends_at,
        )
        .join(Agreement, Agreement.id == Visit.agreement_id)
        .where(Visit.status.in_(statuses), Visit.planned_at < end, Visit.ends_at > start)
    )
    if facility_ids is not None:
        query = query.where(Visit.facility_id.in_(facility_ids))
    if contractor_id is not None:
        query = query.where(Visit.space_id == contractor_id)
    if visit_ids is not None:
        query = query.where(Visit.id.in_(visit_ids))
    return [VisitRow(*row) for row in db.session.execute(query)]


def _context(
    facility_ids: list[int], start: datetime, end: datetime, *, margin: timedelta
) -> dict[int, _Facility]:
    bookings = bookings_between(facility_ids, start - margin, end + margin)
    closures = db.session.execute(
        sa.select(Closure.facility_id, Closure.starts_at, Closure.ends_at).where(
            Closure.facility_id.in_(facility_ids),
            Closure.starts_at < end + margin,
            Closure.ends_at > start - margin,
        )
    ).all()
    found: dict[int, _Facility] = {fid: _Facility([], [], []) for fid in facility_ids}
    for b in bookings:  # already sorted by start
        entry = found[b.facility_id]
        entry.bookings.append(b)
        entry.starts.append(b.starts_at)
    for fid, s, e in closures:
        found[fid].closures.append((s, e))
    return found


def _clash_of(
    start: datetime, end: datetime, quiet: timedelta, place: _Facility
) -> tuple[ClashKind, Booking | None] | None:
    """What a slot [start, end) collides with at a facility, or None when it is free."""
    for s, e in place.closures:
        if s < end and e > start:
            return ClashKind.CLOSED, None
    bookings, starts = place.bookings, place.starts
    first = bisect_left(starts, start - LONGEST_BOOKING)
    last = bisect_left(starts, end + quiet)
    found: tuple[ClashKind, Booking | None] | None = None
    for b in bookings[first:last]:
        if b.starts_at < end and b.ends_at > start:
            return ClashKind.OVERLAP, b
        if found is None and quiet and b.has_kickoff and end > b.starts_at - quiet and start < b.starts_at:
            found = ClashKind.QUIET, b
    return found


def suggest_slot(
    place: _Facility,
    *,
    around: datetime,
    length: timedelta,
    quiet: timedelta,
    not_before: datetime,
    not_after: datetime | None = None,
) -> datetime | None:
    """The first free slot of ``length`` on the day of ``around``, else the days before and after, in
    working hours; never in the past, and ending by ``not_after`` when given."""
    local = around.replace(tzinfo=UTC).astimezone(local_zone()).replace(tzinfo=None)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in SEARCH_DAYS:
        base = day + timedelta(days=offset)
        moment = base.replace(hour=WORKDAY[0])
        latest = base.replace(hour=WORKDAY[1]) - length
        while moment <= latest:
            utc = _to_utc(moment)
            fits = utc >= not_before and (not_after is None or utc + length <= not_after)
            if fits and _clash_of(utc, utc + length, quiet, place) is None:
                return utc
            moment += STEP
    return None


def _to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def _check(
    visits: list[VisitRow],
    places: dict[int, _Facility],
    *,
    now: datetime,
    suggest: bool,
) -> list[Clash]:
    clashes: list[Clash] = []
    for v in visits:
        place = places.get(v.facility_id)
        if place is None:
            continue
        quiet = timedelta(hours=v.quiet_hours)
        hit = _clash_of(v.starts_at, v.ends_at, quiet, place)
        if hit is None:
            continue
        kind, booking = hit
        suggested = None
        if suggest:
            suggested = suggest_slot(
                place,
                around=v.starts_at,
                length=v.ends_at - v.starts_at,
                quiet=quiet,
                not_before=now,
                not_after=booking.starts_at - quiet if kind == ClashKind.QUIET and booking else None,
            )
        clashes.append(Clash(kind, v.facility_id, v.task, v.space_id, v, booking, suggested))
    return clashes


def _missing(
    start: datetime,
    end: datetime,
    places: dict[int, _Facility],
    *,
    facility_ids: list[int],
    contractor_id: int | None,
    now: datetime,
    suggest: bool,
) -> list[Clash]:
    """Matches with no visit of a "wanted within" task (line marking) in the window before kick-off."""
    query = sa.select(
        Agreement.id,
        Agreement.facility_id,
        Agreement.contractor_space_id,
        Agreement.task,
        Agreement.wanted_within_hours,
    ).where(Agreement.facility_id.in_(facility_ids), Agreement.wanted_within_hours.is_not(None))
    if contractor_id is not None:
        query = query.where(Agreement.contractor_space_id == contractor_id)
    wanted = db.session.execute(query).all()
    if not wanted:
        return []
    longest = max(hours for *_rest, hours in wanted)
    done = defaultdict(list)
    for row in db.session.execute(
        sa.select(Visit.agreement_id, Visit.planned_at).where(
            Visit.agreement_id.in_([w[0] for w in wanted]),
            Visit.status.in_((VisitStatus.PLANNED, VisitStatus.DONE)),
            Visit.planned_at >= start - timedelta(hours=longest),
            Visit.planned_at < end,
        )
    ):
        done[row[0]].append(row[1])
    for times in done.values():
        times.sort()
    clashes: list[Clash] = []
    for agreement_id, facility_id, contractor, task, hours in wanted:
        place = places.get(facility_id)
        if place is None:
            continue
        window = timedelta(hours=hours)
        times = done.get(agreement_id, [])
        for b in place.bookings:
            if not b.has_kickoff or not (start <= b.starts_at < end) or b.starts_at < now:
                continue
            i = bisect_left(times, b.starts_at - window)
            if i < len(times) and times[i] < b.starts_at:
                continue
            suggested = None
            if suggest:
                suggested = suggest_slot(
                    place,
                    around=b.starts_at - timedelta(days=1),
                    length=timedelta(hours=1),
                    quiet=timedelta(0),
                    not_before=max(now, b.starts_at - window),
                    not_after=b.starts_at,
                )
            clashes.append(Clash(ClashKind.MISSING, facility_id, task, contractor, None, b, suggested))
    return clashes


def find_clashes(
    start: datetime,
    end: datetime,
    *,
    facility_ids: list[int] | None = None,
    contractor_id: int | None = None,
    visit_ids: list[int] | None = None,
    fixture_ids: list[int] | None = None,
    wanted: bool = True,
    suggest: bool = True,
    now: datetime | None = None,
) -> list[Clash]:
    """Every conflict in [start, end), narrowed to some facilities, one contractor, some visits or the
    occurrences of some fixtures; sorted by time."""
    now = now or utcnow()
    visits = _visit_rows(
        start, end, facility_ids=facility_ids, contractor_id=contractor_id, visit_ids=visit_ids
    )
    ids = sorted({v.facility_id for v in visits} | set(facility_ids or []))
    if not ids:
        return []
    places = _context(ids, start, end, margin=timedelta(days=3))
    clashes = _check(visits, places, now=now, suggest=suggest)
    if wanted and visit_ids is None:
        clashes += _missing(
            start, end, places, facility_ids=ids, contractor_id=contractor_id, now=now, suggest=suggest
        )
    if fixture_ids is not None:
        wanted_ids = set(fixture_ids)
        clashes = [c for c in clashes if c.booking is not None and c.booking.fixture_id in wanted_ids]
    clashes.sort(key=lambda c: (c.visit.starts_at if c.visit else c.booking.starts_at, c.facility_id))  # type: ignore[union-attr]
    return clashes


def free_slot(
    facility_id: int, *, around: datetime, length: timedelta, quiet_hours: int, not_after: datetime | None
) -> datetime | None:
    """A free slot at one facility (for proposing a time on a request)."""
    place = _context(
        [facility_id], around - timedelta(days=4), around + timedelta(days=4), margin=timedelta(days=3)
    )[facility_id]
    return suggest_slot(
        place,
        around=around,
        length=length,
        quiet=timedelta(hours=quiet_hours),
        not_before=utcnow(),
        not_after=not_after,
    )


MAX_FLAGS = 3


def check_slot(
    facility_id: int, start: datetime, end: datetime, *, agreement: Agreement, now: datetime | None = None
) -> list[Clash]:
    """What a visit of ``agreement`` at [start, end) would collide with, before anything is moved
    there (for a proposed time)."""
    now = now or utcnow()
    places = _context([facility_id], start, end, margin=timedelta(days=3))
    row = VisitRow(
        0,
        facility_id,
        agreement.contractor_space_id,
        agreement.id,
        agreement.task,
        agreement.quiet_hours_before,
        start,
        end,
    )
    return _check([row], places, now=now, suggest=True)


def clash_key(clash: Clash) -> str:
    """What makes a conflict the same one on the next import or plan: the visit (or, for a task
    missing before a match, the facility and task) and the fixture's occurrence (or the closure)."""
    booking = clash.booking
    if booking is not None:
        other = f"f{booking.fixture_id}@{booking.starts_at:%Y%m%dT%H%M}"
    else:
        other = f"closed@{clash.visit.starts_at:%Y%m%dT%H%M}" if clash.visit is not None else "closed"
    if clash.visit is not None:
        return f"v{clash.visit.id}:{other}"
    return f"m{clash.facility_id}.{clash.task.value}:{other}"


def _first_notice(clash: Clash) -> bool:
    """Records that both sides were told of ``clash``; False when they already were (also when a
    concurrent request recorded it first: the key is unique)."""
    from community.maintenance.models import ClashNotice
    from community.maintenance.services.common import insert_once

    return insert_once(
        ClashNotice,
        unique=["key"],
        key=clash_key(clash),
        visit_id=clash.visit.id if clash.visit is not None and clash.visit.id else None,
        fixture_id=clash.booking.fixture_id if clash.booking is not None else None,
        created_at=utcnow(),
    )


def flag(clashes: list[Clash], *, by=None) -> list[Clash]:
    """Tells both sides (the club's admins, the contractor's crew) of each conflict they have not been
    told of before, with the suggested slot, so a re-import or a new plan never tells them twice. A
    few per side in full, the rest in one line. Returns the conflicts that were new."""
    from community.maintenance.models import Facility
    from community.maintenance.services.common import iso, tell
    from community.maintenance.services.crew import contractor_people
    from community.spaces.models import Space
    from community.spaces.services import space_admins

    seen: set[str] = set()
    new = []
    for clash in clashes:
        key = clash_key(clash)
        if key in seen:
            continue
        seen.add(key)
        if _first_notice(clash):
            new.append(clash)
    sides: dict[tuple[int, str], list[Clash]] = defaultdict(list)
    for clash in new:
        sides[(clash.contractor_id, "contractor")].append(clash)
        if clash.booking is not None:
            sides[(clash.booking.space_id, "club")].append(clash)
    for (space_id, side), items in sides.items():
        space = db.session.get(Space, space_id)
        if space is None:
            continue
        people = contractor_people(space) if side == "contractor" else space_admins(space)
        for clash in items[:MAX_FLAGS]:
            facility = db.session.get(Facility, clash.facility_id)
            when = clash.visit.starts_at if clash.visit is not None else clash.booking.starts_at  # type: ignore[union-attr]
            tell(
                people,
                "maintenance.clash",
                skip=by,
                side=side,
                space_slug=space.slug,
                facility=facility.name if facility else "",
                task=clash.task.value,
                when=iso(when),
                title=clash.booking.title if clash.booking else "",
                suggested=iso(clash.suggested),
            )
        if len(items) > MAX_FLAGS:
            tell(
                people,
                "maintenance.clashes_more",
                skip=by,
                side=side,
                space_slug=space.slug,
                n=len(items) - MAX_FLAGS,
            )
    return new
