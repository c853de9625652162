"""maintenance: steps in a request's thread and a cancelled visit's reason stored as a kind and its
parameters, worded in the reader's language when shown (as a conversation's system messages are)

"Proposed time: …", "The proposed time suits us." and "Replaced by the visit at … agreed with …" were
stored as text in the language of whoever clicked. Rows written before keep their text (no kind).

Revision ID: 0017_system_text_kinds
Revises: 0016_search_speed
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_system_text_kinds"
down_revision = "0016_search_speed"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("request_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason_kind", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("reason_params", sa.JSON(), nullable=True))


def downgrade():
    # What was stored as a kind is written out as text again, in Danish (the default language), so that
    # no step reads as an empty message and no cancelled visit loses its reason.
    op.execute(
        "UPDATE request_message SET body = CASE kind "
        "WHEN 'maintenance.proposal_accepted' THEN 'Det foreslåede tidspunkt passer os.' "
        "WHEN 'maintenance.proposed' THEN 'Et andet tidspunkt er foreslået.' || "
        "CASE WHEN body <> '' THEN ' ' || body ELSE '' END "
        "ELSE body END WHERE kind IS NOT NULL"
    )
    op.execute(
        "UPDATE visit SET reason = 'Erstattet af et besøg aftalt med klubben.' WHERE reason_kind IS NOT NULL"
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("reason_params")
        batch_op.drop_column("reason_kind")

    with op.batch_alter_table("request_message", schema=None) as batch_op:
        batch_op.drop_column("params")
        batch_op.drop_column("kind")
