"""Entry point of the Huey consumer: ``huey_consumer community.worker.huey``.

Builds the app once, so tasks run with its configuration and an application context.
"""

from community import create_app
from community.extensions import db, huey

app = create_app()
app.app_context().push()

import community.notifications.tasks  # noqa: E402,F401  (registers the tasks)


@huey.post_execute()
def _release_session(_task, _result, _exc) -> None:
    db.session.remove()


__all__ = ["huey"]
