"""The municipality's overview: facilities with open reports and requests, open reports at a place
rather than a facility (a pothole in a road), overdue visits, requests by age, and compliance per
contractor and month (the share of planned visits done on time)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from community.db import utcnow
from community.extensions import db
from community.i18n import to_local
from community.maintenance.models import (
    OPEN_FAULT_STATUSES,
    OPEN_REQUEST_STATUSES,
    ChangeRequest,
    Facility,
    FaultReport,
    Visit,
    VisitStatus,
)
from community.maintenance.services.plans import GRACE
from community.moderation.permissions import public_clause
from community.spaces.models import Space


@dataclass(frozen=True)
class FacilityLoad:
    facility: Facility
    open_reports: int
    open_requests: int


@dataclass(frozen=True)
class Compliance:
    contractor: str
    month: str  # YYYY-MM
    due: int
    on_time: int

    @property
    def share(self) -> int:
        """Percent of the due visits done on time, rounded."""
        return round(100 * self.on_time / self.due) if self.due else 0


def facility_load(municipality_id: int) -> list[FacilityLoad]:
    facilities = db.session.scalars(
        sa.select(Facility)
        .where(Facility.municipality_id == municipality_id)
        .order_by(Facility.name, Facility.id)
    ).all()
    reports = dict(
        db.session.execute(
            sa.select(FaultReport.facility_id, sa.func.count(FaultReport.id))
            .where(
                FaultReport.municipality_id == municipality_id,
                FaultReport.status.in_(OPEN_FAULT_STATUSES),
                FaultReport.facility_id.is_not(None),
            )
            .group_by(FaultReport.facility_id)
        ).all()
    )
    requests = dict(
        db.session.execute(
            sa.select(ChangeRequest.facility_id, sa.func.count(ChangeRequest.id))
            .join(Facility, Facility.id == ChangeRequest.facility_id)
            .where(
                Facility.municipality_id == municipality_id, ChangeRequest.status.in_(OPEN_REQUEST_STATUSES)
            )
            .group_by(ChangeRequest.facility_id)
        ).all()
    )
    return [FacilityLoad(f, reports.get(f.id, 0), requests.get(f.id, 0)) for f in facilities]


#: The most open place reports the overview lists (oldest first); the fault list has the rest.
PLACE_REPORTS_SHOWN = 200


def open_place_reports(municipality_id: int, *, limit: int = PLACE_REPORTS_SHOWN) -> list[FaultReport]:
    """Open fault reports at a place and not at a facility (from the web form or an Open311 client),
    oldest first, in one query: the facility table cannot show them. Hidden ones (moderated away) are
    left out, as on the public fault list."""
    return list(
        db.session.scalars(
            sa.select(FaultReport)
            .where(
                FaultReport.municipality_id == municipality_id,
                FaultReport.facility_id.is_(None),
                FaultReport.status.in_(OPEN_FAULT_STATUSES),
                public_clause(FaultReport),
            )
            .order_by(FaultReport.created_at, FaultReport.id)
            .limit(limit)
        )
    )


def request_ages(requests: list[ChangeRequest]) -> list[tuple[str, int]]:
    """How many open requests are under 2 days, 2-7 days and over a week old (keys, counts)."""
    now = utcnow()
    buckets = {"new": 0, "week": 0, "old": 0}
    for r in requests:
        age = now - r.created_at
        key = "new" if age < timedelta(days=2) else "week" if age <= timedelta(days=7) else "old"
        buckets[key] += 1
    return list(buckets.items())


def compliance(
    municipality_id: int | None,
    *,
    months: int = 6,
    now: datetime | None = None,
    contractor_id: int | None = None,
) -> list[Compliance]:
    """Per contractor and month (Danish time) of the last ``months``: visits due (their time plus a
    day of grace has passed) and those done within it."""
    now = now or utcnow()
    local_now = to_local(now)
    first_month = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _n in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    rows = db.session.execute(
        sa.select(
            Space.name, Space.display_name, Visit.planned_at, Visit.ends_at, Visit.status, Visit.done_at
        )
        .join(Space, Space.id == Visit.space_id)
        .join(Facility, Facility.id == Visit.facility_id)
        .where(
            Visit.planned_at >= first_month - timedelta(days=1),
            Visit.ends_at < now - GRACE,
            Visit.status != VisitStatus.CANCELLED,
            Facility.municipality_id == municipality_id if municipality_id is not None else sa.true(),
            Visit.space_id == contractor_id if contractor_id is not None else sa.true(),
        )
    ).all()
    due: dict[tuple[str, str], int] = defaultdict(int)
    on_time: dict[tuple[str, str], int] = defaultdict(int)
    start_key = first_month.strftime("%Y-%m")
    for name, display, planned_at, ends_at, status, done_at in rows:
        month = to_local(planned_at).strftime("%Y-%m")
        if month < start_key:
            continue
        key = (display or name, month)
        due[key] += 1
        if status == VisitStatus.DONE and done_at is not None and done_at <= ends_at + GRACE:
            on_time[key] += 1
    return [Compliance(c, m, due[(c, m)], on_time[(c, m)]) for c, m in sorted(due)]


def compliance_csv(rows: list[Compliance], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.contractor, r.month, r.due, r.on_time, r.share])
    return out.getvalue()


def service_levels_csv(rows, header: list[str]) -> str:
    """The service-level rows (``service_level.MonthLevel``) as CSV; "kept" is yes, no or empty."""
    from community.i18n import _

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for r in rows:
        kept = "" if r.kept is None else (_("Yes") if r.kept else _("No"))
        writer.writerow(
            [
                r.contractor,
                r.facility,
                r.agreement.task_label,
                r.month,
                "" if r.required is None else r.required,
                r.done,
                r.on_time,
                "" if r.matches is None else r.matches,
                r.served if r.matches is not None else "",
                r.measured,
                r.too_tall,
                kept,
            ]
        )
    return out.getvalue()
