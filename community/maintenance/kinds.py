"""The notifications maintenance sends, registered with the core registry."""

from __future__ import annotations

from datetime import datetime

from community.conversations.kinds import register_system
from community.i18n import _, format_datetime, ngettext
from community.notifications.kinds import Kind, register


def _when(value: str) -> str:
    return format_datetime(datetime.fromisoformat(value), "short") if value else ""


def _task(value: str) -> str:
    from community.maintenance.models import TASK_LABELS, TaskType

    return str(TASK_LABELS[TaskType(value)]).lower()


def _category(value: str) -> str:
    from community.maintenance.models import FAULT_CATEGORY_LABELS, FaultCategory

    return str(FAULT_CATEGORY_LABELS[FaultCategory(value)]).lower()


def _request_status(value: str) -> str:
    from community.maintenance.models import REQUEST_LABELS, RequestStatus

    return str(REQUEST_LABELS[RequestStatus(value)]).lower()


def _fault_status(value: str) -> str:
    from community.maintenance.models import FAULT_STATUS_LABELS, FaultStatus

    return str(FAULT_STATUS_LABELS[FaultStatus(value)]).lower()


def _request(c):
    return "maintenance.request_detail", {"request_id": c["request_id"]}


def _fault(c):
    return "maintenance.fault", {"report_id": c["report_id"]}


def _clash_text(c) -> str:
    if c.get("suggested"):
        return _(
            "Conflict at %(facility)s: %(task)s on %(when)s collides with “%(title)s”. Suggested instead: "
            "%(suggested)s.",
            facility=c["facility"],
            task=_task(c["task"]),
            when=_when(c["when"]),
            title=c["title"],
            suggested=_when(c["suggested"]),
        )
    return _(
        "Conflict at %(facility)s: %(task)s on %(when)s collides with “%(title)s”.",
        facility=c["facility"],
        task=_task(c["task"]),
        when=_when(c["when"]),
        title=c["title"],
    )


def _clash_target(c):
    endpoint = "maintenance.plan" if c["side"] == "contractor" else "maintenance.club_calendar"
    return endpoint, {"space_slug": c["space_slug"]}


register("maintenance.clash", Kind(_clash_text, _clash_target))
register(
    "maintenance.clashes_more",
    Kind(
        lambda c: ngettext(
            "And %(num)s more new conflict: see them all on the page.",
            "And %(num)s more new conflicts: see them all on the page.",
            int(c["n"]),
        ),
        _clash_target,
    ),
)
register(
    "maintenance.closure",
    Kind(
        lambda c: _(
            "%(facility)s is closed from %(starts)s to %(ends)s: %(reason)s. Your bookings then are "
            "affected.",
            facility=c["facility"],
            starts=_when(c["starts"]),
            ends=_when(c["ends"]),
            reason=c["reason"],
        ),
        lambda c: ("maintenance.facility", {"facility_id": c["facility_id"]}),
    ),
)
register(
    "maintenance.request_new",
    Kind(
        lambda c: _(
            "%(club)s asks for %(task)s at %(facility)s before %(when)s.",
            club=c["club"],
            task=_task(c["task"]),
            facility=c["facility"],
            when=_when(c["when"]),
        ),
        _request,
    ),
)
register(
    "maintenance.request_answered",
    Kind(
        lambda c: _(
            "The request for %(task)s at %(facility)s: %(status)s.",
            task=_task(c["task"]),
            facility=c["facility"],
            status=_request_status(c["status"]),
        ),
        _request,
    ),
)
register(
    "maintenance.request_message",
    Kind(
        lambda c: _(
            "%(name)s wrote about %(task)s at %(facility)s.",
            name=c["name"],
            task=_task(c["task"]),
            facility=c["facility"],
        ),
        _request,
    ),
)
register(
    "maintenance.request_done",
    Kind(
        lambda c: _("Done: %(task)s at %(facility)s.", task=_task(c["task"]), facility=c["facility"]),
        _request,
    ),
)
register(
    "maintenance.fault_new",
    Kind(
        lambda c: _(
            "New fault report: %(category)s at %(place)s.",
            category=_category(c["category"]),
            place=c["place"],
        ),
        _fault,
    ),
)
register(
    "maintenance.fault_status",
    Kind(
        lambda c: _(
            "The report of %(category)s at %(place)s is now: %(status)s.",
            category=_category(c["category"]),
            place=c["place"],
            status=_fault_status(c["status"]),
        ),
        _fault,
    ),
)

# --- steps noted in a request's thread and reasons the system gives, in the reader's language ----------

register_system("maintenance.proposed", lambda p: _("Proposed time: %(when)s.", when=_when(p["when"])))
register_system("maintenance.proposal_accepted", lambda p: _("The proposed time suits us."))
register_system(
    "maintenance.visit_replaced",
    lambda p: _(
        "Replaced by the visit at %(when)s agreed with %(club)s.", when=_when(p["when"]), club=p["club"]
    ),
)
