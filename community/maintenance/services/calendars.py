"""Calendars out: .ics export of a club's fixtures, and private feeds (secret, revocable tokens) of a
facility, a club or a contractor that any calendar app can subscribe to."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from icalendar import Calendar, Event, vRecur
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.db import lock, utcnow
from community.errors import DomainError, NotAllowed
from community.extensions import db
from community.i18n import _, force_locale, local_zone
from community.maintenance import permissions
from community.maintenance.models import (
    Closure,
    Facility,
    FeedScope,
    FeedToken,
    Fixture,
    Visit,
    VisitStatus,
)
from community.maintenance.services import facilities as facility_service
from community.maintenance.services import recurrence
from community.spaces.models import Space

PAST = timedelta(days=60)
AHEAD = timedelta(days=400)


def _aware_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(local_zone())


def _new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Faelled//Maintenance//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _fixture_event(fixture: Fixture, host: str) -> Event:
    event = Event()
    event.add("uid", fixture.uid if "@" in fixture.uid else f"{fixture.uid}@{host}")
    event.add("dtstamp", _aware_utc(fixture.created_at))
    if fixture.rrule:  # wall-clock time, so the repetition stays at the same hour across summer time
        event.add("dtstart", _local(fixture.starts_at))
        event.add("dtend", _local(fixture.ends_at))
        event.add("rrule", vRecur.from_ical(fixture.rrule))
        skipped = _skipped(fixture)
        if skipped:
            event.add("exdate", [_local(moment) for moment in skipped])
    else:
        event.add("dtstart", _aware_utc(fixture.starts_at))
        event.add("dtend", _aware_utc(fixture.ends_at))
    event.add("summary", fixture.title)
    event.add("categories", [fixture.kind_label])
    event.add("location", fixture.facility.name)
    return event


def _skipped(fixture: Fixture) -> list[datetime]:
    """The occurrences the rule gives that do not take place (chosen dates, public holidays): the
    calendar file's EXDATEs."""
    chosen = recurrence.as_dates(fixture.exdates)
    if not chosen and not fixture.skip_holidays:
        return []
    end = fixture.repeat_until or (utcnow() + AHEAD)
    try:
        starts = recurrence.occurrences(fixture.rrule or "", fixture.starts_at, fixture.starts_at, end)
    except DomainError:
        return []
    return [
        s
        for s in starts
        if (day := recurrence.to_local(s).date()) in chosen
        or (fixture.skip_holidays and recurrence.is_holiday(day))
    ]


def _visit_event(visit: Visit, host: str) -> Event:
    event = Event()
    event.add("uid", f"visit-{visit.id}@{host}")
    event.add("dtstamp", _aware_utc(visit.done_at or visit.planned_at))
    event.add("dtstart", _aware_utc(visit.planned_at))
    event.add("dtend", _aware_utc(visit.ends_at))
    if visit.status == VisitStatus.DONE:
        summary = _("%(task)s (done)", task=visit.agreement.task_label)
    elif visit.status == VisitStatus.SKIPPED:
        summary = _("%(task)s (skipped)", task=visit.agreement.task_label)
    else:
        summary = _("%(task)s (planned)", task=visit.agreement.task_label)
    event.add("summary", summary)
    event.add("location", visit.facility.name)
    lines = [_("By %(contractor)s", contractor=visit.space.title)]
    if visit.note:
        lines.append(visit.note)
    if visit.reason_text:
        lines.append(visit.reason_text)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if visit.status == VisitStatus.SKIPPED else "CONFIRMED")
    return event


def _closure_event(closure: Closure, host: str) -> Event:
    event = Event()
    event.add("uid", f"closure-{closure.id}@{host}")
    event.add("dtstamp", _aware_utc(closure.created_at))
    event.add("dtstart", _aware_utc(closure.starts_at))
    event.add("dtend", _aware_utc(closure.ends_at))
    event.add("summary", _("Closed: %(facility)s", facility=closure.facility.name))
    event.add("description", closure.reason)
    event.add("location", closure.facility.name)
    return event


def _to_bytes(calendar: Calendar) -> bytes:
    adder = getattr(calendar, "add_missing_timezones", None)
    if adder is not None:
        adder()
    return calendar.to_ical()


def _visits(facility_ids: list[int] | None, contractor_id: int | None) -> list[Visit]:
    now = utcnow()
    query = (
        sa.select(Visit)
        .where(Visit.planned_at >= now - PAST, Visit.planned_at < now + AHEAD)
        .order_by(Visit.planned_at, Visit.id)
        .options(selectinload(Visit.agreement), selectinload(Visit.facility), selectinload(Visit.space))
    )
    if facility_ids is not None:
        query = query.where(Visit.facility_id.in_(facility_ids))
    if contractor_id is not None:
        query = query.where(Visit.space_id == contractor_id)
    return list(db.session.scalars(query))


def _fixtures(facility_ids: list[int] | None, club_id: int | None) -> list[Fixture]:
    now = utcnow()
    query = (
        sa.select(Fixture)
        .where(
            Fixture.starts_at < now + AHEAD,
            sa.or_(Fixture.repeat_until.is_(None), Fixture.repeat_until > now - PAST),
            sa.or_(Fixture.rrule.is_not(None), Fixture.ends_at > now - PAST),
        )
        .order_by(Fixture.starts_at, Fixture.id)
        .options(selectinload(Fixture.facility))
    )
    if facility_ids is not None:
        query = query.where(Fixture.facility_id.in_(facility_ids))
    if club_id is not None:
        query = query.where(Fixture.space_id == club_id)
    return list(db.session.scalars(query))


def _closures(facility_ids: list[int]) -> list[Closure]:
    now = utcnow()
    return [
        c
        for c in facility_service.closures_at(facility_ids, now - PAST, now + AHEAD)
        if c.facility is not None
    ]


def club_ics(club: Space, *, host: str) -> bytes:
    """The club's own fixtures, and the visits and closures at the facilities it uses."""
    calendar = _new_calendar(club.title)
    facility_ids = [f.id for f in facility_service.facilities_of_club(club)]
    for fixture in _fixtures(None, club.id):
        calendar.add_component(_fixture_event(fixture, host))
    for visit in _visits(facility_ids, None):
        calendar.add_component(_visit_event(visit, host))
    for closure in _closures(facility_ids):
        calendar.add_component(_closure_event(closure, host))
    return _to_bytes(calendar)


def facility_ics(facility: Facility, *, host: str) -> bytes:
    calendar = _new_calendar(facility.name)
    for fixture in _fixtures([facility.id], None):
        calendar.add_component(_fixture_event(fixture, host))
    for visit in _visits([facility.id], None):
        calendar.add_component(_visit_event(visit, host))
    for closure in _closures([facility.id]):
        calendar.add_component(_closure_event(closure, host))
    return _to_bytes(calendar)


def contractor_ics(contractor: Space, *, host: str) -> bytes:
    """The contractor's visits, and the bookings and closures at the facilities it looks after."""
    calendar = _new_calendar(contractor.title)
    facility_ids = facility_service.facility_ids_of_contractor(contractor)
    for visit in _visits(None, contractor.id):
        calendar.add_component(_visit_event(visit, host))
    for fixture in _fixtures(facility_ids, None):
        calendar.add_component(_fixture_event(fixture, host))
    for closure in _closures(facility_ids):
        calendar.add_component(_closure_event(closure, host))
    return _to_bytes(calendar)


# --- private feeds ---------------------------------------------------------------------------------


def _may_have(user: User, scope: FeedScope, target_id: int) -> bool:
    if scope == FeedScope.FACILITY:
        facility = db.session.get(Facility, target_id)
        return facility is not None and permissions.can_follow_facility_feed(user, facility)
    space = db.session.get(Space, target_id)
    if space is None:
        return False
    if scope == FeedScope.CLUB:
        return permissions.can_view_club_calendar(user, space)
    return permissions.can_view_plan(user, space)


def active_token(user: User, scope: FeedScope, target_id: int) -> FeedToken | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(FeedToken)
        .where(
            FeedToken.created_by_id == user.id,
            FeedToken.scope == scope,
            FeedToken.target_id == target_id,
            FeedToken.revoked_at.is_(None),
        )
        .order_by(FeedToken.id.desc())
        .limit(1)
    )


def make_token(user: User, scope: FeedScope, target_id: int) -> FeedToken:
    """A new secret feed address for ``user``; the previous one of the same feed stops working."""
    if not _may_have(user, scope, target_id):
        raise NotAllowed(_("You cannot follow this calendar."))
    lock(user)  # asked for twice at once, one address stays in use
    revoke_tokens(user, scope, target_id)
    token = FeedToken(
        token=secrets.token_urlsafe(32), scope=scope, target_id=target_id, created_by_id=user.id
    )
    db.session.add(token)
    db.session.flush()
    return token


def revoke_tokens(user: User, scope: FeedScope, target_id: int) -> int:
    result = db.session.execute(
        sa.update(FeedToken)
        .where(
            FeedToken.created_by_id == user.id,
            FeedToken.scope == scope,
            FeedToken.target_id == target_id,
            FeedToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


def feed_for(token_text: str, *, host: str) -> tuple[bytes, str] | None:
    """The calendar behind a feed address and its file name, or None when the address is unknown,
    revoked, or its owner may no longer see it."""
    if not token_text or len(token_text) > 64:
        return None
    token = db.session.scalar(sa.select(FeedToken).where(FeedToken.token == token_text))
    if token is None or not token.is_active:
        return None
    owner = db.session.get(User, token.created_by_id)
    if owner is None or not owner.active or not _may_have(owner, token.scope, token.target_id):
        return None
    with force_locale(
        owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    ):  # calendar apps say nothing
        if token.scope == FeedScope.FACILITY:
            facility = db.session.get(Facility, token.target_id)
            return facility_ics(facility, host=host), f"facility-{facility.id}.ics"
        space = db.session.get(Space, token.target_id)
        if token.scope == FeedScope.CLUB:
            return club_ics(space, host=host), f"{space.slug}.ics"
        return contractor_ics(space, host=host), f"{space.slug}.ics"
