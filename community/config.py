"""Configuration: defaults, then ``COMMUNITY_*`` environment variables, then the mapping given to
``create_app``. Secrets and the SQLite database live in the instance folder, never in the repository."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

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
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", bool),
    "FAULT_REPORT_LIMIT": ("FAULT_REPORT_LIMIT", str),
}

DEFAULTS: dict[str, Any] = {
    "COMMUNITY_ENV": "development",
    "SQLALCHEMY_DATABASE_URI": None,  # None: sqlite file in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SECRET_KEY": None,
    "REDIS_URL": None,
    "MAIL_URL": None,  # None: .eml files in instance/outbox
    "MAIL_FROM": "Fælled <no-reply@faelled.example>",
    "BASE_URL": None,
    "GEOCODER": None,  # "nominatim" to look up places online; None keeps to the gazetteer
    "GEOCODER_USER_AGENT": "faelled",
    "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "LOG_LEVEL": "INFO",
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
    "SESSION_COOKIE_SECURE": False,
    "LOGIN_LIMIT_IP": "20 per minute;200 per day",
    "LOGIN_LIMIT_ACCOUNT": "5 per minute;50 per day",
    "FAULT_REPORT_LIMIT": "10 per hour;30 per day",
    "RATELIMIT_ENABLED": True,
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,
}


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


def _instance_secret(instance: Path) -> str:
    """A development secret kept in the instance folder, made once."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    app.config.update(DEFAULTS)
    app.config.update(from_environment())
    app.config.update(overrides or {})
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
    if production:
        app.config.setdefault("SESSION_COOKIE_SECURE", True)
    storage = app.config["REDIS_URL"] or "memory://"
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage)
    app.config.setdefault("MEDIA_FOLDER", str(instance / "media"))
    app.config.setdefault("OUTBOX_FOLDER", str(instance / "outbox"))
    app.config.setdefault("HUEY_SQLITE_PATH", str(instance / "huey.sqlite"))
