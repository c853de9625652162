"""A space can be followed: its followers who follow everything hear of every new post in it."""

from __future__ import annotations

from community.extensions import db
from community.i18n import _l
from community.notifications.following import Target, register_target
from community.spaces.models import Space
from community.spaces.permissions import can_view_space


def _load(space_id: int) -> Space | None:
    space = db.session.get(Space, space_id)
    return None if space is None or space.is_archived else space


register_target(
    "space",
    Target(
        label=_l("Space"),
        load=_load,
        can_see=can_view_space,
        title=lambda space: space.title,
        url=lambda space: ("spaces.front", {"space_slug": space.slug}),
        space_id=lambda space: None,
    ),
)
