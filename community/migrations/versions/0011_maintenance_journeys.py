"""maintenance: the contractor's crew, fixtures' exceptions, conflict notices, service levels,
anonymous fault reports

- contractor_crew: who acts for a contractor network (membership alone only reads along);
- fixture.exdates and fixture.skip_holidays: dates a recurring fixture skips (EXDATE) and Danish
  public holidays;
- change_request.occurrence_at: the one occurrence of a recurring fixture a request is about;
- clash_notice: the conflicts both sides were told about, so a re-import never tells them again;
- agreement.interval_days and agreement.max_height_mm, visit.height_mm: the service level as data;
- fault_report.reporter_name/_email/_phone and follow_token_hash: reports without an account, followed
  by a private link whose token is stored hashed.

Revision ID: 0011_maintenance_journeys
Revises: 0010_text_size
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_maintenance_journeys"
down_revision = "0010_text_size"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contractor_crew",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["user.id"], name=op.f("fk_contractor_crew_granted_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_contractor_crew_space_id_space"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_contractor_crew_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor_crew")),
        sa.UniqueConstraint("space_id", "user_id", name="uq_contractor_crew_space_user"),
    )
    with op.batch_alter_table("contractor_crew", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contractor_crew_granted_by_id"), ["granted_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contractor_crew_space_id"), ["space_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contractor_crew_user_id"), ["user_id"], unique=False)

    op.create_table(
        "clash_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("fixture_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fixture_id"], ["fixture.id"], name=op.f("fk_clash_notice_fixture_id_fixture"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit.id"], name=op.f("fk_clash_notice_visit_id_visit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clash_notice")),
        sa.UniqueConstraint("key", name=op.f("uq_clash_notice_key")),
    )
    with op.batch_alter_table("clash_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clash_notice_fixture_id"), ["fixture_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_clash_notice_visit_id"), ["visit_id"], unique=False)

    with op.batch_alter_table("fixture", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exdates", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("skip_holidays", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("change_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurrence_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_height_mm", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("interval_days", sa.Integer(), nullable=True))

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("height_mm", sa.Integer(), nullable=True))

    with op.batch_alter_table("fault_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reporter_name", sa.String(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reporter_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("reporter_phone", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("follow_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_fault_report_follow_token_hash"), ["follow_token_hash"]
        )


def downgrade():
    with op.batch_alter_table("fault_report", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_fault_report_follow_token_hash"), type_="unique")
        batch_op.drop_column("follow_token_hash")
        batch_op.drop_column("reporter_phone")
        batch_op.drop_column("reporter_email")
        batch_op.drop_column("reporter_name")

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("height_mm")

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_column("interval_days")
        batch_op.drop_column("max_height_mm")

    with op.batch_alter_table("change_request", schema=None) as batch_op:
        batch_op.drop_column("occurrence_at")

    with op.batch_alter_table("fixture", schema=None) as batch_op:
        batch_op.drop_column("skip_holidays")
        batch_op.drop_column("exdates")

    with op.batch_alter_table("clash_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clash_notice_visit_id"))
        batch_op.drop_index(batch_op.f("ix_clash_notice_fixture_id"))
    op.drop_table("clash_notice")

    with op.batch_alter_table("contractor_crew", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractor_crew_user_id"))
        batch_op.drop_index(batch_op.f("ix_contractor_crew_space_id"))
        batch_op.drop_index(batch_op.f("ix_contractor_crew_granted_by_id"))
    op.drop_table("contractor_crew")
