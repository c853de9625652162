"""``notify()``: the one way to tell a user something, in-app and (if they want it) by e-mail."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.formatting import absolute_dates
from community.i18n import force_locale
from community.notifications.kinds import KINDS, describe
from community.notifications.mail import external_url, send_template
from community.notifications.models import Notification


def notify(user: User, kind: str, *, email: bool = True, **context: Any) -> Notification:
    """Records an in-app notification and queues an e-mail in the recipient's language."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    notification = Notification(user_id=user.id, kind=kind, context=context)
    db.session.add(notification)
    db.session.flush()
    if email and user.email_notifications and user.is_confirmed:
        locale = user.locale or "da"
        with force_locale(locale), absolute_dates():  # an e-mail is read later: no "tomorrow"
            sentence, (endpoint, values) = describe(kind, context)
        send_template(
            user.email,
            "notification",
            locale=locale,
            user=user,
            sentence=sentence,
            link=external_url(endpoint, **values),
        )
    return notification


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def recent(user: User, *, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
