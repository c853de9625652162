"""``notify()``: the one way to tell a user something, in-app and (if they want it) by e-mail, at once
or in their digest; ``send_digest``: the day's or the week's news in one e-mail."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.formatting import absolute_dates
from community.i18n import force_locale
from community.notifications.kinds import KINDS, describe
from community.notifications.mail import external_url, send_template
from community.notifications.models import Follow, Frequency, Notification, NotificationSettings


def wants_email(user: User, settings: NotificationSettings | None = None) -> bool:
    """E-mail at all: turned on, a confirmed address, and not one that bounces."""
    from community.notifications.following import settings_of

    if not (user.email_notifications and user.is_confirmed):
        return False
    return (settings or settings_of(user)).bouncing_since is None


def unsubscribe_url(user: User, follow: Follow | None) -> str:
    from community.notifications.following import unsubscribe_token

    return external_url("notifications.unsubscribe", token=unsubscribe_token(user, follow))


def notify(
    user: User,
    kind: str,
    *,
    email: bool = True,
    item: str | None = None,
    follow: Follow | None = None,
    settings: NotificationSettings | None = None,
    **context: Any,
) -> Notification:
    """Records an in-app notification and, by the frequency the person chose for what it is about (or
    as their default), e-mails it now in their language or keeps it for their digest. ``settings``:
    the person's, when the caller has them already (a fan-out loads them for a batch at once)."""
    from community.notifications.following import settings_of

    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    notification = Notification(user_id=user.id, kind=kind, context=context, item=item)
    db.session.add(notification)
    settings = settings or settings_of(user)
    frequency = (follow.frequency if follow is not None else None) or settings.frequency
    if email and frequency in (Frequency.DAILY, Frequency.WEEKLY):
        notification.digest = frequency.value
    db.session.flush()
    if email and frequency == Frequency.INSTANT and wants_email(user, settings):
        locale = user.locale or "da"
        with force_locale(locale), absolute_dates():  # an e-mail is read later: no "tomorrow"
            sentence, (endpoint, values) = describe(kind, context)
        unsubscribe = unsubscribe_url(user, follow)
        send_template(
            user.email,
            "notification",
            locale=locale,
            headers=_list_headers(unsubscribe),
            user=user,
            sentence=sentence,
            link=external_url(endpoint, **values),
            unsubscribe=unsubscribe,
            per_follow=follow is not None,
        )
    return notification


def _list_headers(unsubscribe: str) -> dict[str, str]:
    """RFC 8058: a mail client offers "unsubscribe" and POSTs to the link itself, no login needed."""
    return {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_digest(user: User, kinds: list[str]) -> int:
    """One e-mail with what is waiting for the person's digest, in sections per space, newest first;
    only what they may still see when it is sent (hidden, deleted, or in a space they left is left
    out). Nothing is sent when nothing is left. Returns 1 if an e-mail left, else 0."""
    from community.notifications.following import resolve

    waiting = list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id, Notification.digest.in_(kinds))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        )
    )
    if not waiting:
        return 0
    for notification in waiting:
        notification.digest = None
    db.session.flush()
    if not wants_email(user):
        return 0
    locale = user.locale or "da"
    sections: dict[str, list[tuple[str, str]]] = defaultdict(list)
    seen: dict[str, Any] = {}
    with force_locale(locale), absolute_dates():
        from community.formatting import format_datetime

        for notification in waiting:
            if notification.item not in seen:
                seen[notification.item or ""] = resolve(notification.item) if notification.item else None
            found = seen[notification.item or ""]
            section = ""
            if notification.item:
                if found is None:
                    continue  # deleted since
                _name, target, obj = found
                if not target.can_see(user, obj):
                    continue  # hidden by a moderator, or a space the person left
                section = _space_title(target.space_id(obj)) or ""
            sentence, (endpoint, values) = describe(notification.kind, notification.context)
            sections[section].append(
                (f"{sentence} ({format_datetime(notification.created_at)})", external_url(endpoint, **values))
            )
    if not sections:
        return 0
    unsubscribe = unsubscribe_url(user, None)
    send_template(
        user.email,
        "digest",
        locale=locale,
        headers=_list_headers(unsubscribe),
        html=True,
        user=user,
        weekly="weekly" in kinds and len(kinds) == 1,
        sections=sorted(sections.items(), key=lambda pair: (pair[0] == "", pair[0])),
        count=sum(len(entries) for entries in sections.values()),
        unsubscribe=unsubscribe,
        preferences=external_url("notifications.following_page"),
    )
    return 1


def _space_title(space_id: int | None) -> str | None:
    if not space_id:
        return None
    from community.spaces.models import Space

    space = db.session.get(Space, space_id)
    return space.title if space else None


def unread_query(user: User) -> sa.Select:
    return sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )


def unread_count(user: User) -> int:
    return db.session.scalar(unread_query(user)) or 0


def recent(user: User, *, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def grouped(notifications: list[Notification]) -> list[list[Notification]]:
    """The bell's list: notifications about the same item together ("3 new replies in …"), in the
    order of each item's newest one; those about nothing in particular stay one by one."""
    groups: dict[Any, list[Notification]] = {}
    for notification in notifications:
        key = (notification.item, notification.kind) if notification.item else notification.id
        groups.setdefault(key, []).append(notification)
    return list(groups.values())


def mark_read(notification: Notification) -> None:
    """Read, together with every other unread notification about the same item."""
    now = utcnow()
    if notification.item:
        db.session.execute(
            sa.update(Notification)
            .where(
                Notification.user_id == notification.user_id,
                Notification.item == notification.item,
                Notification.read_at.is_(None),
            )
            .values(read_at=now)
        )
    if notification.read_at is None:
        notification.read_at = now
    db.session.flush()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
