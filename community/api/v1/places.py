"""Help requests and offers near a point; digital-help drop-in sessions with their free seats."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, url_for
from flask_login import current_user

from community.api import schemas
from community.api.v1 import bp
from community.extensions import db
from community.helpdesk.services import sessions as session_service
from community.spaces.models import Municipality
from community.spaces.tenancy import current_municipality
from community.villages.models import PostKind
from community.villages.services import help as help_service


def municipality_of(args: dict[str, Any]) -> Municipality:
    """``?municipality=<slug>``, else the request's own (a website token's, the caller's, the
    default)."""
    slug = args.get("municipality")
    found = (
        db.session.scalar(sa.select(Municipality).where(Municipality.slug == slug))
        if slug
        else current_municipality()
    )
    if found is None:
        abort(404)
    return found


@bp.get("/help/nearby")
@bp.etag
@bp.arguments(schemas.NearArgs, location="query")
@bp.response(200, schemas.NearbyHelpListSchema)
def help_nearby(args: dict[str, Any]):
    """Open help requests and offers within ``radius_km`` of a point, nearest first, across the
    villages the caller may see."""
    found = help_service.nearby(
        args["lat"],
        args["lon"],
        radius_km=args["radius_km"],
        space_ids=help_service.visible_space_ids(current_user),
        kind=PostKind(args["kind"]) if args.get("kind") else None,
        category=args.get("category"),
        limit=args["limit"],
    )
    return {"items": [{"distance_km": round(n.distance_km, 3), "post": n.post} for n in found]}


@bp.get("/helpdesk/sessions")
@bp.etag
@bp.arguments(schemas.SessionArgs, location="query")
@bp.response(200, schemas.DropInSessionListSchema)
def helpdesk_sessions(args: dict[str, Any]):
    """Upcoming drop-in IT cafés with their free seats, soonest first."""
    place = municipality_of(args)
    upcoming = session_service.upcoming(place.id)
    seats = session_service.seats_for(upcoming)
    items = [
        {
            "id": s.id,
            "title": s.title,
            "place_label": s.place_label,
            "latitude": s.latitude,
            "longitude": s.longitude,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "seats": s.seats,
            "seats_free": seats[s.id].free,
            "waiting": seats[s.id].waiting,
            "notes": s.notes,
            "topics": [t.name for t in s.topics],
            "html": url_for("helpdesk.session_detail", session_id=s.id, _external=True),
        }
        for s in upcoming
        if not args["free_only"] or seats[s.id].free > 0
    ]
    return {"items": items}
