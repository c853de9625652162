"""The bell's count among the header's counts (``community.spaces.components.header_counts``), and the
reader's follow of the space among the space's facts (``space_facts``, for the follow box)."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.notifications.models import Follow
from community.notifications.services import unread_query
from community.spaces.components import Component, register
from community.spaces.models import Space


def counts(user: User) -> dict[str, sa.ScalarSelect]:
    return {"notifications": unread_query(user).scalar_subquery()}


def space_facts(space: Space, person: User | None) -> dict[str, sa.ScalarSelect]:
    if person is None:
        return {}
    mine = sa.and_(Follow.user_id == person.id, Follow.target == "space", Follow.target_id == space.id)
    return {"follow_level": sa.select(Follow.level).where(mine).scalar_subquery()}


register(Component("notifications", order=0, counts=counts, space_facts=space_facts))
