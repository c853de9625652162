"""Background jobs for notifications, run by the Huey consumer (``make run`` starts one)."""

from __future__ import annotations

from typing import Any

from huey import crontab

from community.jobs import app_periodic_task, app_task
from community.notifications import mail


@app_task(retries=5, retry_delay=60)
def deliver_email(raw: bytes) -> None:
    mail.deliver(raw)


@app_task(retries=3, retry_delay=30)
def fan_out(
    kind: str,
    target: str,
    target_id: int,
    actor_id: int | None,
    context: dict[str, Any],
    direct: dict[Any, str],
) -> None:
    """Tells the followers of something what happened (queued by ``following.announce`` after the
    commit), so the request that caused it never waits for them."""
    from community.notifications.following import fan_out_now

    fan_out_now(kind, target, target_id, actor_id, context, direct)


@app_periodic_task(crontab(minute="0"))
def send_digests() -> None:
    """Every hour on the hour: the daily (and on Mondays the weekly) digests of everyone whose chosen
    hour it is in Denmark."""
    from community.notifications.following import send_digests as run

    run()
