"""Whether the person has any blocks, among the header's counts (``spaces.components.header_counts``): a
page asks the header's counts anyway, so a person who never blocked anyone and was never blocked (almost
everyone) costs no query of their own for ``permissions.blocked_ids``."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.moderation.models import Block
from community.spaces.components import Component, register


def counts(user: User) -> dict[str, sa.ScalarSelect]:
    involved = sa.or_(Block.blocker_id == user.id, Block.blocked_id == user.id)
    return {"blocks": sa.select(sa.func.count()).select_from(Block).where(involved).scalar_subquery()}


register(Component("moderation", order=50, counts=counts))
