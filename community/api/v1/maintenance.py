"""Facilities and what is on them, and fault reports (read, and report one)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from community import geo
from community.api import schemas
from community.api.problems import problem
from community.api.v1 import bp, domain_problem, page_response
from community.api.v1.places import municipality_of
from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.maintenance import permissions
from community.maintenance.models import Facility, FaultReport
from community.maintenance.services import facilities as facility_service
from community.maintenance.services import faults as fault_service
from community.maintenance.services import fixtures as fixture_service
from community.maintenance.services import plans as plan_service
from community.moderation.permissions import can_see_content, public_clause
from community.pagination import keyset, page_of


@bp.get("/facilities")
@bp.etag
@bp.arguments(schemas.MunicipalityArgs, location="query")
@bp.response(200, schemas.FacilityListSchema)
def facilities(args: dict[str, Any]):
    """The municipality's pitches, halls, playgrounds and green areas."""
    return {"items": facility_service.facilities_of(municipality_of(args).id)}


def _facility(facility_id: int) -> Facility:
    found = db.session.get(Facility, facility_id)
    if found is None:
        abort(404)
    return found


@bp.get("/facilities/<int:facility_id>")
@bp.etag
@bp.response(200, schemas.FacilitySchema)
def facility(facility_id: int):
    return _facility(facility_id)


@bp.get("/facilities/<int:facility_id>/schedule")
@bp.etag
@bp.arguments(schemas.ScheduleArgs, location="query")
@bp.response(200, schemas.ScheduleSchema)
def facility_schedule(args: dict[str, Any], facility_id: int):
    """What happens on the facility in the coming ``days``: closures for everyone; matches, training
    and the contractor's visits for those who may see them (as on the facility's page)."""
    found = _facility(facility_id)
    start = utcnow()
    end = start + timedelta(days=args["days"])
    items: list[dict[str, Any]] = [
        {"kind": "closure", "starts_at": c.starts_at, "ends_at": c.ends_at, "title": c.reason}
        for c in facility_service.closures_at([found.id], start, end)
    ]
    sees = permissions.can_see_bookings(current_user, found)
    if sees:
        items += [
            {"kind": "fixture", "starts_at": b.starts_at, "ends_at": b.ends_at, "title": b.title}
            for b in fixture_service.bookings_between([found.id], start, end)
        ]
        items += [
            {
                "kind": "visit",
                "starts_at": v.planned_at,
                "ends_at": v.ends_at,
                "title": v.agreement.task_label,
            }
            for v in plan_service.visits_at([found.id], start=start, end=end)
        ]
    items.sort(key=lambda e: (e["starts_at"], e["kind"]))
    return {"facility": found, "start": start, "end": end, "includes_bookings": sees, "items": items}


@bp.get("/faults")
@bp.etag
@bp.arguments(schemas.FaultListArgs, location="query")
@bp.response(200, schemas.FaultPageSchema)
def faults(args: dict[str, Any]):
    """Fault reports and their public status, newest first."""
    place = municipality_of(args)
    query = sa.select(FaultReport).where(FaultReport.municipality_id == place.id, public_clause(FaultReport))
    if args.get("status") is not None:
        query = query.where(FaultReport.status == args["status"])
    if args.get("category") is not None:
        query = query.where(FaultReport.category == args["category"])
    query = keyset(query, FaultReport.created_at, FaultReport.id, args.get("cursor"), args["limit"])
    rows = list(db.session.scalars(query.options(selectinload(FaultReport.facility))))
    return page_response(page_of(rows, args["limit"], "created_at"))


def _report(report_id: int) -> FaultReport:
    found = db.session.get(FaultReport, report_id)
    if found is None or not can_see_content(current_user, found):
        abort(404)
    return found


@bp.get("/faults/<int:report_id>")
@bp.etag
@bp.response(200, schemas.FaultSchema)
def fault(report_id: int):
    return _report(report_id)


@bp.post("/faults")
@bp.arguments(schemas.FaultInSchema)
@bp.response(201, schemas.FaultSchema)
def fault_create(data: dict[str, Any]):
    """Report a fault, as the web form does: routed to whoever fixes it, you follow it. When similar
    open reports are nearby the answer is a 409 listing them (``similar``); send ``confirm_new: true``
    to report anyway."""
    place = municipality_of({})
    facility = None
    if data.get("facility_id"):
        facility = db.session.get(Facility, data["facility_id"])
        if facility is None or facility.municipality_id != place.id:
            return problem(400, "There is no such facility here.", {"facility_id": ["Unknown facility."]})
    lat, lon, label = data.get("latitude"), data.get("longitude"), ""
    try:
        if facility is None and (lat is None or lon is None):
            found = geo.resolve(data.get("place") or "")
            lat, lon, label = found.lat, found.lon, found.label
        elif facility is None:
            label = (data.get("place") or "").strip()
        report_input = fault_service.FaultInput(
            category=data["category"],
            description=data["description"],
            facility=facility,
            latitude=lat,
            longitude=lon,
            place_label=label,
        )
        point = fault_service._point(report_input)
        if not data["confirm_new"]:
            similar = fault_service.nearby(
                place.id,
                data["category"],
                lat=point[0],
                lon=point[1],
                facility_id=facility.id if facility else None,
            )
            if similar:
                return problem(
                    409,
                    "Similar open reports are nearby. Follow one of them, or send confirm_new: true.",
                    kind="rule",
                    extra={"similar": schemas.FaultSchema(many=True).dump(similar)},
                )
        report = fault_service.report_fault(place, report_input, by=current_user)
    except DomainError as exc:
        return domain_problem(exc)
    db.session.commit()
    return report
