"""The notifications the helpdesk sends, registered with the core registry."""

from __future__ import annotations

from datetime import datetime

from community.i18n import _, format_datetime
from community.notifications.kinds import Kind, register


def _when(c) -> str:
    return format_datetime(datetime.fromisoformat(c["when"]), "short")


def _request(c):
    return "helpdesk.request_detail", {"request_id": c["request_id"]}


register(
    "helpdesk.vetted",
    Kind(
        lambda c: _("%(org)s has vetted you as a volunteer. You can now also help at home.", org=c["org"]),
        lambda c: ("helpdesk.volunteer", {}),
    ),
)
register(
    "helpdesk.seat_free",
    Kind(
        lambda c: _("A seat is free for %(name)s at “%(title)s”.", name=c["name"], title=c["title"]),
        lambda c: ("helpdesk.session_detail", {"session_id": c["session_id"]}),
    ),
)
register(
    "helpdesk.request_for_you",
    Kind(
        lambda c: _("Someone near you needs help with %(topic)s. Can you help?", topic=c["topic"]), _request
    ),
)
register(
    "helpdesk.accepted",
    Kind(lambda c: _("%(name)s will help with %(topic)s.", name=c["name"], topic=c["topic"]), _request),
)
register(
    "helpdesk.scheduled",
    Kind(
        lambda c: _("A time is agreed for help with %(topic)s: %(when)s.", topic=c["topic"], when=_when(c)),
        _request,
    ),
)
register(
    "helpdesk.reminder",
    Kind(
        lambda c: _("Reminder: help with %(topic)s is agreed for %(when)s.", topic=c["topic"], when=_when(c)),
        _request,
    ),
)
register(
    "helpdesk.cancelled",
    Kind(lambda c: _("The request for help with %(topic)s was cancelled.", topic=c["topic"]), _request),
)
register(
    "helpdesk.unmatched",
    Kind(
        lambda c: _("Nobody has taken a request for help with %(topic)s for three days.", topic=c["topic"]),
        _request,
    ),
)
