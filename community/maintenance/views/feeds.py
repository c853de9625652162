from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from community.errors import NotAllowed
from community.extensions import db
from community.forms import ActionForm
from community.i18n import _
from community.maintenance import bp, permissions
from community.maintenance.models import Facility, FeedScope
from community.maintenance.services import calendars
from community.maintenance.views.common import space
from community.permissions import require


def _checked() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _space_scope() -> FeedScope:
    if permissions.is_club(space()):
        return FeedScope.CLUB
    if permissions.is_contractor(space()):
        return FeedScope.CONTRACTOR
    abort(404)


def _space_page(scope: FeedScope) -> str:
    endpoint = "maintenance.club_calendar" if scope == FeedScope.CLUB else "maintenance.plan"
    return url_for(endpoint, _anchor="feed")


@bp.post("/s/<space_slug>/calendar-feed")
@login_required
def space_feed():
    scope = _space_scope()
    _checked()
    try:
        calendars.make_token(current_user, scope, space().id)
    except NotAllowed:
        abort(403)
    db.session.commit()
    flash(_("Your private calendar address is ready. Keep it to yourself."), "success")
    return redirect(_space_page(scope))


@bp.post("/s/<space_slug>/calendar-feed/revoke")
@login_required
def space_feed_revoke():
    scope = _space_scope()
    _checked()
    calendars.revoke_tokens(current_user, scope, space().id)
    db.session.commit()
    flash(_("The calendar address no longer works."), "success")
    return redirect(_space_page(scope))


@bp.post("/maintenance/facilities/<int:facility_id>/feed")
@login_required
def facility_feed(facility_id: int):
    facility = db.session.get(Facility, facility_id)
    if facility is None:
        abort(404)
    require(permissions.can_follow_facility_feed(current_user, facility))
    _checked()
    calendars.make_token(current_user, FeedScope.FACILITY, facility.id)
    db.session.commit()
    flash(_("Your private calendar address is ready. Keep it to yourself."), "success")
    return redirect(url_for("maintenance.facility", facility_id=facility.id, _anchor="feed"))


@bp.post("/maintenance/facilities/<int:facility_id>/feed/revoke")
@login_required
def facility_feed_revoke(facility_id: int):
    facility = db.session.get(Facility, facility_id)
    if facility is None:
        abort(404)
    _checked()
    calendars.revoke_tokens(current_user, FeedScope.FACILITY, facility.id)
    db.session.commit()
    flash(_("The calendar address no longer works."), "success")
    return redirect(url_for("maintenance.facility", facility_id=facility.id, _anchor="feed"))


@bp.get("/maintenance/feeds/<token>.ics")
def feed(token: str):
    """A private calendar feed: the secret address is the key, so calendar apps need no login."""
    found = calendars.feed_for(token, host=request.host.split(":")[0])
    if found is None:
        abort(404)
    body, name = found
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "private, max-age=300",
            "X-Robots-Tag": "noindex",
        },
    )
