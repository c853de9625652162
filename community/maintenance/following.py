"""Fault reports and a club's requests to its contractor are followed like anything else
(``community.notifications.following``). Reporting a fault follows it, and its followers hear of each
status or note the one handling it publishes. Asking for or answering a request follows it; each step
reaches the other side (the contractor's people, the club's admins and whoever asked) through the
fan-out job after the commit, unless they muted that request."""

from __future__ import annotations

from typing import Any

from community import signals
from community.extensions import db
from community.i18n import _l
from community.maintenance import permissions
from community.maintenance.models import ChangeRequest, FaultReport
from community.moderation.permissions import can_see_content
from community.notifications.following import Target, announce, auto_follow, register_target

register_target(
    "fault",
    Target(
        label=_l("Fault report"),
        load=lambda report_id: db.session.get(FaultReport, report_id),
        can_see=can_see_content,  # public, unless moderation hid it
        title=lambda report: f"{report.category_label} · {report.where}",
        url=lambda report: ("maintenance.fault", {"report_id": report.id}),
    ),
)


@signals.fault_reported.connect
def _reported(report: FaultReport, *, by: Any, **_kw: Any) -> None:
    if by is not None:
        auto_follow(by, "fault", report.id)


@signals.fault_updated.connect
def _updated(report: FaultReport, *, by: Any, **_kw: Any) -> None:
    context = {
        "report_id": report.id,
        "category": report.category.value,
        "place": report.where,
        "status": report.status.value,
    }
    announce("maintenance.fault_status", "fault", report.id, by=by, context=context)


register_target(
    "maintenance_request",
    Target(
        label=_l("Request to the contractor"),
        load=lambda request_id: db.session.get(ChangeRequest, request_id),
        can_see=permissions.can_view_request,
        title=lambda request: f"{request.task_label} · {request.facility.name}",
        url=lambda request: ("maintenance.request_detail", {"request_id": request.id}),
        space_id=lambda request: request.space_id,
        parents=lambda request: [],  # who hears is the other side, not everyone following the club
    ),
)


@signals.maintenance_request_changed.connect
def _request_changed(
    request: ChangeRequest, *, by: Any, kind: str, people: list[Any], context: dict[str, Any], **_kw: Any
) -> None:
    auto_follow(by, "maintenance_request", request.id)
    direct = {person.id: kind for person in people}
    announce(kind, "maintenance_request", request.id, by=by, context=context, direct=direct)
