"""following: what people follow (at a level and a frequency), their notification defaults, and the
grouping and digest columns of a notification

Revision ID: 0014_following
Revises: 0013_api
Create Date: 2026-12-06 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0014_following"
down_revision = "0013_api"
branch_labels = None
depends_on = None


def _enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=32)


def upgrade():
    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("level", _enum("everything", "replies", "muted", name="level"), nullable=False),
        sa.Column("frequency", _enum("instant", "daily", "weekly", "app", name="frequency"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_follow_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow")),
        sa.UniqueConstraint("user_id", "target", "target_id", name=op.f("uq_follow_user_id")),
    )
    op.create_index("ix_follow_target", "follow", ["target", "target_id"], unique=False)
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("frequency", _enum("instant", "daily", "weekly", "app", name="frequency"), nullable=False),
        sa.Column("digest_hour", sa.SmallInteger(), nullable=False),
        sa.Column("auto_follow", sa.Boolean(), nullable=False),
        sa.Column("bouncing_since", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_settings_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("item", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("digest", sa.String(length=10), nullable=True))
        batch.create_index("ix_notification_digest_user", ["digest", "user_id"], unique=False)
    # Who wrote a post or a comment, answered an event, or submitted, supported or commented on an idea
    # follows it, as they will from now on.
    op.execute(
        "INSERT INTO follow (user_id, target, target_id, level, created_at) "
        "SELECT DISTINCT user_id, 'post', post_id, 'everything', CURRENT_TIMESTAMP FROM ("
        " SELECT author_id AS user_id, id AS post_id FROM post WHERE author_id IS NOT NULL"
        " UNION SELECT author_id, post_id FROM comment WHERE author_id IS NOT NULL"
        " UNION SELECT user_id, post_id FROM event_rsvp) AS took_part"
    )
    op.execute(
        "INSERT INTO follow (user_id, target, target_id, level, created_at) "
        "SELECT DISTINCT user_id, 'idea', idea_id, 'everything', CURRENT_TIMESTAMP FROM ("
        " SELECT created_by_id AS user_id, id AS idea_id FROM idea WHERE created_by_id IS NOT NULL"
        " UNION SELECT user_id, idea_id FROM idea_support"
        " UNION SELECT author_id, idea_id FROM idea_comment WHERE author_id IS NOT NULL) AS took_part"
    )


def downgrade():
    with op.batch_alter_table("notification") as batch:
        batch.drop_index("ix_notification_digest_user")
        batch.drop_column("digest")
        batch.drop_column("item")
    op.drop_table("notification_settings")
    op.drop_index("ix_follow_target", table_name="follow")
    op.drop_table("follow")
