"""spaces: record which space an uploaded file belongs to

Uploaded pictures of a members-only space were served to anyone with the URL and cached publicly for a
year. ``media_file`` says which space a stored file belongs to, so ``/media/<name>`` can check. The
pictures of posts and the logos and header images of spaces uploaded so far are recorded here; other
files (guides, photos of fault reports and visits) stay public as they were.

Revision ID: 0007_media_file
Revises: 0006_helpdesk_threads
Create Date: 2026-12-06 04:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_media_file"
down_revision = "0006_helpdesk_threads"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_media_file_space_id_space"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_file")),
    )
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_file_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_file_space_id"), ["space_id"], unique=False)
    for column in ("filename", "thumbnail"):
        op.execute(
            f"INSERT INTO media_file (name, space_id) SELECT DISTINCT post_image.{column}, post.space_id "
            "FROM post_image JOIN post ON post.id = post_image.post_id"
        )
    for column in ("logo", "header_image"):
        op.execute(
            f"INSERT INTO media_file (name, space_id) SELECT {column}, id FROM space WHERE {column} IS NOT NULL"
        )


def downgrade():
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_file_space_id"))
        batch_op.drop_index(batch_op.f("ix_media_file_name"))
    op.drop_table("media_file")
