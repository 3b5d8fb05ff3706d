"""indicators: definitions with profile, trend rule and rates; value flags; action links;
unlocking signed-off quarters; richer frozen statuses

Revision ID: 0002_indicators
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_indicators"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(
            sa.Column("definition_notes", sa.Text(), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("target_profile", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("trend_rule", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("numerator_label", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("denominator_label", sa.String(length=200), nullable=False, server_default="")
        )
        batch.create_check_constraint("rollup", "rollup IN ('sum','last')")
        batch.create_check_constraint(
            "target_kind", "target_kind IN ('none','absolute','percent_change')"
        )
        batch.create_check_constraint(
            "tolerance_kind", "tolerance_kind IN ('none','percent','absolute')"
        )
    with op.batch_alter_table("indicator_value") as batch:
        batch.add_column(
            sa.Column("data_lag", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("baseline_missing", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("numerator", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("denominator", sa.String(length=40), nullable=True))
    with op.batch_alter_table("quarter_signoff") as batch:
        batch.add_column(sa.Column("unlocked_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("unlocked_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("unlock_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("indicator_status") as batch:
        batch.add_column(sa.Column("value", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("explanation", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column(
                "frozen_at",
                sa.DateTime(),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
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
    with op.batch_alter_table("indicator_action") as batch:
        batch.create_index(batch.f("ix_indicator_action_action_id"), ["action_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("indicator_action") as batch:
        batch.drop_index(batch.f("ix_indicator_action_action_id"))
    op.drop_table("indicator_action")
    with op.batch_alter_table("indicator_status") as batch:
        batch.drop_column("frozen_at")
        batch.drop_column("explanation")
        batch.drop_column("value")
    with op.batch_alter_table("quarter_signoff") as batch:
        batch.drop_column("unlock_reason")
        batch.drop_column("unlocked_by")
        batch.drop_column("unlocked_at")
    with op.batch_alter_table("indicator_value") as batch:
        batch.drop_column("denominator")
        batch.drop_column("numerator")
        batch.drop_column("baseline_missing")
        batch.drop_column("data_lag")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_constraint("tolerance_kind", type_="check")
        batch.drop_constraint("target_kind", type_="check")
        batch.drop_constraint("rollup", type_="check")
        batch.drop_column("denominator_label")
        batch.drop_column("numerator_label")
        batch.drop_column("trend_rule")
        batch.drop_column("target_profile")
        batch.drop_column("definition_notes")
