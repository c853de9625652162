"""Configuration from COMMUNITY_* variables, production safety, and the demo seed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community import create_app
from community.config import ConfigError, from_environment
from tests.support import ROOT, make_config


def test_environment_variables_are_read():
    found = from_environment(
        {
            "COMMUNITY_DATABASE_URL": "postgresql://db/faelled",
            "COMMUNITY_SECRET_KEY": "s3cret",
            "COMMUNITY_REDIS_URL": "redis://127.0.0.1:6379/0",
            "COMMUNITY_MAIL_URL": "smtp://mail:25",
            "COMMUNITY_SESSION_COOKIE_SECURE": "true",
            "COMMUNITY_UNKNOWN": "ignored",
        }
    )
    assert found == {
        "SQLALCHEMY_DATABASE_URI": "postgresql://db/faelled",
        "SECRET_KEY": "s3cret",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "MAIL_URL": "smtp://mail:25",
        "SESSION_COOKIE_SECURE": True,
    }


def test_a_postgres_url_uses_psycopg_3(tmp_path):
    app = create_app(make_config(tmp_path, "postgresql://user@localhost/faelled"))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user@localhost/faelled"


def test_sqlite_by_default_in_the_instance_folder(tmp_path):
    config = make_config(tmp_path)
    config.pop("SQLALCHEMY_DATABASE_URI")
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'faelled.sqlite'}"
    with app.app_context():
        from community.extensions import db

        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_production_needs_a_secret_key(tmp_path):
    config = make_config(tmp_path, COMMUNITY_ENV="production")
    config["SECRET_KEY"] = None
    with pytest.raises(ConfigError, match="COMMUNITY_SECRET_KEY"):
        create_app(config)


def test_redis_is_used_for_rate_limits_when_configured(tmp_path):
    app = create_app(make_config(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15"))
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
    assert create_app(make_config(tmp_path))


def test_demo_seed_is_refused_in_production(tmp_path):
    app = create_app(make_config(tmp_path, COMMUNITY_ENV="production"))
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "never seeded in production" in result.output


def test_demo_seed_builds_the_skanderborg_demo(tmp_path):
    from tests.support import reset_schema

    app = create_app(make_config(tmp_path))
    reset_schema(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "borger@example.org" in result.output
    again = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert again.exit_code == 0 and "no demo seeded" in again.output
    from community.accounts.services import authenticate
    from community.extensions import db
    from community.spaces.models import Space

    with app.test_request_context():
        slugs = set(db.session.scalars(sa.select(Space.slug)))
        assert {"stilling", "hoerning", "ry", "galten", "laasby", "stilling-if", "groenne-omraader"} <= slugs
        for who in ("kommune", "borger", "klub", "entreprenor", "frivillig", "senior"):
            assert authenticate(f"{who}@example.org", "faelled-demo") is not None, who
        assert authenticate("kommune@example.org", "faelled-demo").is_staff


# --- the site's address: links in e-mails from the worker and the CLI ----------------------------


def test_production_needs_a_base_url(tmp_path):
    config = make_config(tmp_path, COMMUNITY_ENV="production", BASE_URL=None)
    with pytest.raises(ConfigError, match="COMMUNITY_BASE_URL must be set in production"):
        create_app(config)


@pytest.mark.parametrize(
    "url", ["faelled.skanderborg.dk", "ftp://faelled.dk", "https://", "https://x.dk/?a=1"]
)
def test_a_base_url_that_is_no_address_is_refused(tmp_path, url):
    with pytest.raises(ConfigError, match="COMMUNITY_BASE_URL must be an http"):
        create_app(make_config(tmp_path, BASE_URL=url))


def test_development_links_to_where_make_run_serves(tmp_path):
    app = create_app(make_config(tmp_path, COMMUNITY_ENV="development", BASE_URL=None))
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    run = (ROOT / "scripts" / "run.sh").read_text()
    assert 'COMMUNITY_BASE_URL="${COMMUNITY_BASE_URL:-http://${HOST:-127.0.0.1}:${PORT:-5000}}"' in run


def test_the_base_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COMMUNITY_BASE_URL", "https://faelled.skanderborg.dk/")
    config = make_config(tmp_path)
    config.pop("BASE_URL")
    assert create_app(config).config["BASE_URL"] == "https://faelled.skanderborg.dk"
