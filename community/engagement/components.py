"""What engagement adds to pages of the core: a space's front page (its Q&A hours, meetings and
consultations that are coming or open now), and the response-time promise on the page of a fault report
(maintenance's, which engagement knows only through signals and this hook)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from community.db import utcnow
from community.engagement.models import CitizenMeeting, Consultation, PromiseKind, QASession
from community.engagement.services import promises
from community.extensions import db
from community.i18n import _, format_date
from community.spaces.components import Component, Fact, register, space_facts
from community.spaces.models import Space

#: At most this many of each on a space's front page.
FRONT_LIMIT = 10


def _open_now(space: Space, now) -> tuple:
    coming = sa.and_(QASession.space_id == space.id, QASession.ends_at > now)
    meeting_open = sa.and_(CitizenMeeting.space_id == space.id, CitizenMeeting.closes_at > now)
    consultation_open = sa.and_(
        Consultation.space_id == space.id, Consultation.decided_at.is_(None), Consultation.deadline > now
    )
    return coming, meeting_open, consultation_open


def _dialogue_facts(space: Space, _person) -> dict:
    coming, meeting_open, consultation_open = _open_now(space, utcnow())
    return {
        "qa_coming": sa.exists().where(coming),
        "meeting_open": sa.exists().where(meeting_open),
        "consultation_open": sa.exists().where(consultation_open),
    }


def front(space: Space) -> Markup:
    """The space's own Q&A hours still to come, meetings not closed and consultations still open (the
    municipality-wide ones are on the engagement pages). Most spaces have none: the space's facts say
    so, asked with the header's counts in one statement (``_dialogue_facts``)."""
    now = utcnow()
    coming, meeting_open, consultation_open = _open_now(space, now)
    facts = space_facts(space, current_user)
    has = (facts["qa_coming"], facts["meeting_open"], facts["consultation_open"])
    if not any(has):
        return Markup("")

    def load(model, where, *order):
        return list(db.session.scalars(sa.select(model).where(where).order_by(*order).limit(FRONT_LIMIT)))

    return Markup(
        render_template(
            "engagement/_front.html",
            space=space,
            upcoming=load(QASession, coming, QASession.starts_at, QASession.id) if has[0] else [],
            meetings=load(CitizenMeeting, meeting_open, CitizenMeeting.closes_at, CitizenMeeting.id)
            if has[1]
            else [],
            consultations=load(Consultation, consultation_open, Consultation.deadline, Consultation.id)
            if has[2]
            else [],
        )
    )


def facts(kind: str, item: object) -> list[Fact]:
    """A fault report tracked by the response-time promise shows its deadline: when the municipality
    promised to acknowledge it (and that it is late), or when it did."""
    if kind != "fault":
        return []
    found = promises.tracked(PromiseKind.FAULT, item.id)  # type: ignore[attr-defined]
    if found is None:
        return []
    label = _("Response-time promise")
    if found.answered_at is not None:
        return [
            Fact(
                label,
                _(
                    "Acknowledged %(when)s (promised by %(due)s)",
                    when=format_date(found.answered_at),
                    due=format_date(found.due_at),
                ),
            )
        ]
    text = _("Acknowledgement promised by %(when)s", when=format_date(found.due_at))
    if found.is_overdue:
        text = f"{text} · {_('Overdue')}"
    return [Fact(label, text)]


register(Component("engagement", order=8, front=front, facts=facts, space_facts=_dialogue_facts))
