""" "How did it go?": asked of the person helped (or whoever asked for them) after one-to-one help is
done and after a café, answered with two clicks, "Good" or "Not so good".

The link in the notification carries a signed token naming the match or booking and the person
asked, so the answer needs no login: many seniors read their e-mail on a device where they are not
logged in, and a login (with MitID-era passwords) between them and a two-click answer is where the
answers are lost. The token lets its holder do one thing only, answer for that one session, for
30 days; the page still posts a form with a CSRF token, and shows no one's name or contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.helpdesk.models import Answer, Booking, BookingStatus, DropInSession, Match
from community.helpdesk.services.matches import parties
from community.i18n import _
from community.notifications.services import notify

VALID_FOR = timedelta(days=30)
#: Cafés that ended longer ago than this are not asked about any more (a job that was down a week
#: does not send old questions).
ASK_WITHIN = timedelta(days=3)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="faelled.helpdesk-feedback")


def token_for(*, match: Match | None = None, booking: Booking | None = None, user: User) -> str:
    if match is not None:
        return _serializer().dumps({"m": match.id, "u": user.id})
    assert booking is not None
    return _serializer().dumps({"b": booking.id, "u": user.id})


@dataclass(frozen=True)
class Question:
    """What a feedback link is about: a match or a booking, and the current answer."""

    match: Match | None
    booking: Booking | None

    @property
    def answer(self) -> Answer | None:
        return self.match.outcome if self.match is not None else self.booking.feedback  # type: ignore[union-attr]

    @property
    def topic(self) -> str:
        return self.match.request.topic.name if self.match is not None else self.booking.session.title  # type: ignore[union-attr]

    @property
    def when(self) -> datetime | None:
        if self.match is not None:
            return self.match.agreed_at or self.match.done_at
        return self.booking.session.starts_at  # type: ignore[union-attr]


def question(token: str) -> Question | None:
    """The match or booking a token is for, or None for a link that is broken, expired or stale."""
    try:
        data = _serializer().loads(token, max_age=int(VALID_FOR.total_seconds()))
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if isinstance(data.get("m"), int):
        match = db.session.get(Match, data["m"])
        if match is None or data["u"] not in {p.id for p in parties(match.request)}:
            return None
        return Question(match, None)
    if isinstance(data.get("b"), int):
        booking = db.session.get(Booking, data["b"])
        if booking is None or booking.booked_by_id != data["u"]:
            return None
        return Question(None, booking)
    return None


def answer(found: Question, value: str) -> Question:
    try:
        chosen = Answer(value)
    except ValueError:
        raise DomainError(_("Choose “Good” or “Not so good”."), field="answer") from None
    now = utcnow()
    if found.match is not None:
        found.match.outcome, found.match.outcome_at = chosen, now
    else:
        found.booking.feedback, found.booking.feedback_at = chosen, now  # type: ignore[union-attr]
    db.session.flush()
    return found


def ask_after_help(match: Match, *, answered: User | None = None) -> int:
    """Asks the parties of a finished request how it went (not one who ``answered`` already, marking it
    done with a rating). Once per match, however often it is called."""
    claimed = db.session.execute(
        sa.update(Match)
        .where(Match.id == match.id, Match.outcome_asked_at.is_(None))
        .values(outcome_asked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return 0
    asked = 0
    request = match.request
    for person in parties(request):
        if answered is not None and person.id == answered.id:
            continue
        notify(
            person,
            "helpdesk.how_did_it_go",
            topic=request.topic.name,
            token=token_for(match=match, user=person),
        )
        asked += 1
    db.session.flush()
    return asked


def ask_after_cafes(now: datetime | None = None) -> int:
    """After a café, each booking that came (or was not marked absent) is asked once how it went."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Booking)
        .join(DropInSession, DropInSession.id == Booking.session_id)
        .where(
            Booking.status == BookingStatus.BOOKED,
            Booking.feedback_asked_at.is_(None),
            sa.or_(Booking.attended.is_(None), Booking.attended.is_(True)),
            DropInSession.cancelled_at.is_(None),
            DropInSession.ends_at <= now,
            DropInSession.ends_at > now - ASK_WITHIN,
        )
        .options(selectinload(Booking.session), selectinload(Booking.booked_by))
    ).all()
    asked = 0
    for booking in due:
        claimed = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, Booking.feedback_asked_at.is_(None))
            .values(feedback_asked_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        notify(
            booking.booked_by,
            "helpdesk.how_was_the_cafe",
            title=booking.session.title,
            name=booking.attendee,
            token=token_for(booking=booking, user=booking.booked_by),
        )
        asked += 1
    db.session.flush()
    return asked
