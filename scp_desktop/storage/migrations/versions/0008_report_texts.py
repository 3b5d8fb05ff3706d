"""report_texts: the officer's own sections of a committee report, per meeting and quarter

Revision ID: 0008_report_texts (follows the revision named in `down_revision`)

A new table only: nothing existing is rebuilt, so no rows elsewhere are touched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_report_texts"
down_revision = "0007_plan_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=12), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name="fk_report_text_meeting_id_meeting",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_report_text"),
        sa.UniqueConstraint("meeting_id", "quarter", "section", name="uq_report_text_section"),
    )
    with op.batch_alter_table("report_text") as batch:
        batch.create_index("ix_report_text_meeting_id", ["meeting_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_text") as batch:
        batch.drop_index("ix_report_text_meeting_id")
    op.drop_table("report_text")
