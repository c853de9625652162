"""Requests for digital help and their topics are followed like anything else
(``community.notifications.following``). Asking for help follows the request, and so does saying yes
to it or being assigned it; each step reaches the people it concerns (the person helped and whoever
asked for them, the volunteer, the organisers) through the fan-out job after the commit, unless they
muted that request. A volunteer or organiser can follow a topic, a category of help across the
municipality ("MitID"): while a request in it waits for a volunteer, its news reaches them too."""

from __future__ import annotations

from typing import Any

from community import signals
from community.extensions import db
from community.helpdesk import permissions
from community.helpdesk.models import HelpRequest, HelpTopic, RequestStatus
from community.i18n import _, _l
from community.notifications.following import Target, announce, auto_follow, register_target


def _waiting_reaches_topic(request: HelpRequest) -> list[tuple[str, int]]:
    """Only a request that waits for a volunteer is news to those following its topic."""
    return [("help_topic", request.topic_id)] if request.status == RequestStatus.OPEN else []


register_target(
    "help_request",
    Target(
        label=_l("Request for digital help"),
        load=lambda request_id: db.session.get(HelpRequest, request_id),
        can_see=permissions.can_see_request,
        title=lambda request: f"{request.topic.name} · {request.mode_label}",
        url=lambda request: ("helpdesk.request_detail", {"request_id": request.id}),
        parents=_waiting_reaches_topic,
    ),
)

register_target(
    "help_topic",
    Target(
        label=_l("Category of help"),
        load=lambda topic_id: db.session.get(HelpTopic, topic_id),
        can_see=permissions.can_follow_topic,
        title=lambda topic: _("New requests for help with %(topic)s", topic=topic.name),
        url=lambda topic: ("helpdesk.topic", {"slug": topic.slug}),
    ),
)


@signals.help_request_changed.connect
def _request_changed(
    request: HelpRequest,
    *,
    by: Any,
    kind: str,
    told: dict[Any, str],
    joining: list[Any],
    context: dict[str, Any],
    **_kw: Any,
) -> None:
    for person in joining:
        auto_follow(person, "help_request", request.id)
    direct = {person.id: said for person, said in told.items()}
    announce(kind, "help_request", request.id, by=by, context=context, direct=direct)
