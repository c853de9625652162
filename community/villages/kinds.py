"""The notifications villages send, registered with the core registry; and how a conversation about a
post shows its subject."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.conversations.subjects import SubjectLink, register_subject
from community.extensions import db
from community.formatting import format_km
from community.i18n import _
from community.notifications.kinds import Kind, register


def _post(c):
    return "villages.post_detail", {"space_slug": c["space_slug"], "post_id": c["post_id"]}


register(
    "villages.comment",
    Kind(lambda c: _("%(name)s commented on “%(title)s”.", name=c["name"], title=c["title"]), _post),
)
register(
    "villages.new_post",
    Kind(
        lambda c: _(
            "%(name)s wrote “%(title)s” in %(space)s.", name=c["name"], title=c["title"], space=c["space"]
        ),
        _post,
    ),
)
register(
    "villages.mentioned",
    Kind(lambda c: _("%(name)s mentioned you in “%(title)s”.", name=c["name"], title=c["title"]), _post),
)
register(
    "villages.answered",
    Kind(
        lambda c: _("%(name)s answered your question “%(title)s”.", name=c["name"], title=c["title"]), _post
    ),
)
register(
    "villages.accepted",
    Kind(lambda c: _("Your answer to “%(title)s” was chosen as the best.", title=c["title"]), _post),
)
register(
    "villages.thanked",
    Kind(
        lambda c: _("%(name)s thanked you for your help with “%(title)s”.", name=c["name"], title=c["title"]),
        _post,
    ),
)
register(
    "villages.help_nearby",
    Kind(
        lambda c: _(
            "New help request %(distance)s from you: “%(title)s”.",
            distance=format_km(c["km"]),
            title=c["title"],
        ),
        _post,
    ),
)
register(
    "villages.event_place",
    Kind(
        lambda c: _("A place is free for you at “%(title)s”: you are on the list.", title=c["title"]), _post
    ),
)
register(
    "villages.message",
    Kind(
        lambda c: _("%(name)s wrote to you about “%(title)s”.", name=c["name"], title=c["title"]),
        lambda c: ("conversations.show", {"conversation_id": c["conversation_id"]}),
    ),
)


def _post_links(ids: list[int]) -> dict[int, SubjectLink]:
    from community.villages.models import Post

    found = db.session.scalars(sa.select(Post).where(Post.id.in_(ids)).options(selectinload(Post.space)))
    return {
        p.id: SubjectLink(p.title, "villages.post_detail", {"space_slug": p.space.slug, "post_id": p.id})
        for p in found
    }


register_subject("villages.post", _post_links)
