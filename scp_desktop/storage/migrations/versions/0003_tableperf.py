"""tableperf: covering index so the action table reads RAGs without the narratives

Revision ID: 0003_tableperf
Revises: 0002_indicators
"""

from __future__ import annotations

from alembic import op

revision = "0003_tableperf"
down_revision = "0002_indicators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_quarter_update_rag", "quarter_update", ["action_id", "quarter", "rag"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_quarter_update_rag", table_name="quarter_update")
