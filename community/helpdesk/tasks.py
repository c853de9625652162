"""The helpdesk's hourly jobs: reminders the day before, and requests nobody has taken in three days."""

from __future__ import annotations

from huey import crontab

from community.extensions import db
from community.helpdesk.services import requests
from community.jobs import app_periodic_task


@app_periodic_task(crontab(minute="7"))
def hourly_reminders() -> int:
    sent = requests.send_due_reminders()
    db.session.commit()
    return sent


@app_periodic_task(crontab(minute="37"))
def hourly_escalation() -> int:
    escalated = requests.escalate_unmatched()
    db.session.commit()
    return escalated
