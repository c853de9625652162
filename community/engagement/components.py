"""What engagement adds to pages of the core: a space's front page (its Q&A hours, meetings and
consultations that are coming or open now), and the response-time promise on the page of a fault report
(maintenance's, which engagement knows only through signals and this hook)."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from community.engagement.models import PromiseKind
from community.engagement.services import consultations, meetings, promises, qa
from community.i18n import _, format_date
from community.spaces.components import Component, Fact, register
from community.spaces.models import Space


def front(space: Space) -> Markup:
    upcoming = [s for s in qa.upcoming(space.municipality_id, space_ids=[space.id]) if s.space_id == space.id]
    open_meetings = [
        m
        for m in meetings.listed(space.municipality_id, space_ids=[space.id])
        if m.space_id == space.id and m.phase() != "closed"
    ]
    open_consultations = [
        c
        for c in consultations.listed(space.municipality_id, space_ids=[space.id])
        if c.space_id == space.id and c.is_open
    ]
    if not (upcoming or open_meetings or open_consultations):
        return Markup("")
    return Markup(
        render_template(
            "engagement/_front.html",
            space=space,
            upcoming=upcoming,
            meetings=open_meetings,
            consultations=open_consultations,
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


register(Component("engagement", order=8, front=front, facts=facts))
