from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.db import enum_column, utcnow
from community.extensions import db
from community.i18n import _l


class Level(enum.StrEnum):
    """How much of what happens in a followed item reaches the follower."""

    EVERYTHING = "everything"
    REPLIES = "replies"  # only replies to me and mentions of me
    MUTED = "muted"  # nothing, even when its space is followed


class Frequency(enum.StrEnum):
    """When an e-mail about a followed item leaves."""

    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"
    APP = "app"  # in the bell only, never by e-mail


LEVEL_LABELS = {
    Level.EVERYTHING: _l("Everything"),
    Level.REPLIES: _l("Only replies to me and mentions"),
    Level.MUTED: _l("Muted"),
}
FREQUENCY_LABELS = {
    Frequency.INSTANT: _l("E-mail at once"),
    Frequency.DAILY: _l("Daily digest"),
    Frequency.WEEKLY: _l("Weekly digest"),
    Frequency.APP: _l("Only here on the site"),
}


class Notification(db.Model):
    """Something a user should know. Its text is made from ``kind`` and ``context`` when shown, so it
    reads in the language the user has then. ``item`` ("post:12") groups the bell and lets a digest
    check, when it is sent, that the person may still see what it is about; ``digest`` says which
    digest still has to carry it by e-mail ("daily", "weekly"), and is cleared when it is sent."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user_unread", "user_id", "read_at"),
        sa.Index("ix_notification_digest_user", "digest", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
    item: Mapped[str | None] = mapped_column(sa.String(60))
    digest: Mapped[str | None] = mapped_column(sa.String(10))


class Follow(db.Model):
    """A person follows something: a space, a post, an idea... (``target`` names a kind registered in
    ``community.notifications.following``), at a level and, if not their default, a frequency."""

    __tablename__ = "follow"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "target", "target_id"),
        sa.Index("ix_follow_target", "target", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(sa.String(30))
    target_id: Mapped[int]
    level: Mapped[Level] = mapped_column(enum_column(Level), default=Level.EVERYTHING)
    frequency: Mapped[Frequency | None] = mapped_column(enum_column(Frequency))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationSettings(db.Model):
    """A person's defaults: how often e-mail comes, at which hour (Europe/Copenhagen) the digest
    leaves, whether writing, RSVPing or supporting something follows it; and whether their address
    bounces (then no mail goes to it)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency), default=Frequency.INSTANT)
    digest_hour: Mapped[int] = mapped_column(sa.SmallInteger, default=7)
    auto_follow: Mapped[bool] = mapped_column(default=True)
    bouncing_since: Mapped[datetime | None]
