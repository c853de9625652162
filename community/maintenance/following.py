"""Fault reports can be followed like anything else (``community.notifications.following``): reporting
one follows it, and its followers hear of each status or note the one handling it publishes."""

from __future__ import annotations

from typing import Any

from community import signals
from community.extensions import db
from community.i18n import _l
from community.maintenance.models import FaultReport
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
