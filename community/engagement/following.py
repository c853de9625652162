"""Ideas can be followed: submitting, supporting or commenting on one follows it, and its followers hear
of new comments and of the municipality's answers (``community.notifications.following``)."""

from __future__ import annotations

from typing import Any

from community import signals
from community.engagement import permissions
from community.engagement.models import Idea
from community.extensions import db
from community.i18n import _l
from community.moderation.permissions import can_see_content
from community.notifications.following import Target, announce, auto_follow, register_target

register_target(
    "idea",
    Target(
        label=_l("Idea"),
        load=lambda idea_id: db.session.get(Idea, idea_id),
        can_see=lambda user, idea: permissions.can_view(user, idea) and can_see_content(user, idea),
        title=lambda idea: idea.title,
        url=lambda idea: ("engagement.idea_detail", {"idea_id": idea.id}),
        space_id=lambda idea: idea.space_id,
    ),
)


@signals.idea_submitted.connect
@signals.idea_supported.connect
def _follows(idea: Idea, *, by: Any, **_kw: Any) -> None:
    auto_follow(by, "idea", idea.id)


@signals.idea_commented.connect
def _commented(idea: Idea, *, comment: Any, by: Any, **_kw: Any) -> None:
    auto_follow(by, "idea", idea.id)
    if comment.is_visible_to_all:
        context = {"name": by.display_name, "title": idea.title, "idea_id": idea.id}
        announce("engagement.idea_comment", "idea", idea.id, by=by, context=context)
