"""villages: the posts' full-text index is read without a pending list (PostgreSQL)

A GIN index with ``fastupdate`` (PostgreSQL's default) queues new entries in a pending list that
every search reads in full, until VACUUM or autovacuum merges it: after the benchmark's bulk load
433 pages (3.4 MB), 2.4 ms on every search even for a word no post has, and a GIN index the planner
prices too dearly. Posts are written one at a time and searched far more often, so entries go into
the index when a post is written; the list left from before is merged now. SQLite (FTS5) has no such
list: nothing to do there.

Revision ID: 0016_search_speed
Revises: 0015_more_follows
Create Date: 2026-12-06 21:00:00
"""

from alembic import op

revision = "0016_search_speed"
down_revision = "0015_more_follows"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_post_search_vector SET (fastupdate = off)")
        op.execute("SELECT gin_clean_pending_list('ix_post_search_vector'::regclass)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_post_search_vector RESET (fastupdate)")
