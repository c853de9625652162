"""The contractor's plan: recurring maintenance plans (RRULE) that generate visits, and the crew's
work on a visit: done (with a photo and a note), skipped (with a reason) or moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from community.accounts.models import User
from community.db import lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _, to_local, to_utc
from community.maintenance import permissions
from community.maintenance.models import (
    Agreement,
    ChangeRequest,
    MaintenancePlan,
    RequestStatus,
    Visit,
    VisitStatus,
)
from community.maintenance.services import conflicts, recurrence
from community.maintenance.services.common import tell
from community.maintenance.services.service_level import GRACE, require_in_season
from community.media import save_image
from community.spaces.models import Space
from community.spaces.services import space_admins

PHOTO_MAX_BYTES = 10 * 1024 * 1024
MAX_VISITS_PER_PLAN = 400


@dataclass
class PlanInput:
    agreement: Agreement
    rrule: str
    starts_at: datetime  # naive UTC, the first visit
    duration_minutes: int = 60
    note: str = ""


def _in_season(agreement: Agreement, moment: datetime) -> bool:
    return agreement.in_season(to_local(moment).month)


def create_plan(contractor: Space, data: PlanInput, *, by: User) -> tuple[MaintenancePlan, list[Visit]]:
    """Saves the plan and generates its visits (within the agreement's season, a year ahead at most)."""
    if not permissions.can_act_for_contractor(by, contractor):
        raise NotAllowed(_("Only the contractor's crew plans its work."))
    if data.agreement.contractor_space_id != contractor.id:
        raise NotAllowed(
            _("This agreement is not %(contractor)s's.", contractor=contractor.title), field="agreement"
        )
    if not 10 <= data.duration_minutes <= 12 * 60:
        raise DomainError(_("A visit lasts between 10 minutes and 12 hours."), field="duration_minutes")
    rule = recurrence.clean_rule(data.rrule)
    recurrence.compile_rule(rule, data.starts_at)
    plan = MaintenancePlan(
        agreement_id=data.agreement.id,
        rrule=rule,
        starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        note=data.note.strip()[:300],
        created_by_id=by.id,
    )
    db.session.add(plan)
    db.session.flush()
    length = timedelta(minutes=data.duration_minutes)
    starts = recurrence.occurrences(rule, data.starts_at, data.starts_at, data.starts_at + recurrence.HORIZON)
    visits = [
        Visit(
            plan_id=plan.id,
            agreement_id=data.agreement.id,
            facility_id=data.agreement.facility_id,
            space_id=contractor.id,
            planned_at=s,
            ends_at=s + length,
        )
        for s in starts
        if _in_season(data.agreement, s)
    ][:MAX_VISITS_PER_PLAN]
    if not visits:
        raise DomainError(
            _("The plan gives no visits within the season. Check the first date and the rule."), field="rrule"
        )
    db.session.add_all(visits)
    db.session.flush()
    return plan, visits


def add_visit(agreement: Agreement, *, at: datetime, length: timedelta = timedelta(hours=1)) -> Visit:
    visit = Visit(
        agreement_id=agreement.id,
        facility_id=agreement.facility_id,
        space_id=agreement.contractor_space_id,
        planned_at=at,
        ends_at=at + length,
    )
    db.session.add(visit)
    db.session.flush()
    return visit


def _linked_request(visit: Visit) -> ChangeRequest | None:
    return db.session.scalar(
        sa.select(ChangeRequest)
        .where(ChangeRequest.visit_id == visit.id)
        .order_by(ChangeRequest.id.desc())
        .limit(1)
    )


def mark_done(
    visit: Visit,
    *,
    by: User,
    note: str = "",
    photo: FileStorage | None = None,
    height_mm: int | None = None,
) -> Visit:
    """The crew marks the visit done; a request it answers is done too, and the club is told."""
    lock(visit)
    if not permissions.can_work_visit(by, visit):
        raise NotAllowed(_("Only the contractor's crew marks its visits."))
    if visit.status == VisitStatus.DONE:
        raise Conflict(_("This visit is already marked done."))
    if visit.status == VisitStatus.CANCELLED:
        raise Conflict(_("This visit is cancelled: %(reason)s", reason=visit.reason_text))
    if photo is not None and photo.filename:
        # The contractor network's picture: for its members only when the network is members-only.
        visit.photo = save_image(photo, max_bytes=PHOTO_MAX_BYTES, field="photo", space_id=visit.space_id)
    visit.status = VisitStatus.DONE
    visit.done_at = utcnow()
    visit.done_by_id = by.id
    visit.note = note.strip()
    visit.reason, visit.reason_kind, visit.reason_params = "", None, None
    visit.height_mm = height_mm
    db.session.flush()
    request = _linked_request(visit)
    if request is not None and request.status in (RequestStatus.ACCEPTED, RequestStatus.PROPOSED):
        request.status = RequestStatus.DONE
        db.session.flush()
        tell(
            space_admins(request.space) + ([request.created_by] if request.created_by else []),
            "maintenance.request_done",
            skip=by,
            request_id=request.id,
            task=request.task.value,
            facility=request.facility.name,
        )
    return visit


def mark_skipped(visit: Visit, *, by: User, reason: str) -> Visit:
    lock(visit)
    if not permissions.can_work_visit(by, visit):
        raise NotAllowed(_("Only the contractor's crew marks its visits."))
    if visit.status == VisitStatus.CANCELLED:
        raise Conflict(_("This visit is cancelled: %(reason)s", reason=visit.reason_text))
    if not reason.strip():
        raise DomainError(_("Say why the visit was skipped, for example: too wet to mow."), field="reason")
    visit.status = VisitStatus.SKIPPED
    visit.reason, visit.reason_kind, visit.reason_params = reason.strip()[:500], None, None
    visit.done_at = utcnow()
    visit.done_by_id = by.id
    db.session.flush()
    return visit


def move_visit(visit: Visit, *, to: datetime, by: User) -> tuple[Visit, list[conflicts.Clash]]:
    """Moves a planned visit; returns the conflicts at its new time (flagged to both sides)."""
    if not permissions.can_work_visit(by, visit):
        raise NotAllowed(_("Only the contractor's crew moves its visits."))
    if visit.status != VisitStatus.PLANNED:
        raise Conflict(_("Only a planned visit can be moved."))
    require_in_season(visit.agreement, to, field="to")
    length = visit.ends_at - visit.planned_at
    visit.planned_at, visit.ends_at = to, to + length
    db.session.flush()
    clashes = conflicts.find_clashes(
        to - timedelta(hours=1), to + length + timedelta(hours=1), visit_ids=[visit.id]
    )
    conflicts.flag(clashes, by=by)
    return visit, clashes


def visits_of(contractor: Space, *, start: datetime, end: datetime, limit: int = 200) -> list[Visit]:
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.space_id == contractor.id, Visit.planned_at >= start, Visit.planned_at < end)
            .order_by(Visit.planned_at, Visit.id)
            .limit(limit)
            .options(selectinload(Visit.agreement), selectinload(Visit.facility))
        )
    )


def visits_at(facility_ids: list[int], *, start: datetime, end: datetime, limit: int = 200) -> list[Visit]:
    if not facility_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.facility_id.in_(facility_ids), Visit.planned_at >= start, Visit.planned_at < end)
            .order_by(Visit.planned_at, Visit.id)
            .limit(limit)
            .options(selectinload(Visit.agreement), selectinload(Visit.facility), selectinload(Visit.space))
        )
    )


def overdue_visits(
    *, municipality_id: int | None = None, contractor: Space | None = None, limit: int = 100
) -> list[Visit]:
    """Planned visits whose time is more than a day past and that nobody has marked."""
    from community.maintenance.models import Facility

    query = (
        sa.select(Visit)
        .where(Visit.status == VisitStatus.PLANNED, Visit.ends_at < utcnow() - GRACE)
        .order_by(Visit.planned_at, Visit.id)
        .limit(limit)
        .options(selectinload(Visit.agreement), selectinload(Visit.facility), selectinload(Visit.space))
    )
    if municipality_id is not None:
        query = query.join(Facility, Facility.id == Visit.facility_id).where(
            Facility.municipality_id == municipality_id
        )
    if contractor is not None:
        query = query.where(Visit.space_id == contractor.id)
    return list(db.session.scalars(query))


# --- the crew's day --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    """A visit on today's route and how far it is from the stop before it (or the start)."""

    visit: Visit
    km: float


def start_point(contractor: Space) -> tuple[float, float]:
    """Where the crew's day begins: the network's own place (its depot), else the municipality's."""
    if contractor.latitude is not None and contractor.longitude is not None:
        return contractor.latitude, contractor.longitude
    return contractor.municipality.latitude, contractor.municipality.longitude


def route(visits: list[Visit], start: tuple[float, float]) -> list[Stop]:
    """The visits in the order a crew drives them: each time the nearest not yet visited (geodesic
    distance, geopy), from ``start``; ties by planned time."""
    from community import geo

    left = list(visits)
    here = start
    stops: list[Stop] = []
    while left:
        distances = [
            (
                geo.distance_km(here[0], here[1], v.facility.latitude, v.facility.longitude),
                v.planned_at,
                v.id,
                v,
            )
            for v in left
        ]
        km, _at, _id, nearest = min(distances, key=lambda t: t[:3])
        stops.append(Stop(nearest, km))
        left.remove(nearest)
        here = (nearest.facility.latitude, nearest.facility.longitude)
    return stops


def today(contractor: Space, *, now: datetime | None = None) -> tuple[list[Stop], list[Visit]]:
    """Today's visits (Danish day) of the contractor: the planned ones in route order, and those
    already done, skipped or cancelled today."""
    now = now or utcnow()
    local = to_local(now)
    day_start = to_utc(local.replace(hour=0, minute=0, second=0, microsecond=0))
    day_end = to_utc((local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0))
    visits = list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.space_id == contractor.id, Visit.planned_at >= day_start, Visit.planned_at < day_end)
            .order_by(Visit.planned_at, Visit.id)
            .options(selectinload(Visit.agreement), selectinload(Visit.facility))
        )
    )
    planned = [v for v in visits if v.status == VisitStatus.PLANNED]
    return route(planned, start_point(contractor)), [v for v in visits if v.status != VisitStatus.PLANNED]
