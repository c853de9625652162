"""The "Messages" link in the main navigation, with the number of unread messages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from community.accounts.models import User
from community.conversations import services
from community.conversations.models import Message
from community.i18n import _
from community.spaces.components import Component, NavItem, header_counts, register


def nav(user: User | None) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    return [NavItem(_("Messages"), url_for("conversations.index"), header_counts(user).get("messages", 0))]


def counts(user: User) -> dict[str, sa.ScalarSelect]:
    return {"messages": services.unread_query(user, sa.func.count(Message.id)).scalar_subquery()}


register(Component("conversations", order=10, nav=nav, counts=counts))
