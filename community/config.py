"""Configuration: defaults, then ``COMMUNITY_*`` environment variables, then the mapping given to
``create_app``. Secrets and the SQLite database live in the instance folder, never in the repository."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from community.ratelimits import DEFAULTS as RATE_LIMITS

#: Environment variable (without the ``COMMUNITY_`` prefix) -> config key, with how to parse it.
ENVIRONMENT: dict[str, tuple[str, type]] = {
    "ENV": ("COMMUNITY_ENV", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "REDIS_URL": ("REDIS_URL", str),
    "MAIL_URL": ("MAIL_URL", str),
    "MAIL_FROM": ("MAIL_FROM", str),
    "BASE_URL": ("BASE_URL", str),
    "GEOCODER": ("GEOCODER", str),
    "GEOCODER_USER_AGENT": ("GEOCODER_USER_AGENT", str),
    "TILE_URL": ("TILE_URL", str),
    "LOG_LEVEL": ("LOG_LEVEL", str),
    "MUNICIPALITY": ("MUNICIPALITY", str),
    "PROXY_FIX": ("PROXY_FIX", int),
    "HSTS": ("HSTS", bool),
    "RATELIMIT_ENABLED": ("RATELIMIT_ENABLED", bool),
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", bool),
    "REPORT_THRESHOLD": ("MODERATION_REPORT_THRESHOLD", int),
    "APPEAL_DAYS": ("APPEAL_DAYS", int),
    "COMPLAINT_URL": ("COMPLAINT_URL", str),
    "EXPORT_DAYS": ("EXPORT_DAYS", int),
    "NEW_ACCOUNT_DAYS": ("NEW_ACCOUNT_DAYS", int),
    "NEW_ACCOUNT_LIMIT": ("NEW_ACCOUNT_LIMIT", str),
    "MODERATION_CACHE_SECONDS": ("MODERATION_CACHE_SECONDS", float),
    "API_RATE_LIMIT": ("API_RATE_LIMIT", str),
    "API_RATE_LIMIT_ANONYMOUS": ("API_RATE_LIMIT_ANONYMOUS", str),
    "OPEN311_RATE_LIMIT": ("OPEN311_RATE_LIMIT", str),
    "PASSWORD_LOGIN": ("PASSWORD_LOGIN", bool),
    "CITIZEN_REACH_KM": ("CITIZEN_REACH_KM", float),
    "FAULT_REPORT_LIMIT": ("FAULT_REPORT_LIMIT", str),
    "PAGE_CACHE_SECONDS": ("PAGE_CACHE_SECONDS", float),
    "PAGE_CACHE_ENTRIES": ("PAGE_CACHE_ENTRIES", int),
    "PAGE_CACHE_MAX_BYTES": ("PAGE_CACHE_MAX_BYTES", int),
}

DEFAULTS: dict[str, Any] = {
    "COMMUNITY_ENV": "development",
    "SQLALCHEMY_DATABASE_URI": None,  # None: sqlite file in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SECRET_KEY": None,
    "REDIS_URL": None,
    "MAIL_URL": None,  # None: .eml files in instance/outbox
    "MAIL_FROM": "Fælled <no-reply@faelled.example>",
    "BASE_URL": None,  # None: DEVELOPMENT_BASE_URL outside production, refused in production
    "GEOCODER": None,  # "nominatim" to look up places online; None keeps to the gazetteer
    "GEOCODER_USER_AGENT": "faelled",
    "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "LOG_LEVEL": "INFO",
    "MUNICIPALITY": None,  # slug of the installation's default municipality (see tenancy)
    "HSTS": None,  # None: on in production (community/headers.py)
    # A home this close to the municipality's centre counts as inside it (homes are points; we know no
    # borders): its citizens may find members-only spaces that take requests and ask to join.
    "CITIZEN_REACH_KM": 30.0,
    "HUEY_IMMEDIATE": False,
    "BABEL_DEFAULT_LOCALE": "da",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
    "LANGUAGES": ("da", "en"),
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    "LOGO_MAX_BYTES": 2 * 1024 * 1024,
    "CONFIRM_MAX_AGE": 3 * 24 * 3600,
    "RESET_MAX_AGE": 2 * 3600,
    "INVITATION_DAYS": 14,
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    # SESSION_COOKIE_SECURE is not defaulted here (Flask's own default, off, would shadow production):
    # ``configure`` turns it on in production unless COMMUNITY_SESSION_COOKIE_SECURE says otherwise.
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    **RATE_LIMITS,  # community/ratelimits.py: every limit and the number of trusted proxies
    "RATELIMIT_ENABLED": True,
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,
    # Moderation: reports from this many different people hide an item until a moderator looks.
    "MODERATION_REPORT_THRESHOLD": 3,
    "APPEAL_DAYS": 14,
    #: Where citizens complain about a decision or a caseworker (told when a text names a protected
    #: employee).
    "COMPLAINT_URL": None,
    #: How long an e-mailed link to a citizen's data works.
    "EXPORT_DAYS": 7,
    #: Gentle limits for accounts younger than this many days, on posts, comments and messages.
    "NEW_ACCOUNT_DAYS": 3,
    "NEW_ACCOUNT_LIMIT": "5 per hour;20 per day",
    #: How often a process checks whether the watched words or protected names changed.
    "MODERATION_CACHE_SECONDS": 5.0,
    #: The API's own limits (Flask-Limiter notation): per token, and per address without one.
    "API_RATE_LIMIT": "600 per minute;20000 per day",
    "API_RATE_LIMIT_ANONYMOUS": "120 per minute;5000 per day",
    #: Open311: per API key (POST), and per address for the public lists.
    "OPEN311_RATE_LIMIT": "120 per minute;5000 per day",
    #: Log in with e-mail and password (off: only through the OpenID Connect providers).
    "PASSWORD_LOGIN": True,
    #: OpenID Connect providers, by name (``COMMUNITY_OIDC_*``, see ``community.accounts.oidc``).
    "OIDC_PROVIDERS": {},
    #: Whole pages for visitors without a cookie (``community.pagecache``): kept this many seconds at
    #: most, and never past a write; 0 turns it off. Pages kept per worker, and the largest kept.
    "PAGE_CACHE_SECONDS": 10.0,
    "PAGE_CACHE_ENTRIES": 512,
    "PAGE_CACHE_MAX_BYTES": 512 * 1024,
}


#: Where ``make run`` serves by default (``scripts/run.sh`` sets ``COMMUNITY_BASE_URL`` from its
#: ``HOST`` and ``PORT``, for the web server and the worker alike).
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


class ConfigError(RuntimeError):
    """The configuration cannot run (for example production without a secret key)."""


def _parse(value: str, kind: type) -> Any:
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return kind(value)


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for suffix, (key, kind) in ENVIRONMENT.items():
        value = environ.get(f"COMMUNITY_{suffix}")
        if value not in (None, ""):
            found[key] = _parse(value, kind)
    return found


#: What each OpenID Connect provider is configured with: ``COMMUNITY_OIDC_<NAME>_<SETTING>``.
OIDC_SETTINGS = ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "SCOPES", "LABEL", "STAFF_CLAIM", "MUNICIPALITY")


def providers_from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """``COMMUNITY_OIDC_PROVIDERS=mitid,staff`` names the providers; each has
    ``COMMUNITY_OIDC_MITID_ISSUER``, ``…_CLIENT_ID``, ``…_CLIENT_SECRET``, ``…_SCOPES`` (default
    ``openid email profile``), ``…_LABEL`` (the button: "MitID"), and for a staff provider
    ``…_STAFF_CLAIM`` (``claim=value`` that makes someone staff) and ``…_MUNICIPALITY`` (whose staff)."""
    environ = os.environ if environ is None else environ
    names = [
        n.strip().lower() for n in (environ.get("COMMUNITY_OIDC_PROVIDERS") or "").split(",") if n.strip()
    ]
    if not names:
        return {}
    providers: dict[str, dict[str, str | None]] = {}
    for name in names:
        prefix = f"COMMUNITY_OIDC_{name.upper()}_"
        providers[name] = {key.lower(): environ.get(prefix + key) or None for key in OIDC_SETTINGS}
    return {"OIDC_PROVIDERS": providers}


def _instance_secret(instance: Path) -> str:
    """A development secret kept in the instance folder, made once."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _base_url(value: str | None, *, production: bool) -> str:
    """The absolute address of the site, for links in e-mails and feeds. A background job never sees a
    request, so it cannot be guessed from one: production must say it."""
    if not value:
        if production:
            raise ConfigError(
                "COMMUNITY_BASE_URL must be set in production (the address people reach the site on, "
                "e.g. https://faelled.skanderborg.dk): e-mails sent by the worker link to it."
            )
        return DEVELOPMENT_BASE_URL
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"COMMUNITY_BASE_URL must be an http(s) address like https://faelled.example.dk, not {value!r}."
        )
    return value.rstrip("/")


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    explicit = {**from_environment(), **providers_from_environment(), **(overrides or {})}
    app.config.update(DEFAULTS)
    app.config.update(explicit)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    production = app.config["COMMUNITY_ENV"] == "production"
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'faelled.sqlite'}"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith(("postgres://", "postgresql://")):
        # psycopg 3 is the driver we ship; say so explicitly so SQLAlchemy does not look for psycopg2.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url.split("://", 1)[1]
    if not app.config["SECRET_KEY"]:
        if production:
            raise ConfigError("COMMUNITY_SECRET_KEY must be set in production.")
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if explicit.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = production
    # The remember-me cookie logs in as much as the session cookie does: the same protections.
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["BASE_URL"] = _base_url(app.config["BASE_URL"], production=production)
    storage = app.config["REDIS_URL"] or "memory://"
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage)
    app.config.setdefault("MEDIA_FOLDER", str(instance / "media"))
    app.config.setdefault("OUTBOX_FOLDER", str(instance / "outbox"))
    app.config.setdefault("HUEY_SQLITE_PATH", str(instance / "huey.sqlite"))
