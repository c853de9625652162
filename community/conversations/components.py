"""The "Messages" link in the main navigation, with the number of unread messages."""

from __future__ import annotations

from flask import url_for

from community.accounts.models import User
from community.conversations import services
from community.i18n import _
from community.spaces.components import Component, NavItem, register


def nav(user: User | None) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    return [NavItem(_("Messages"), url_for("conversations.index"), services.unread_total(user))]


register(Component("conversations", order=10, nav=nav))
