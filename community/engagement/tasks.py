"""Engagement's periodic job: every hour, items past their promised deadline are escalated to staff
(in the app and by e-mail), once each."""

from __future__ import annotations

from huey import crontab

from community.engagement.services import promises
from community.extensions import db
from community.jobs import app_periodic_task


@app_periodic_task(crontab(minute="17"))
def hourly_overdue_escalation() -> int:
    escalated = promises.escalate_overdue()
    db.session.commit()
    return escalated
