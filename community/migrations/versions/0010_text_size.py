"""accounts: a person's text size ("larger text" in the header and on the profile)

Revision ID: 0010_text_size
Revises: 0009_engagement
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_text_size"
down_revision = "0009_engagement"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_size", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("text_size")
