"""A citizen's own data: their tokens are in their export, and revoked when the account is deleted."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from community import signals
from community.api.models import ApiToken
from community.db import utcnow
from community.extensions import db


@signals.account_exporting.connect
def _export(user: Any, **_kw: Any) -> dict[str, Any]:
    from community.moderation.privacy import row

    columns = ("name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    return {
        "api_tokens": [
            row(t, *columns)
            for t in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id))
        ]
    }


@signals.account_deleting.connect
def _delete(user: Any, **_kw: Any) -> None:
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
