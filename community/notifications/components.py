"""The bell's count among the header's counts (``community.spaces.components.header_counts``)."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.notifications.services import unread_query
from community.spaces.components import Component, register


def counts(user: User) -> dict[str, sa.ScalarSelect]:
    return {"notifications": unread_query(user).scalar_subquery()}


register(Component("notifications", order=0, counts=counts))
