"""The notifications the helpdesk sends and the system messages in a request's thread, registered
with the core registries; and how a thread shows the request it is about."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.conversations.kinds import register_system
from community.conversations.subjects import SubjectLink, register_subject
from community.extensions import db
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
    "helpdesk.new_request",
    Kind(lambda c: _("Someone asks for help with %(topic)s. Can you help?", topic=c["topic"]), _request),
)
register(
    "helpdesk.open_again",
    Kind(
        lambda c: _(
            "A request for help with %(topic)s needs a volunteer again. Can you help?", topic=c["topic"]
        ),
        _request,
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


def _with_reason(sentence: str, c) -> str:
    return (
        _("%(sentence)s Reason: %(reason)s", sentence=sentence, reason=c["reason"])
        if c.get("reason")
        else sentence
    )


def _profile(c):
    return "helpdesk.volunteer", {}


def _feedback(c):
    return "helpdesk.feedback", {"token": c["token"]}


register(
    "helpdesk.assigned",
    Kind(
        lambda c: _with_reason(
            _("%(org)s asked you to help with %(topic)s.", org=c["org"], topic=c["topic"]), c
        ),
        _request,
    ),
)
register(
    "helpdesk.reassigned_away",
    Kind(
        lambda c: _with_reason(
            _(
                "%(org)s gave the request for help with %(topic)s to another volunteer.",
                org=c["org"],
                topic=c["topic"],
            ),
            c,
        ),
        _profile,
    ),
)
register(
    "helpdesk.released",
    Kind(
        lambda c: _with_reason(
            _("%(org)s took you off the request for help with %(topic)s.", org=c["org"], topic=c["topic"]), c
        ),
        _profile,
    ),
)
register(
    "helpdesk.volunteer_left",
    Kind(
        lambda c: _(
            "The volunteer can no longer help with %(topic)s. We are finding another one.", topic=c["topic"]
        ),
        _request,
    ),
)
register(
    "helpdesk.handed_back",
    Kind(
        lambda c: _with_reason(
            _("%(name)s handed back a request for help with %(topic)s.", name=c["name"], topic=c["topic"]), c
        ),
        _request,
    ),
)
register(
    "helpdesk.cafe_reminder",
    Kind(
        lambda c: _(
            "Reminder: %(name)s has a seat at “%(title)s” on %(when)s, at %(place)s.",
            name=c["name"],
            title=c["title"],
            when=format_datetime(datetime.fromisoformat(c["when"]), "full"),
            place=c["place"] + (f" ({c['notes']})" if c.get("notes") else ""),
        ),
        lambda c: ("helpdesk.session_detail", {"session_id": c["session_id"]}),
    ),
)
register(
    "helpdesk.how_did_it_go",
    Kind(
        lambda c: _("How did the help with %(topic)s go? Answer with one click.", topic=c["topic"]),
        _feedback,
    ),
)
register(
    "helpdesk.how_was_the_cafe",
    Kind(
        lambda c: _(
            "How did “%(title)s” go for %(name)s? Answer with one click.", title=c["title"], name=c["name"]
        ),
        _feedback,
    ),
)

# --- system messages in a request's thread, worded in the reader's language ---------------------------

register_system("helpdesk.offered", lambda p: _("%(name)s offered to help.", name=p["name"]))
register_system("helpdesk.assigned", lambda p: _("An organiser asked %(name)s to help.", name=p["name"]))
register_system(
    "helpdesk.released",
    lambda p: _(
        "%(name)s no longer helps with this request. We are finding another volunteer.", name=p["name"]
    ),
)
register_system(
    "helpdesk.handed_back",
    lambda p: _("%(name)s handed the request back. We are finding another volunteer.", name=p["name"]),
)
register_system(
    "helpdesk.scheduled",
    lambda p: _(
        "%(name)s saved the agreed time: %(when)s.",
        name=p["name"],
        when=format_datetime(datetime.fromisoformat(p["when"]), "full"),
    ),
)
register_system("helpdesk.cancelled", lambda p: _("%(name)s cancelled the request.", name=p["name"]))
register_system(
    "helpdesk.phone_shared",
    lambda p: _(
        "%(name)s shared a phone number with the volunteer. It is on the request page.", name=p["name"]
    ),
)


def _request_links(ids: list[int]) -> dict[int, SubjectLink]:
    from community.helpdesk.models import HelpRequest

    found = db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.id.in_(ids)).options(selectinload(HelpRequest.topic))
    )
    return {r.id: SubjectLink(r.topic.name, "helpdesk.request_detail", {"request_id": r.id}) for r in found}


register_subject("helpdesk.request", _request_links)
