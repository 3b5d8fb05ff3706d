"""indicators: definitions with profile, trend rule and rates; value flags; action links;
unlocking signed-off quarters; richer frozen statuses

Revision ID: 0002_indicators
Revises: 0001

Only ADD COLUMN here, never a table rebuild: the migration runs with foreign keys on, and
rebuilding `indicator` would drop it and so cascade-delete every value and frozen status.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_indicators"
down_revision = "0001"
branch_labels = None
depends_on = None

_EMPTY = sa.text("''")
_FALSE = sa.false()  # "0" in a SQLite file, "false" on PostgreSQL


def upgrade() -> None:
    op.add_column(
        "indicator", sa.Column("definition_notes", sa.Text(), nullable=False, server_default=_EMPTY)
    )
    op.add_column(
        "indicator", sa.Column("target_profile", sa.Text(), nullable=False, server_default=_EMPTY)
    )
    op.add_column(
        "indicator", sa.Column("trend_rule", sa.Boolean(), nullable=False, server_default=_FALSE)
    )
    op.add_column(
        "indicator",
        sa.Column("numerator_label", sa.String(length=200), nullable=False, server_default=_EMPTY),
    )
    op.add_column(
        "indicator",
        sa.Column(
            "denominator_label", sa.String(length=200), nullable=False, server_default=_EMPTY
        ),
    )
    op.add_column(
        "indicator_value",
        sa.Column("data_lag", sa.Boolean(), nullable=False, server_default=_FALSE),
    )
    op.add_column(
        "indicator_value",
        sa.Column("baseline_missing", sa.Boolean(), nullable=False, server_default=_FALSE),
    )
    op.add_column("indicator_value", sa.Column("numerator", sa.String(length=40), nullable=True))
    op.add_column("indicator_value", sa.Column("denominator", sa.String(length=40), nullable=True))
    op.add_column("quarter_signoff", sa.Column("unlocked_at", sa.DateTime(), nullable=True))
    op.add_column(
        "quarter_signoff",
        sa.Column("unlocked_by", sa.String(length=200), nullable=False, server_default=_EMPTY),
    )
    op.add_column(
        "quarter_signoff",
        sa.Column("unlock_reason", sa.Text(), nullable=False, server_default=_EMPTY),
    )
    op.add_column("indicator_status", sa.Column("value", sa.String(length=40), nullable=True))
    op.add_column(
        "indicator_status",
        sa.Column("explanation", sa.Text(), nullable=False, server_default=_EMPTY),
    )
    # SQLite's ADD COLUMN needs a constant default; statuses frozen before this version
    # then take the time their quarter was signed off.
    op.add_column(
        "indicator_status",
        sa.Column(
            "frozen_at",
            sa.DateTime(),
            nullable=False,
            server_default=sa.text("'2000-01-01 00:00:00'"),
        ),
    )
    op.execute(
        "UPDATE indicator_status SET frozen_at = COALESCE("
        "(SELECT signed_off_at FROM quarter_signoff q WHERE q.quarter = indicator_status.period"
        " OR q.quarter = indicator_status.period || '-Q4'), frozen_at)"
    )
    op.create_table(
        "indicator_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_indicator_action_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_action_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_action")),
        sa.UniqueConstraint(
            "indicator_id", "action_id", name=op.f("uq_indicator_action_indicator_id")
        ),
    )
    op.create_index(
        op.f("ix_indicator_action_action_id"), "indicator_action", ["action_id"], unique=False
    )


def downgrade() -> None:
    # SQLite (3.35+) drops plain columns in place, so no table is rebuilt here either.
    op.drop_index(op.f("ix_indicator_action_action_id"), table_name="indicator_action")
    op.drop_table("indicator_action")
    for table, columns in (
        ("indicator_status", ("frozen_at", "explanation", "value")),
        ("quarter_signoff", ("unlock_reason", "unlocked_by", "unlocked_at")),
        ("indicator_value", ("denominator", "numerator", "baseline_missing", "data_lag")),
        (
            "indicator",
            (
                "denominator_label",
                "numerator_label",
                "trend_rule",
                "target_profile",
                "definition_notes",
            ),
        ),
    ):
        for column in columns:
            op.drop_column(table, column)
