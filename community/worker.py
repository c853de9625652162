"""Entry point of the Huey consumer: ``huey_consumer community.worker.huey``.

Builds the app once from the environment and binds it, so every task runs with its configuration
inside an application context of its own, whichever worker thread or process picks it up.
"""

from community import create_app, jobs
from community.extensions import huey

app = create_app()
jobs.bind_app(app)

import community.engagement.tasks  # noqa: E402  (registers the tasks)
import community.helpdesk.tasks  # noqa: E402
import community.moderation.tasks  # noqa: E402
import community.notifications.tasks  # noqa: E402,F401

__all__ = ["huey"]
