"""versions: a version number on every record officers edit, checked by every write

Revision ID: 0004_versions
Revises: 0003_tableperf

Batch mode with recreate="never": only ALTER TABLE ADD / DROP COLUMN, never a table rebuild.
The migration runs with foreign keys on, and rebuilding `action` or `indicator` would drop
it and so cascade-delete every update, link and value hanging off it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_versions"
down_revision = "0003_tableperf"
branch_labels = None
depends_on = None

# The records two officers (or an officer and an import) can both change.
VERSIONED = (
    "action",
    "quarter_update",
    "indicator",
    "indicator_value",
    "partner",
    "framework",
    "framework_item",
    "funding_stream",
    "acronym",
    "key_priority",
    "objective",
)


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
            )
    # An imported update changed by hand says so, keeping where it was imported from.
    with op.batch_alter_table("quarter_update", recreate="never") as batch:
        batch.add_column(
            sa.Column("edited_by", sa.String(200), nullable=False, server_default=sa.text("''"))
        )
        batch.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))
    # Which version of its record an audit entry produced: what changed since a version read.
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=True))
    op.create_index("ix_audit_version", "audit_log", ["entity", "entity_id", "version"])


def downgrade() -> None:
    op.drop_index("ix_audit_version", table_name="audit_log")
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("quarter_update", recreate="never") as batch:
        batch.drop_column("edited_at")
        batch.drop_column("edited_by")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.drop_column("version")
