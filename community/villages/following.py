"""Posts can be followed; what happens in a village reaches its followers. The services send domain
signals; these receivers follow the post for whoever acted and announce it to the followers
(``community.notifications.following``), who are told by a background job after the commit."""

from __future__ import annotations

from urllib.parse import urlsplit

from community import signals
from community.extensions import db
from community.formatting import format_km
from community.i18n import _, _l
from community.moderation.permissions import can_see_content
from community.notifications.following import Target, announce, auto_follow, register_target
from community.notifications.mail import external_url
from community.spaces.models import Space
from community.spaces.permissions import can_view_space
from community.villages.models import CATEGORY_LABELS, HelpAlert, HelpCategory, Post, PostKind, Tag
from community.villages.services import help


def _can_see(user, post: Post) -> bool:
    return can_view_space(user, post.space) and can_see_content(user, post)


register_target(
    "post",
    Target(
        label=_l("Post"),
        load=lambda post_id: db.session.get(Post, post_id),
        can_see=_can_see,
        title=lambda post: post.title,
        url=lambda post: ("villages.post_detail", {"space_slug": post.space.slug, "post_id": post.id}),
        space_id=lambda post: post.space_id,
        parents=lambda post: [("space", post.space_id), *(("tag", tag.id) for tag in post.tags)],
        reach=help.reach,  # a help request reaches those whose area around home it falls in
    ),
)


_CATEGORIES = {c.value for c in HelpCategory}


def _area_title(alert: HelpAlert) -> str:
    within = _("Help requests within %(distance)s of home", distance=format_km(alert.radius_km))
    chosen = [str(CATEGORY_LABELS[HelpCategory(c)]) for c in alert.categories or () if c in _CATEGORIES]
    return f"{within}: {', '.join(chosen)}" if chosen else within


register_target(
    "area",
    Target(
        label=_l("Area"),
        load=lambda alert_id: db.session.get(HelpAlert, alert_id),
        can_see=lambda user, alert: alert.user_id == user.id,  # one's own home and distance
        title=_area_title,
        url=lambda alert: ("villages.help_nearby", {"_anchor": "alert"}),
    ),
)


def _tag_space(tag: Tag):
    return db.session.get(Space, tag.space_id)


register_target(
    "tag",
    Target(
        label=_l("Tag"),
        load=lambda tag_id: db.session.get(Tag, tag_id),
        can_see=lambda user, tag: can_view_space(user, _tag_space(tag)),
        title=lambda tag: f"#{tag.name} · {_tag_space(tag).title}",
        url=lambda tag: ("villages.feed", {"space_slug": _tag_space(tag).slug, "tag": tag.name}),
        space_id=lambda tag: tag.space_id,
    ),
)


def _context(post: Post, by) -> dict:
    return {"name": by.display_name, "title": post.title, "post_id": post.id, "space_slug": post.space.slug}


def person_path(user) -> str:
    """Where a mention links to: the person's page in the villages (a path, the same on every host)."""
    return urlsplit(external_url("villages.person", user_id=user.id)).path


def _mentions(mentioned, direct: dict[int, str]) -> dict[int, str]:
    for user in mentioned or ():
        direct.setdefault(user.id, "villages.mentioned")
    return direct


@signals.post_created.connect
def _post_created(post: Post, *, space, by, mentioned=(), **_kw) -> None:
    auto_follow(by, "post", post.id)
    if post.is_visible_to_all:
        context = {**_context(post, by), "space": space.title}
        direct = _mentions(mentioned, {})
        announce("villages.new_post", "post", post.id, by=by, context=context, direct=direct)


@signals.comment_created.connect
def _comment_created(comment, *, post: Post, space, parent, by, mentioned=(), **_kw) -> None:
    auto_follow(by, "post", post.id)
    if not comment.is_visible_to_all:
        return  # a comment held for a moderator tells nobody until it is approved
    direct: dict[int, str] = {}
    if parent is not None and parent.author_id:
        direct[parent.author_id] = "villages.comment"
    if post.kind == PostKind.QUESTION and post.author_id:
        direct[post.author_id] = "villages.answered"
    _mentions(mentioned, direct)
    announce("villages.comment", "post", post.id, by=by, context=_context(post, by), direct=direct)


@signals.rsvp_changed.connect
def _rsvp_changed(post: Post, *, by, **_kw) -> None:
    auto_follow(by, "post", post.id)
