"""What maintenance adds to a club's or a contractor's front page: the way to its calendar or plan."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from community.maintenance import permissions
from community.spaces.components import Component, register
from community.spaces.models import Space


def front(space: Space) -> Markup:
    if permissions.is_club(space) and permissions.can_view_club_calendar(current_user, space):
        return Markup(render_template("maintenance/_front_club.html", space=space))
    if permissions.is_contractor(space) and permissions.can_view_plan(current_user, space):
        return Markup(render_template("maintenance/_front_contractor.html", space=space))
    return Markup("")


register(Component("maintenance", order=5, front=front))
