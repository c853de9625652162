"""more follows: fault reports and the help alert's area around home are followed like anything else
(levels, digests, one-click unsubscribe); a fault's follower count is counted rather than stored

Revision ID: 0015_more_follows
Revises: 0014_following
Create Date: 2026-12-06 18:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0015_more_follows"
down_revision = "0014_following"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "INSERT INTO follow (user_id, target, target_id, level, created_at) "
        "SELECT user_id, 'fault', report_id, 'everything', created_at FROM fault_follower "
        "WHERE NOT EXISTS (SELECT 1 FROM follow f WHERE f.user_id = fault_follower.user_id"
        " AND f.target = 'fault' AND f.target_id = fault_follower.report_id)"
    )
    with op.batch_alter_table("fault_follower") as batch:
        batch.drop_index("ix_fault_follower_user_id")
    op.drop_table("fault_follower")
    op.execute(
        "INSERT INTO follow (user_id, target, target_id, level, created_at) "
        "SELECT user_id, 'area', id, 'everything', created_at FROM help_alert"
    )
    with op.batch_alter_table("fault_report") as batch:
        batch.drop_column("follower_count")


def downgrade():
    with op.batch_alter_table("fault_report") as batch:
        batch.add_column(sa.Column("follower_count", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "fault_follower",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["fault_report.id"],
            name=op.f("fk_fault_follower_report_id_fault_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_fault_follower_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "user_id", name=op.f("pk_fault_follower")),
    )
    with op.batch_alter_table("fault_follower") as batch:
        batch.create_index("ix_fault_follower_user_id", ["user_id"], unique=False)
    op.execute(
        "INSERT INTO fault_follower (report_id, user_id, created_at) "
        "SELECT target_id, user_id, created_at FROM follow WHERE target = 'fault' AND level <> 'muted'"
    )
    op.execute(
        "UPDATE fault_report SET follower_count = (SELECT count(*) FROM fault_follower"
        " WHERE fault_follower.report_id = fault_report.id)"
    )
    op.execute("DELETE FROM help_alert WHERE NOT EXISTS (SELECT 1 FROM follow WHERE target = 'area'"
               " AND target_id = help_alert.id AND level <> 'muted')")
    op.execute("DELETE FROM follow WHERE target IN ('fault', 'area')")
