"""Background jobs for notifications, run by the Huey consumer (``make run`` starts one)."""

from __future__ import annotations

from community.jobs import app_task
from community.notifications import mail


@app_task(retries=5, retry_delay=60)
def deliver_email(raw: bytes) -> None:
    mail.deliver(raw)
