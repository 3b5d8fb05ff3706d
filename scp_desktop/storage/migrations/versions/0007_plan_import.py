"""plan_import: notes on an action, where a plan spreadsheet's notes and other columns are kept

Revision ID: 0007_plan_import
Revises: 0003_tableperf
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_plan_import"
down_revision = "0006_meetings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.drop_column("notes")
