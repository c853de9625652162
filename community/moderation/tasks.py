"""Moderation's hourly job: data exports whose download link has expired are removed from disk."""

from __future__ import annotations

from huey import crontab

from community.jobs import app_periodic_task


@app_periodic_task(crontab(minute="47"))
def remove_old_exports() -> int:
    from community.moderation import privacy

    return privacy.remove_old_exports()
