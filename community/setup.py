"""The configure steps of ``create_app``, each small and named for what it sets up."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, request
from huey.storage import RedisStorage, SqliteStorage

from community import config as config_module
from community.extensions import babel, csrf, db, huey, limiter, login_manager, migrate

request_log = logging.getLogger("community.request")


def configure_settings(app: Flask, overrides: dict[str, Any] | None) -> None:
    config_module.configure(app, overrides)


def configure_logging(app: Flask) -> None:
    """One line per request: method, path (its tokens redacted), status, duration."""
    from community.logredact import redacted_path

    level = getattr(logging, str(app.config["LOG_LEVEL"]).upper(), logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    request_log.setLevel(level)

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        if started is not None:
            ms = (time.perf_counter() - started) * 1000
            request_log.info(
                "%s %s %s %.1fms", request.method, redacted_path(request), response.status_code, ms
            )
        return response


def configure_database(app: Flask) -> None:
    url: str = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)  # recover by itself when the server comes back
        options.setdefault("pool_size", 5)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrations = Path(__file__).resolve().parent / "migrations"  # inside the package: ships in the wheel
    migrate.init_app(app, db, directory=str(migrations), render_as_batch=True, compare_type=True)
    if url.startswith("sqlite"):
        from community.db import tune_sqlite

        with app.app_context():
            tune_sqlite(db.engine)
    # Import every model so metadata (and Alembic) knows the whole schema.
    import community.models  # noqa: F401
    from community import textguard

    textguard.install()  # every text people write is checked when it is flushed


def configure_extensions(app: Flask) -> None:
    from community.accounts.services import load_user
    from community.i18n import select_locale

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    from community.i18n import _l

    login_manager.login_message = _l("Please log in to continue.")


def configure_huey(app: Flask) -> None:
    """SQLite storage in the instance folder by default, Redis when configured, immediate in tests."""
    if app.config["HUEY_IMMEDIATE"]:
        huey.immediate = True
        return
    if app.config["REDIS_URL"]:
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": app.config["HUEY_SQLITE_PATH"]}
    huey._immediate = False
    huey.storage = huey.create_storage()


def configure_headers(app: Flask) -> None:
    from community import headers

    headers.init_app(app)


def configure_templates(app: Flask) -> None:
    from community import templating

    templating.init_app(app)


def configure_tenancy(app: Flask) -> None:
    from community.spaces import tenancy

    tenancy.init_app(app)


def configure_url_input(app: Flask) -> None:
    """What a URL may carry, refused at the edge for every page at once, so no view and no query ever
    sees it: an id in the path larger than a database id, a control character in a path segment
    (PostgreSQL cannot even compare text with NUL), NUL in the query string. The path is a 404 (no
    page has such an address), the query a 400. Ids from the query and from forms go through
    ``community.forms.small_int``."""
    from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

    from community.forms import MAX_ID

    class BoundedInt(IntegerConverter):
        """``<int:…>`` that never matches a number larger than a database id."""

        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", MAX_ID)
            super().__init__(map, *args, **kwargs)

    control = "\\x00-\\x1f\\x7f"

    class Text(UnicodeConverter):
        """``<token>``, ``<slug>``: one segment without control characters."""

        def __init__(self, map, *args, **kwargs):
            super().__init__(map, *args, **kwargs)
            self.regex = self.regex.replace("[^/]", f"[^/{control}]")

    class Path(PathConverter):
        """``<path:…>``: segments without control characters."""

        regex = f"[^/{control}][^{control}]*?"

    app.url_map.converters.update(int=BoundedInt, default=Text, string=Text, path=Path)

    @app.before_request
    def _refuse_nul_in_query() -> None:
        if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
            abort(400)


def configure_blueprints(app: Flask) -> None:
    from community.accounts import bp as accounts_bp
    from community.conversations import bp as conversations_bp
    from community.engagement import bp as engagement_bp
    from community.helpdesk import bp as helpdesk_bp
    from community.maintenance import bp as maintenance_bp
    from community.moderation.views import bp as moderation_bp
    from community.notifications import bp as notifications_bp
    from community.ops import bp as ops_bp
    from community.spaces import admin_bp
    from community.spaces import bp as spaces_bp
    from community.villages import bp as villages_bp

    for blueprint in (
        ops_bp,
        accounts_bp,
        spaces_bp,
        admin_bp,
        notifications_bp,
        moderation_bp,
        conversations_bp,
        villages_bp,
        helpdesk_bp,
        maintenance_bp,
        engagement_bp,
    ):
        app.register_blueprint(blueprint)


def configure_api(app: Flask) -> None:
    """``/api/v1`` with its OpenAPI document, ``/open311/v2``, tokens on the profile and in the console;
    and OpenID Connect login."""
    from community import api
    from community.accounts import oidc

    api.init_app(app)
    oidc.init_app(app)


def configure_errors(app: Flask) -> None:
    from community.errors import configure_errors as install

    install(app)


def configure_proxy(app: Flask) -> None:
    from community.ratelimits import configure_proxy as install

    install(app)


def configure_page_cache(app: Flask) -> None:
    """Last of the request hooks (``community.pagecache``)."""
    from community import pagecache

    pagecache.init_app(app)


def configure_cli(app: Flask) -> None:
    """The demo commands, and every command (the blueprints' too) speaking English to the operator."""
    import click

    from community.demo import demo_cli
    from community.i18n import in_command_line_language

    app.cli.add_command(demo_cli)

    def english(command: click.Command) -> None:
        if command.callback is not None and not getattr(command, "_in_english", False):
            command.callback = in_command_line_language(command.callback)
            command._in_english = True  # type: ignore[attr-defined]
        for sub in getattr(command, "commands", {}).values():
            english(sub)

    english(app.cli)
