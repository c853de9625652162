"""What villages adds to the space front page, the home page and the main navigation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from markupsafe import Markup

from community.accounts.models import User
from community.moderation.permissions import visible_clause
from community.spaces.components import Component, register
from community.spaces.models import Membership, MembershipStatus, Space
from community.spaces.permissions import can_view_space
from community.villages import permissions
from community.villages.models import Post
from community.villages.services import posts
from community.villages.views.common import feed_filters, official_badges


def front(space: Space) -> Markup:
    from flask_login import current_user

    if not can_view_space(current_user, space):
        return Markup("")
    filters = feed_filters(request.args)
    visible = visible_clause(Post, current_user, space)
    page = posts.feed([space.id], **filters, limit=20, visible=visible)
    pinned = posts.pinned_posts(space, visible=visible) if not request.args.get("cursor") else []
    badges = official_badges(space, [p.author_id for p in [*page.items, *pinned]])
    return Markup(
        render_template(
            "villages/_front_section.html",
            space=space,
            page=page,
            pinned=pinned,
            badges=badges,
            filters=filters,
            can_write=permissions.can_post(current_user, space),
        )
    )


def home(user: User | None) -> Markup:
    if user is None or not user.is_authenticated:
        return Markup("")
    mine = sa.select(Membership.space_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )
    page = posts.feed(mine, limit=10, with_space=True, visible=visible_clause(Post, user, None))
    if not page.items:
        return Markup("")
    return Markup(render_template("villages/_home_section.html", page=page))


register(Component("villages", order=10, front=front, home=home))
