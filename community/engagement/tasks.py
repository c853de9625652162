"""Engagement's jobs: every hour, items past their promised deadline are escalated to staff (in the app
and by e-mail), once each; a consultation's decision told to its participants after the commit."""

from __future__ import annotations

from huey import crontab

from community.engagement.services import promises
from community.extensions import db
from community.jobs import app_periodic_task, app_task


@app_periodic_task(crontab(minute="17"))
def hourly_overdue_escalation() -> int:
    escalated = promises.escalate_overdue()
    db.session.commit()
    return escalated


@app_task(retries=3, retry_delay=30)
def tell_decided(consultation_id: int, actor_id: int | None) -> None:
    """Queued by ``receivers._decided`` once the decision is committed."""
    from community.engagement.receivers import tell_decided_now

    tell_decided_now(consultation_id, actor_id)
