"""Fælled: the community platform a Danish municipality runs for its citizens."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


class FaelledFlask(Flask):
    def url_for(self, endpoint: str, /, **values: Any) -> str:  # type: ignore[override]
        """Links on a space's own host name leave out ``/s/<slug>`` (see ``tenancy.SpaceHosts``)."""
        from community.spaces.tenancy import space_host_url

        return space_host_url(super().url_for(endpoint, **values))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The application. ``config`` overrides defaults and ``COMMUNITY_*`` variables; ``INSTANCE_PATH``
    (or ``COMMUNITY_INSTANCE_PATH``) moves the instance folder (SQLite file, outbox, uploads)."""
    instance = (config or {}).get("INSTANCE_PATH") or os.environ.get("COMMUNITY_INSTANCE_PATH")
    app = FaelledFlask(
        __name__, instance_relative_config=True, instance_path=os.path.abspath(instance) if instance else None
    )
    from community import setup

    setup.configure_settings(app, config)
    setup.configure_logging(app)
    setup.configure_database(app)
    setup.configure_extensions(app)
    setup.configure_huey(app)
    setup.configure_headers(app)
    setup.configure_templates(app)
    setup.configure_tenancy(app)
    setup.configure_url_input(app)
    setup.configure_blueprints(app)
    setup.configure_api(app)
    setup.configure_errors(app)
    setup.configure_page_cache(app)
    setup.configure_cli(app)
    setup.configure_proxy(app)  # last: the outermost layer sees the request first
    return app
