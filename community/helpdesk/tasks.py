"""The helpdesk's hourly jobs: reminders the day before (one-to-one help and cafés), "how did it go?"
after a café, and requests nobody has taken in three days. Each one records what it sent, so a job
that runs twice (or twice at once) sends nothing twice."""

from __future__ import annotations

from huey import crontab

from community.extensions import db
from community.helpdesk.services import feedback, requests, sessions
from community.jobs import app_periodic_task


@app_periodic_task(crontab(minute="7"))
def hourly_reminders() -> int:
    sent = requests.send_due_reminders()
    db.session.commit()
    return sent


@app_periodic_task(crontab(minute="17"))
def hourly_cafe_reminders() -> int:
    sent = sessions.send_booking_reminders()
    db.session.commit()
    return sent


@app_periodic_task(crontab(minute="27"))
def hourly_cafe_feedback() -> int:
    asked = feedback.ask_after_cafes()
    db.session.commit()
    return asked


@app_periodic_task(crontab(minute="37"))
def hourly_escalation() -> int:
    escalated = requests.escalate_unmatched()
    db.session.commit()
    return escalated
