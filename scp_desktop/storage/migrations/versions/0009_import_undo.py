"""import_undo: what each applied import changed, so it can be undone as one step

Revision ID: 0009_import_undo (follows the revision named in `down_revision`)

`import_batch` gains its columns in place: rebuilding it would set every update's
`import_batch_id` to NULL (the key says ON DELETE SET NULL and foreign keys are on).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_import_undo"
down_revision = "0008_report_texts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_batch", recreate="never") as batch:
        batch.add_column(sa.Column("applied_with", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("undone_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("undone_by", sa.String(length=200), nullable=False, server_default="")
        )
    op.create_index("ix_import_batch_applied_with", "import_batch", ["applied_with"])
    op.create_table(
        "import_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey("import_batch.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "action_id",
            sa.Integer(),
            sa.ForeignKey("action.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("quarter", sa.String(length=12), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("version_after", sa.Integer(), nullable=False),
        sa.Column("version_undone", sa.Integer(), nullable=False),
    )
    op.create_index("ix_import_change_batch_id", "import_change", ["batch_id"])
    op.create_index("ix_import_change_action_id", "import_change", ["action_id"])


def downgrade() -> None:
    op.drop_index("ix_import_change_action_id", "import_change")
    op.drop_index("ix_import_change_batch_id", "import_change")
    op.drop_table("import_change")
    op.drop_index("ix_import_batch_applied_with", "import_batch")
    with op.batch_alter_table("import_batch", recreate="never") as batch:
        batch.drop_column("undone_by")
        batch.drop_column("undone_at")
        batch.drop_column("applied_with")
