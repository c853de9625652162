"""engagement: the moderation columns on what citizens write there

Ideas, idea comments, Q&A questions, citizen-meeting comments, consultation sites (citizens propose
them) and site comments carry moderation's columns (``ModeratableMixin``), so they can be reported,
hidden and held like posts and comments.

Revision ID: 0012_engagement_moderation
Revises: 0011_maintenance_journeys
Create Date: 2026-11-26 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_engagement_moderation"
down_revision = "0011_maintenance_journeys"
branch_labels = None
depends_on = None

TABLES = ("qa_question", "meeting_comment", "consultation_site", "site_comment", "idea", "idea_comment")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "moderation_state",
                    sa.Enum("visible", "held", "hidden", name="moderationstate", native_enum=False, length=32),
                    server_default="visible",
                    nullable=False,
                )
            )
            batch_op.add_column(sa.Column("moderation_reason", sa.String(length=500), nullable=True))
            batch_op.add_column(sa.Column("moderated_by_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("moderated_at", sa.DateTime(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_moderated_by_id"), ["moderated_by_id"], unique=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_moderation_state"), ["moderation_state"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_moderated_by_id_user"),
                "user",
                ["moderated_by_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_moderated_by_id_user"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_moderation_state"))
            batch_op.drop_index(batch_op.f(f"ix_{table}_moderated_by_id"))
            batch_op.drop_column("moderated_at")
            batch_op.drop_column("moderated_by_id")
            batch_op.drop_column("moderation_reason")
            batch_op.drop_column("moderation_state")
