"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 23:54:50.616649
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _status_one_per_period() -> str:
    return "one_per_period" if op.get_bind().dialect.name == "sqlite" else "status_one_per_period"


def _quarter_check() -> str:
    if op.get_bind().dialect.name == "sqlite":
        return "quarter GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-Q[1-4]'"
    return "quarter ~ '^[0-9]{4}-[0-9]{2}-Q[1-4]$'"  # PostgreSQL has no GLOB


def upgrade() -> None:
    op.create_table(
        "acronym",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("abbreviation", sa.String(length=30), nullable=False),
        sa.Column("meaning", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acronym")),
        sa.UniqueConstraint("abbreviation", name=op.f("uq_acronym_abbreviation")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("operation", sa.String(length=10), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_action_id"), ["action_id"], unique=False)

    op.create_table(
        "framework",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework")),
        sa.UniqueConstraint("code", name=op.f("uq_framework_code")),
    )
    op.create_table(
        "funding_stream",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("funds", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_stream")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("abbreviation", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("statutory", sa.Boolean(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=200), nullable=False),
        sa.Column("import_mapping", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("abbreviation", name=op.f("uq_partner_abbreviation")),
    )
    op.create_table(
        "partnership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("abbreviation", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("prepared_by", sa.String(length=200), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint("status IN ('draft','live','closed')", name=op.f("ck_plan_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        sa.UniqueConstraint("year", name=op.f("uq_plan_year")),
    )
    op.create_table(
        "quarter_signoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=12), nullable=False),
        sa.Column("signed_off_at", sa.DateTime(), nullable=False),
        sa.Column("signed_off_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarter_signoff")),
        sa.UniqueConstraint("quarter", name=op.f("uq_quarter_signoff_quarter")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=10), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("report_kind", sa.String(length=20), nullable=False),
        sa.Column("report_quarter", sa.String(length=12), nullable=False),
        sa.Column("attachment_name", sa.String(length=300), nullable=False),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('item','report','minutes','attachment')", name=op.f("ck_agenda_item_kind")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_agenda_item_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    op.create_table(
        "framework_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["framework.id"],
            name=op.f("fk_framework_item_framework_id_framework"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_item")),
        sa.UniqueConstraint("framework_id", "code", name=op.f("uq_framework_item_framework_id")),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("quarter", sa.String(length=12), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("rows_applied", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_import_batch_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batch_content_hash"), ["content_hash"], unique=False
        )

    op.create_table(
        "key_priority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("commitments", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('key','other')", name=op.f("ck_key_priority_kind")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_key_priority_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_priority")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_key_priority_plan_id")),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("polarity", sa.String(length=20), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("rollup", sa.String(length=10), nullable=False),
        sa.Column("source_partner_id", sa.Integer(), nullable=True),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("baseline_value", sa.String(length=40), nullable=False),
        sa.Column("baseline_period", sa.String(length=20), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_value", sa.String(length=40), nullable=False),
        sa.Column("tolerance_kind", sa.String(length=20), nullable=False),
        sa.Column("tolerance_value", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('monthly','quarterly','annual')", name=op.f("ck_indicator_frequency")
        ),
        sa.CheckConstraint(
            "polarity IN ('higher_better','lower_better','neither')",
            name=op.f("ck_indicator_polarity"),
        ),
        sa.CheckConstraint(
            "unit IN ('count','percent','rate_per_1000','gbp')", name=op.f("ck_indicator_unit")
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["key_priority.id"],
            name=op.f("fk_indicator_priority_id_key_priority"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_partner_id"],
            ["partner.id"],
            name=op.f("fk_indicator_source_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
    )
    op.create_table(
        "objective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["key_priority.id"],
            name=op.f("fk_objective_priority_id_key_priority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective")),
    )
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=30), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("target_area", sa.String(length=300), nullable=False),
        sa.Column("deadline_kind", sa.String(length=10), nullable=False),
        sa.Column("deadline_date", sa.Date(), nullable=True),
        sa.Column("deadline_text", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "deadline_kind IN ('date','month','ongoing','tbc','unknown')",
            name=op.f("ck_action_deadline_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('active','complete','dropped')", name=op.f("ck_action_status")
        ),
        sa.CheckConstraint("length(trim(title)) > 0", name=op.f("ck_action_title_not_blank")),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["action.id"],
            name=op.f("fk_action_carried_from_id_action"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objective.id"],
            name=op.f("fk_action_objective_id_objective"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index("ix_action_objective", ["objective_id", "position"], unique=False)

    op.create_table(
        "indicator_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("rag", sa.String(length=1), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("thresholds", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "rag IS NULL OR rag IN ('R','A','G','B')", name=op.f("ck_indicator_status_rag")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_status_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_status")),
        # PostgreSQL names constraints per schema, not per table: a second name there.
        sa.UniqueConstraint("indicator_id", "period", name=_status_one_per_period()),
    )
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=True),
        sa.Column("comparator", sa.String(length=40), nullable=True),
        sa.Column("comparator_label", sa.String(length=100), nullable=False),
        sa.Column("previous_year", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_value_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
        sa.UniqueConstraint("indicator_id", "period", name="one_per_period"),
    )
    op.create_table(
        "action_framework_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_framework_item_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["framework_item.id"],
            name=op.f("fk_action_framework_item_item_id_framework_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_framework_item")),
        sa.UniqueConstraint(
            "action_id", "item_id", name=op.f("uq_action_framework_item_action_id")
        ),
    )
    with op.batch_alter_table("action_framework_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_framework_item_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "action_output",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_output_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_output")),
    )
    with op.batch_alter_table("action_output", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_output_action_id"), ["action_id"], unique=False)

    op.create_table(
        "action_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("role IN ('lead','support')", name=op.f("ck_action_partner_role")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_partner_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_action_partner_partner_id_partner"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_partner")),
        sa.UniqueConstraint("action_id", "partner_id", name=op.f("uq_action_partner_action_id")),
    )
    with op.batch_alter_table("action_partner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_partner_action_id"), ["action_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_partner_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "funding_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_funding_line_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_line")),
    )
    with op.batch_alter_table("funding_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funding_line_action_id"), ["action_id"], unique=False)

    op.create_table(
        "quarter_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=12), nullable=False),
        sa.Column("rag", sa.String(length=1), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("rag_illustrative", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("source_sheet", sa.String(length=200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(_quarter_check(), name=op.f("ck_quarter_update_quarter")),
        sa.CheckConstraint("rag IN ('R','A','G','B')", name=op.f("ck_quarter_update_rag")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_quarter_update_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
            name=op.f("fk_quarter_update_import_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarter_update")),
        sa.UniqueConstraint("action_id", "quarter", name="one_per_quarter"),
    )
    with op.batch_alter_table("quarter_update", schema=None) as batch_op:
        batch_op.create_index("ix_quarter_update_quarter", ["quarter", "action_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_evidence_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["quarter_update.id"],
            name=op.f("fk_evidence_update_id_quarter_update"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_action_id"), ["action_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_action_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("quarter_update", schema=None) as batch_op:
        batch_op.drop_index("ix_quarter_update_quarter")

    op.drop_table("quarter_update")
    with op.batch_alter_table("funding_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_line_action_id"))

    op.drop_table("funding_line")
    with op.batch_alter_table("action_partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_partner_partner_id"))
        batch_op.drop_index(batch_op.f("ix_action_partner_action_id"))

    op.drop_table("action_partner")
    with op.batch_alter_table("action_output", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_output_action_id"))

    op.drop_table("action_output")
    with op.batch_alter_table("action_framework_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_framework_item_action_id"))

    op.drop_table("action_framework_item")
    op.drop_table("indicator_value")
    op.drop_table("indicator_status")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_objective")

    op.drop_table("action")
    op.drop_table("objective")
    op.drop_table("indicator")
    op.drop_table("key_priority")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_content_hash"))

    op.drop_table("import_batch")
    op.drop_table("framework_item")
    op.drop_table("agenda_item")
    op.drop_table("setting")
    op.drop_table("quarter_signoff")
    op.drop_table("plan")
    op.drop_table("partnership")
    op.drop_table("partner")
    op.drop_table("meeting")
    op.drop_table("funding_stream")
    op.drop_table("framework")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_action_id"))
        batch_op.drop_index("ix_audit_entity")

    op.drop_table("audit_log")
    op.drop_table("acronym")
