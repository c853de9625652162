"""What engagement adds to a space's front page: its Q&A hours, meetings and consultations that are
coming or open now."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from community.engagement.services import consultations, meetings, qa
from community.spaces.components import Component, register
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


register(Component("engagement", order=8, front=front))
