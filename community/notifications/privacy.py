"""A citizen's own data: what they follow and their notification choices are in their export, and go
with the account when it is deleted."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from community import signals
from community.extensions import db
from community.notifications.models import Follow, NotificationSettings


@signals.account_exporting.connect
def _export(user: Any, **_kw: Any) -> dict[str, Any]:
    from community.moderation.privacy import row

    settings = db.session.get(NotificationSettings, user.id)
    return {
        "following": [
            row(f, "target", "target_id", "level", "frequency", "created_at")
            for f in db.session.scalars(sa.select(Follow).where(Follow.user_id == user.id))
        ],
        "notification_settings": (
            [row(settings, "frequency", "digest_hour", "auto_follow", "bouncing_since")] if settings else []
        ),
    }


@signals.account_deleting.connect
def _delete(user: Any, **_kw: Any) -> None:
    db.session.execute(sa.delete(Follow).where(Follow.user_id == user.id))
    db.session.execute(sa.delete(NotificationSettings).where(NotificationSettings.user_id == user.id))
