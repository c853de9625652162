"""The schema is built only by Alembic, and the migrations match the models, on SQLite and PostgreSQL."""

from __future__ import annotations

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


def _fill(conn, table: str, **values):
    """Inserts a row into ``table`` as it is at the current revision, filling the required columns the
    test does not care about; returns its id."""
    from datetime import datetime

    reflected = sa.Table(table, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = column.type
        if isinstance(kind, sa.Enum) and kind.enums:
            row[column.name] = kind.enums[0]
        elif isinstance(kind, sa.Boolean):
            row[column.name] = False
        elif isinstance(kind, sa.DateTime):
            row[column.name] = datetime(2026, 1, 1, 12)
        elif isinstance(kind, sa.Integer):
            row[column.name] = 0
        elif isinstance(kind, sa.Float | sa.Numeric):
            row[column.name] = 56.0
        elif isinstance(kind, sa.JSON):
            row[column.name] = []
        else:
            row[column.name] = f"{table}-{column.name}"[: getattr(kind, "length", None) or 40]
    return conn.execute(reflected.insert().values(**row).returning(reflected.c.id)).scalar_one()


def _conversation_moves(app) -> None:
    """At 0005 a conversation pointed at its post; after the upgrade it is about ("villages.post", id),
    its members and messages unchanged; and back again on a downgrade."""
    with app.app_context():
        downgrade(revision="0005_post_pinned_index")
        with db.engine.begin() as conn:
            town = _fill(conn, "municipality")
            space = _fill(conn, "space", municipality_id=town)
            author = _fill(conn, "user", email="a@example.org", session_token="a")
            helper = _fill(conn, "user", email="h@example.org", session_token="h")
            post = _fill(conn, "post", space_id=space, author_id=author, title="Kørsel")
            talk = _fill(conn, "conversation", post_id=post, starter_id=helper)
            conn.execute(
                sa.text(
                    "INSERT INTO conversation_member (conversation_id, user_id) VALUES (:c, :u), (:c, :v)"
                ),
                {"c": talk, "u": author, "v": helper},
            )
            _fill(conn, "message", conversation_id=talk, sender_id=helper, body="Jeg kan.")
        try:
            upgrade()
            with db.engine.connect() as conn:
                moved = conn.execute(
                    sa.text("SELECT subject_kind, subject_id, starter_id FROM conversation WHERE id = :c"),
                    {"c": talk},
                ).one()
                assert tuple(moved) == ("villages.post", post, helper)
                body = conn.execute(
                    sa.text("SELECT body, kind FROM message WHERE conversation_id = :c"), {"c": talk}
                )
                assert [tuple(r) for r in body] == [("Jeg kan.", None)]
            downgrade(revision="0005_post_pinned_index")
            with db.engine.connect() as conn:
                back = conn.execute(sa.text("SELECT post_id FROM conversation WHERE id = :c"), {"c": talk})
                assert back.scalar_one() == post
        finally:
            with db.engine.begin() as conn:
                for table in ("message", "conversation_member", "conversation", "post", "space", "user"):
                    conn.execute(sa.text(f'DELETE FROM "{table}"'))
                conn.execute(sa.text("DELETE FROM municipality"))
            upgrade()


def test_conversations_keep_their_post_across_the_move_on_sqlite(tmp_path):
    app = _fresh_sqlite(tmp_path)
    with app.app_context():
        upgrade()
    _conversation_moves(app)


@pytest.mark.skipif(ENGINE != "postgresql", reason="COMMUNITY_TEST_DATABASE_URL names no PostgreSQL database")
def test_conversations_keep_their_post_across_the_move_on_postgresql(app):
    _conversation_moves(app)
    assert _diff(app) == []
