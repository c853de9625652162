"""The notifications engagement sends, registered with the core registry."""

from __future__ import annotations

from datetime import datetime

from community.engagement.models import IDEA_STATE_LABELS, PROMISE_KIND_LABELS, IdeaState, PromiseKind
from community.i18n import _, format_date
from community.notifications.kinds import Kind, register


def _date(c) -> str:
    return format_date(datetime.fromisoformat(c["due"]), "long")


def _idea(c):
    return "engagement.idea_detail", {"idea_id": c["idea_id"]}


def _consultation(c):
    return "engagement.consultation_detail", {"consultation_id": c["consultation_id"]}


register(
    "engagement.question_answered",
    Kind(
        lambda c: _("%(name)s answered your question in “%(title)s”.", name=c["name"], title=c["title"]),
        lambda c: (
            "engagement.qa_detail",
            {"session_id": c["session_id"], "_anchor": f"q-{c['question_id']}"},
        ),
    ),
)
register(
    "engagement.site_proposed",
    Kind(
        lambda c: _("%(name)s proposed a new site in “%(title)s”.", name=c["name"], title=c["title"]),
        _consultation,
    ),
)
register(
    "engagement.site_accepted",
    Kind(
        lambda c: _(
            "Your proposed site “%(site)s” is now a candidate in “%(title)s”.",
            site=c["site"],
            title=c["title"],
        ),
        _consultation,
    ),
)
register(
    "engagement.decided",
    Kind(lambda c: _("The decision in “%(title)s” is published.", title=c["title"]), _consultation),
)
register(
    "engagement.idea_state",
    Kind(
        lambda c: _(
            "The idea “%(title)s” is now: %(state)s.",
            title=c["title"],
            state=str(IDEA_STATE_LABELS[IdeaState(c["state"])]).lower(),
        ),
        _idea,
    ),
)
register(
    "engagement.idea_comment",
    Kind(
        lambda c: _("%(name)s commented on the idea “%(title)s”.", name=c["name"], title=c["title"]),
        _idea,
    ),
)
register(
    "engagement.idea_threshold",
    Kind(
        lambda c: _(
            "The idea “%(title)s” has %(n)s supporters: the municipality answers it by %(due)s.",
            title=c["title"],
            n=c["n"],
            due=_date(c),
        ),
        _idea,
    ),
)
register(
    "engagement.overdue",
    Kind(
        lambda c: _(
            "Overdue: “%(title)s” (%(kind)s) was promised an answer by %(due)s.",
            title=c["title"],
            kind=str(PROMISE_KIND_LABELS[PromiseKind(c["what"])]).lower(),
            due=_date(c),
        ),
        lambda c: ("engagement.tracked", {}),
    ),
)
