"""Drop-in sessions ("IT café"): one-off or weekly, seats booked for oneself or someone else, a
waiting list that moves up when a seat is freed, and the host's attendance list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.db import lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.geo import Place
from community.helpdesk import permissions
from community.helpdesk.models import Booking, BookingStatus, DropInSession, HelpTopic
from community.i18n import _
from community.notifications.services import notify

MAX_WEEKS = 26
REMIND_BEFORE = timedelta(days=1)


def create_sessions(
    municipality_id: int,
    *,
    by: User,
    title: str,
    place: Place,
    starts_at: datetime,
    ends_at: datetime,
    seats: int,
    topics: list[HelpTopic],
    weeks: int = 1,
    notes: str = "",
) -> list[DropInSession]:
    """One session, or the same one every week for ``weeks`` weeks (a series)."""
    if not permissions.can_host_sessions(by, municipality_id):
        raise NotAllowed(_("Organisers and vetted volunteers host drop-in sessions."))
    if starts_at <= utcnow():
        raise DomainError(_("The session must start in the future."), field="starts_at")
    if ends_at <= starts_at:
        raise DomainError(_("The session must end after it starts. Check the end time."), field="ends_at")
    if not 1 <= seats <= 500:
        raise DomainError(_("Give a number of seats between 1 and 500."), field="seats")
    if not 1 <= weeks <= MAX_WEEKS:
        raise DomainError(_("Repeat it for 1 to %(n)s weeks.", n=MAX_WEEKS), field="weeks")
    series = uuid.uuid4().hex if weeks > 1 else None
    made = []
    for week in range(weeks):
        shift = timedelta(weeks=week)
        session = DropInSession(
            municipality_id=municipality_id,
            host_id=by.id,
            title=title.strip(),
            place_label=place.label,
            latitude=place.lat,
            longitude=place.lon,
            starts_at=starts_at + shift,
            ends_at=ends_at + shift,
            seats=seats,
            series=series,
            notes=notes.strip(),
            topics=list(topics),
        )
        db.session.add(session)
        made.append(session)
    db.session.flush()
    return made


def upcoming(municipality_id: int, *, limit: int = 30) -> list[DropInSession]:
    return list(
        db.session.scalars(
            sa.select(DropInSession)
            .where(
                DropInSession.municipality_id == municipality_id,
                DropInSession.ends_at > utcnow(),
                DropInSession.cancelled_at.is_(None),
            )
            .order_by(DropInSession.starts_at)
            .limit(limit)
            .options(selectinload(DropInSession.topics))
        )
    )


@dataclass(frozen=True)
class Seats:
    booked: int
    waiting: int
    total: int

    @property
    def free(self) -> int:
        return max(0, self.total - self.booked)

    @property
    def is_full(self) -> bool:
        return self.booked >= self.total


def seats(session: DropInSession) -> Seats:
    rows = dict(
        db.session.execute(
            sa.select(Booking.status, sa.func.count(Booking.id))
            .where(Booking.session_id == session.id)
            .group_by(Booking.status)
        ).all()
    )
    return Seats(rows.get(BookingStatus.BOOKED, 0), rows.get(BookingStatus.WAITING, 0), session.seats)


def seats_for(sessions: list[DropInSession]) -> dict[int, Seats]:
    if not sessions:
        return {}
    rows = db.session.execute(
        sa.select(Booking.session_id, Booking.status, sa.func.count(Booking.id))
        .where(Booking.session_id.in_([s.id for s in sessions]))
        .group_by(Booking.session_id, Booking.status)
    ).all()
    counts: dict[tuple[int, BookingStatus], int] = {(sid, st): n for sid, st, n in rows}
    return {
        s.id: Seats(
            counts.get((s.id, BookingStatus.BOOKED), 0), counts.get((s.id, BookingStatus.WAITING), 0), s.seats
        )
        for s in sessions
    }


def bookings_of(user: User, session: DropInSession) -> list[Booking]:
    return list(
        db.session.scalars(
            sa.select(Booking).where(
                Booking.session_id == session.id,
                Booking.booked_by_id == user.id,
                Booking.status != BookingStatus.CANCELLED,
            )
        )
    )


def book(
    session: DropInSession, *, by: User, attendee_name: str | None = None, waitlist: bool = False
) -> Booking:
    """A seat for ``by`` (or for ``attendee_name``). A full session offers its waiting list instead."""
    lock(session)  # seats are counted and taken by one booking at a time
    if session.cancelled_at is not None or session.ends_at <= utcnow():
        raise Conflict(_("This session is over or cancelled. Choose another one."))
    name = (attendee_name or "").strip() or None
    for existing in bookings_of(by, session):
        if (existing.attendee_name or "").casefold() == (name or "").casefold():
            raise Conflict(
                _("You have already booked this session for %(name)s.", name=name)
                if name
                else _("You have already booked a seat at this session."),
                field="attendee_name",
            )
    status = BookingStatus.BOOKED
    if seats(session).is_full:
        if not waitlist:
            raise Conflict(
                _("The session is full. Join the waiting list, and you get a seat if someone cancels."),
                field="attendee_name",
            )
        status = BookingStatus.WAITING
    booking = Booking(session_id=session.id, booked_by_id=by.id, attendee_name=name, status=status)
    db.session.add(booking)
    db.session.flush()
    return booking


def cancel_booking(booking: Booking, *, by: User) -> Booking | None:
    """Cancels; a freed seat goes to the first on the waiting list, who is told. Returns them."""
    session = lock(booking.session)
    lock(booking)  # cancelled twice at once, it frees one seat
    if (
        by.id != booking.booked_by_id
        and not permissions.is_organiser(by, session.municipality_id)
        and by.id != session.host_id
    ):
        raise NotAllowed(_("Only the one who booked, the host and organisers can cancel a booking."))
    if booking.status == BookingStatus.CANCELLED:
        raise Conflict(_("This booking is already cancelled."))
    freed = booking.status == BookingStatus.BOOKED
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    db.session.flush()
    if not freed:
        return None
    first = db.session.scalar(
        sa.select(Booking)
        .where(Booking.session_id == session.id, Booking.status == BookingStatus.WAITING)
        .order_by(Booking.created_at, Booking.id)
        .limit(1)
    )
    if first is None:
        return None
    first.status = BookingStatus.BOOKED
    db.session.flush()
    notify(
        first.booked_by,
        "helpdesk.seat_free",
        title=session.title,
        session_id=session.id,
        when=session.starts_at.isoformat(),
        name=first.attendee,
    )
    return first


def attendance(session: DropInSession) -> tuple[list[Booking], list[Booking]]:
    """(booked, waiting) in the order they came, for the host's printable list."""
    rows = list(
        db.session.scalars(
            sa.select(Booking)
            .where(Booking.session_id == session.id, Booking.status != BookingStatus.CANCELLED)
            .order_by(Booking.created_at, Booking.id)
            .options(selectinload(Booking.booked_by))
        )
    )
    return [b for b in rows if b.status == BookingStatus.BOOKED], [
        b for b in rows if b.status == BookingStatus.WAITING
    ]


def send_booking_reminders(now: datetime | None = None) -> int:
    """The day before a café, everyone with a seat is reminded of the date, time and place (in-app and
    by e-mail; run hourly). A booking is claimed with a conditional UPDATE before it is told, so a
    reminder goes out once however often, and however many at once, the job runs."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Booking)
        .join(DropInSession, DropInSession.id == Booking.session_id)
        .where(
            Booking.status == BookingStatus.BOOKED,
            Booking.reminded_at.is_(None),
            DropInSession.cancelled_at.is_(None),
            DropInSession.starts_at > now,
            DropInSession.starts_at <= now + REMIND_BEFORE,
        )
        .options(selectinload(Booking.session), selectinload(Booking.booked_by))
    ).all()
    sent = 0
    for booking in due:
        claimed = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, Booking.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        session = booking.session
        notify(
            booking.booked_by,
            "helpdesk.cafe_reminder",
            title=session.title,
            name=booking.attendee,
            when=session.starts_at.isoformat(),
            place=session.place_label,
            notes=session.notes,
            session_id=session.id,
        )
        sent += 1
    db.session.flush()
    return sent


def mark_attendance(session: DropInSession, *, by: User, came: set[int]) -> int:
    """After the café has begun, the host (or an organiser) marks who came; the others with a seat
    are no-shows. Returns the number of no-shows."""
    if not permissions.can_take_attendance(by, session):
        if session.starts_at > utcnow():
            raise Conflict(_("You can mark who came once the session has begun."))
        raise NotAllowed(_("Only the host and organisers mark who came."))
    booked, _waiting = attendance(session)
    for booking in booked:
        booking.attended = booking.id in came
    db.session.flush()
    return sum(1 for b in booked if not b.attended)
