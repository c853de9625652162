"""The schema is built only by Alembic, and the migrations match the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from community import create_app
from community.db import include_in_migrations
from community.extensions import db
from tests.support import ENGINE, TEST_DATABASE_URL, make_config


def _fresh_sqlite(tmp_path):
    return create_app(make_config(tmp_path))


def _diff(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        opts = {"compare_type": True, "render_as_batch": True, "include_object": include_in_migrations}
        context = MigrationContext.configure(conn, opts=opts)
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_exactly_the_models_on_sqlite(tmp_path):
    app = _fresh_sqlite(tmp_path)
    with app.app_context():
        upgrade()
    assert _diff(app) == []


def test_downgrade_and_upgrade_again_on_sqlite(tmp_path):
    app = _fresh_sqlite(tmp_path)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade(revision="0001_foundation")
        downgrade(revision="base")
        upgrade()
        assert "space" in sa.inspect(db.engine).get_table_names()


@pytest.mark.skipif(ENGINE != "postgresql", reason="COMMUNITY_TEST_DATABASE_URL names no PostgreSQL database")
def test_migrations_match_the_models_on_postgresql(app):
    assert TEST_DATABASE_URL
    assert _diff(app) == []


def test_the_migrations_ship_inside_the_package(app):
    """``flask db upgrade`` on an installed wheel finds them: they live in the package, not beside it."""
    import community

    package = Path(community.__file__).resolve().parent
    directory = Path(app.extensions["migrate"].directory)
    assert directory == package / "migrations"
    assert (directory / "env.py").is_file() and any((directory / "versions").glob("0001_*.py"))
