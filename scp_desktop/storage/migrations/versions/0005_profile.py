"""profile: the partnership's own contact, logo, RAG wording and document footer

Revision ID: 0005_profile
Revises: 0003_tableperf
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_profile"
# The revision this one follows is named here only; nothing below depends on it.
down_revision = "0004_versions"
branch_labels = None
depends_on = None

# Columns added to "partnership"; blank text means the standard wording.
_TEXT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("contact", 300),
    ("footer", 500),
    ("rag_red", 200),
    ("rag_amber", 200),
    ("rag_green", 200),
    ("rag_blue", 200),
    ("logo_type", 10),
)


def upgrade() -> None:
    # Batch mode: SQLite alters a table by copying it, which Alembic does for us.
    with op.batch_alter_table("partnership") as batch:
        for name, length in _TEXT_COLUMNS:
            batch.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("partnership") as batch:
        batch.drop_column("logo")
        for name, _length in reversed(_TEXT_COLUMNS):
            batch.drop_column(name)
