"""Tables of the plan database (SQLAlchemy 2 typed ORM).

Constraints live in the database too (foreign keys, CHECKs, UNIQUE), so a bug in a
service or a hand-edited file cannot store an impossible plan.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RAG_CHECK = "rag IN ('R','A','G','B')"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """A record whose every UPDATE and DELETE says `WHERE version = <the version read>`.

    SQLAlchemy adds the condition and the increment itself (version_id_col), so a write
    that lost a race with another officer's, another window's or an import's matches no
    row and fails instead of overwriting what it never saw.
    """

    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Partnership(Base):
    __tablename__ = "partnership"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    abbreviation: Mapped[str] = mapped_column(String(20), default="")
    area: Mapped[str] = mapped_column(String(200), default="")
    prepared_by: Mapped[str] = mapped_column(String(200), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    # The partnership's profile (schema 0005): blank text means the standard wording.
    contact: Mapped[str] = mapped_column(String(300), default="", server_default="")
    footer: Mapped[str] = mapped_column(String(500), default="", server_default="")
    rag_red: Mapped[str] = mapped_column(String(200), default="", server_default="")
    rag_amber: Mapped[str] = mapped_column(String(200), default="", server_default="")
    rag_green: Mapped[str] = mapped_column(String(200), default="", server_default="")
    rag_blue: Mapped[str] = mapped_column(String(200), default="", server_default="")
    logo_type: Mapped[str] = mapped_column(String(10), default="", server_default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class Partner(Versioned, Base):
    __tablename__ = "partner"
    id: Mapped[int] = mapped_column(primary_key=True)
    abbreviation: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    statutory: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    # Remembered column mapping for this agency's non-template returns (JSON text).
    import_mapping: Mapped[str] = mapped_column(Text, default="")


class Framework(Versioned, Base):
    """An external framework the plan cross-references: PFCC priorities, ECPS strands."""

    __tablename__ = "framework"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    items: Mapped[list[FrameworkItem]] = relationship(
        back_populates="framework", order_by="FrameworkItem.position", cascade="all, delete-orphan"
    )


class FrameworkItem(Versioned, Base):
    __tablename__ = "framework_item"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    framework: Mapped[Framework] = relationship(back_populates="items")


class Plan(Base):
    __tablename__ = "plan"
    __table_args__ = (CheckConstraint("status IN ('draft','live','closed')", name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[str] = mapped_column(String(7), unique=True)  # "2022-23"
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    priorities: Mapped[list[KeyPriority]] = relationship(
        back_populates="plan", order_by="KeyPriority.number", cascade="all, delete-orphan"
    )


class KeyPriority(Versioned, Base):
    """A key priority, or (kind 'other') the plan's section of work outside the key priorities."""

    __tablename__ = "key_priority"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        CheckConstraint("kind IN ('key','other')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="key")
    title: Mapped[str] = mapped_column(Text)
    commitments: Mapped[str] = mapped_column(Text, default="")  # one per line
    evidence: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[Plan] = relationship(back_populates="priorities")
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="priority", order_by="Objective.position", cascade="all, delete-orphan"
    )


class Objective(Versioned, Base):
    __tablename__ = "objective"
    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("key_priority.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    priority: Mapped[KeyPriority] = relationship(back_populates="objectives")
    actions: Mapped[list[Action]] = relationship(
        back_populates="objective", order_by="Action.position", cascade="all, delete-orphan"
    )


class Action(Versioned, Base):
    """A project / initiative of the plan."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("status IN ('active','complete','dropped')", name="status"),
        CheckConstraint(
            "deadline_kind IN ('date','month','ongoing','tbc','unknown')", name="deadline_kind"
        ),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        Index("ix_action_objective", "objective_id", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objective.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(30), default="")
    title: Mapped[str] = mapped_column(Text)
    about: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")  # performance outcome sought
    target_area: Mapped[str] = mapped_column(String(300), default="")
    deadline_kind: Mapped[str] = mapped_column(String(10), default="unknown")
    deadline_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    deadline_text: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="active")
    position: Mapped[int] = mapped_column(default=0)
    # The plan's own notes on the action, and columns of a loaded spreadsheet kept beside it.
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Set when rolled over from last year's plan: history stays with the old action.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL"), nullable=True
    )
    objective: Mapped[Objective] = relationship(back_populates="actions")
    outputs: Mapped[list[ActionOutput]] = relationship(
        order_by="ActionOutput.position", cascade="all, delete-orphan"
    )
    funding: Mapped[list[FundingLine]] = relationship(
        order_by="FundingLine.position", cascade="all, delete-orphan"
    )
    partners: Mapped[list[ActionPartner]] = relationship(
        cascade="all, delete-orphan", order_by="ActionPartner.position"
    )
    framework_items: Mapped[list[ActionFrameworkItem]] = relationship(cascade="all, delete-orphan")
    updates: Mapped[list[QuarterUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan"
    )


class ActionOutput(Base):
    __tablename__ = "action_output"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class FundingLine(Base):
    __tablename__ = "funding_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(300))
    amount_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class ActionPartner(Base):
    """Lead or supporting agency of an action. Deleting a partner that leads work is refused."""

    __tablename__ = "action_partner"
    __table_args__ = (
        UniqueConstraint("action_id", "partner_id"),
        CheckConstraint("role IN ('lead','support')", name="role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(default=0)
    partner: Mapped[Partner] = relationship()


class ActionFrameworkItem(Base):
    __tablename__ = "action_framework_item"
    __table_args__ = (UniqueConstraint("action_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("framework_item.id", ondelete="CASCADE"))
    item: Mapped[FrameworkItem] = relationship()


class ImportBatch(Base):
    """One file read into the database: where updates came from, and re-import detection."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    quarter: Mapped[str] = mapped_column(String(12))
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="return")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(200), default="")
    rows_applied: Mapped[int] = mapped_column(default=0)
    # Schema 0008: the files applied together are undone together. `applied_with` is the
    # first batch of the same Apply; `undone_at` is set while the import stands undone.
    applied_with: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    undone_by: Mapped[str] = mapped_column(String(200), default="", server_default="")


class ImportChange(Base):
    """One update an applied import wrote: the update before and after, and the version the
    import left, so the import can be undone exactly and refused where changed since."""

    __tablename__ = "import_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(String(12))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON; NULL: no update
    after: Mapped[str] = mapped_column(Text, default="")  # JSON
    # The update's version the import (or its redo) left, or the undo left (0: none).
    version_after: Mapped[int] = mapped_column(default=0)
    version_undone: Mapped[int] = mapped_column(default=0)


class QuarterUpdate(Versioned, Base):
    """An action's RAG and progress narrative for one quarter. One per action per quarter."""

    __tablename__ = "quarter_update"
    __table_args__ = (
        UniqueConstraint("action_id", "quarter", name="one_per_quarter"),
        CheckConstraint(RAG_CHECK, name="rag"),
        CheckConstraint("quarter GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-Q[1-4]'", name="quarter"),
        Index("ix_quarter_update_quarter", "quarter", "action_id"),
        # Covers the table's RAG columns: narratives live in the same rows and are
        # megabytes, so reading RAGs from the table itself would read them all.
        Index("ix_quarter_update_rag", "action_id", "quarter", "rag"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"))
    quarter: Mapped[str] = mapped_column(String(12))  # "2022-23-Q2"
    rag: Mapped[str] = mapped_column(String(1))
    narrative: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(200), default="")
    reported_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    rag_illustrative: Mapped[bool] = mapped_column(default=False)
    # Provenance: typed in, or the imported file, sheet and row.
    source: Mapped[str] = mapped_column(String(10), default="typed")
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), nullable=True
    )
    source_sheet: Mapped[str] = mapped_column(String(200), default="")
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Set when an imported update is changed by hand (the import's file and row stay).
    edited_by: Mapped[str] = mapped_column(String(200), default="", server_default=text("''"))
    edited_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    locked: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    action: Mapped[Action] = relationship(back_populates="updates")


class Indicator(Versioned, Base):
    """A performance statistic with its target and tolerance."""

    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint("polarity IN ('higher_better','lower_better','neither')", name="polarity"),
        CheckConstraint("unit IN ('count','percent','rate_per_1000','gbp')", name="unit"),
        CheckConstraint("frequency IN ('monthly','quarterly','annual')", name="frequency"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    definition_notes: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="count")
    polarity: Mapped[str] = mapped_column(String(20), default="neither")
    frequency: Mapped[str] = mapped_column(String(10), default="quarterly")
    rollup: Mapped[str] = mapped_column(String(10), default="sum")  # monthly → quarter: sum | last
    source_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL"), nullable=True
    )
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("key_priority.id", ondelete="SET NULL"), nullable=True
    )
    baseline_value: Mapped[str] = mapped_column(String(40), default="")  # Decimal as text
    baseline_period: Mapped[str] = mapped_column(String(20), default="")
    target_kind: Mapped[str] = mapped_column(String(20), default="none")
    target_value: Mapped[str] = mapped_column(String(40), default="")
    tolerance_kind: Mapped[str] = mapped_column(String(20), default="none")
    tolerance_value: Mapped[str] = mapped_column(String(40), default="")
    # Per-quarter targets as JSON {"1": "120", ...}, same kind as target_value; "" = none.
    target_profile: Mapped[str] = mapped_column(Text, default="")
    # "Red only if beyond tolerance and not improving on the previous quarter".
    trend_rule: Mapped[bool] = mapped_column(default=False)
    # For rates: what the numerator and denominator count (e.g. crimes / residents).
    numerator_label: Mapped[str] = mapped_column(String(200), default="")
    denominator_label: Mapped[str] = mapped_column(String(200), default="")
    source_partner: Mapped[Partner | None] = relationship()
    priority: Mapped[KeyPriority | None] = relationship()
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="IndicatorValue.period"
    )
    action_links: Mapped[list[IndicatorAction]] = relationship(cascade="all, delete-orphan")


class IndicatorAction(Base):
    """An action whose work the indicator measures."""

    __tablename__ = "indicator_action"
    __table_args__ = (UniqueConstraint("indicator_id", "action_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)


class IndicatorValue(Versioned, Base):
    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "period", name="one_per_period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))  # "2022-23-Q2", "2022-23", "2022-23-M05"
    value: Mapped[str | None] = mapped_column(String(40), nullable=True)  # Decimal as text
    comparator: Mapped[str | None] = mapped_column(String(40), nullable=True)
    comparator_label: Mapped[str] = mapped_column(String(100), default="")
    previous_year: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    provisional: Mapped[bool] = mapped_column(default=False)
    data_lag: Mapped[bool] = mapped_column(default=False)
    baseline_missing: Mapped[bool] = mapped_column(default=False)
    numerator: Mapped[str | None] = mapped_column(String(40), nullable=True)
    denominator: Mapped[str | None] = mapped_column(String(40), nullable=True)
    locked: Mapped[bool] = mapped_column(default=False)
    indicator: Mapped[Indicator] = relationship(back_populates="values")


class FundingStream(Versioned, Base):
    __tablename__ = "funding_stream"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    amount_pence: Mapped[int] = mapped_column(Integer)
    year: Mapped[str] = mapped_column(String(7), default="")
    funds: Mapped[str] = mapped_column(Text, default="")


class Acronym(Versioned, Base):
    __tablename__ = "acronym"
    id: Mapped[int] = mapped_column(primary_key=True)
    abbreviation: Mapped[str] = mapped_column(String(30), unique=True)
    meaning: Mapped[str] = mapped_column(String(300))


class Meeting(Base):
    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(300), default="")
    time: Mapped[str] = mapped_column(String(5), default="")  # "18:00"; "" not set
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )


class AgendaItem(Base):
    __tablename__ = "agenda_item"
    __table_args__ = (
        CheckConstraint("kind IN ('item','report','minutes','attachment')", name="kind"),
        CheckConstraint("part IN ('A','B')", name="part"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(String(10), default="")  # "" numbered by position
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12), default="item")
    # For kind 'report': which generated document (quarterly, plan, year-end) and quarter.
    report_kind: Mapped[str] = mapped_column(String(20), default="")
    report_quarter: Mapped[str] = mapped_column(String(12), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    presenter: Mapped[str] = mapped_column(String(200), default="")
    # Part B: exempt information, taken with the public excluded; `exemption` says why.
    part: Mapped[str] = mapped_column(String(1), default="A")
    exemption: Mapped[str] = mapped_column(Text, default="")
    meeting: Mapped[Meeting] = relationship(back_populates="items")
    attachments: Mapped[list[AgendaAttachment]] = relationship(
        order_by="AgendaAttachment.position", cascade="all, delete-orphan"
    )


class AgendaAttachment(Base):
    """A PDF paper of an agenda item (minutes, an officer's report), kept inside the database."""

    __tablename__ = "agenda_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))  # as the agenda lists it
    file_name: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    pages: Mapped[int] = mapped_column(default=0)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Evidence(Base):
    """A file attached to an action or to one of its updates, kept inside the database."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("quarter_update.id", ondelete="CASCADE"), nullable=True
    )
    file_name: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(200), default="")


class QuarterSignoff(Base):
    """A signed-off quarter: its updates and indicator values are locked."""

    __tablename__ = "quarter_signoff"
    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(12), unique=True)
    signed_off_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    signed_off_by: Mapped[str] = mapped_column(String(200), default="")
    # Set while the quarter is open again after sign-off; the reason is also in the audit log.
    unlocked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    unlocked_by: Mapped[str] = mapped_column(String(200), default="")
    unlock_reason: Mapped[str] = mapped_column(Text, default="")


class IndicatorStatus(Base):
    """The computed status of an indicator frozen at sign-off, with the thresholds used."""

    __tablename__ = "indicator_status"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", name="one_per_period"),
        CheckConstraint("rag IS NULL OR " + RAG_CHECK, name="rag"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))
    rag: Mapped[str | None] = mapped_column(String(1), nullable=True)
    rule: Mapped[str] = mapped_column(Text, default="")
    thresholds: Mapped[str] = mapped_column(Text, default="")  # JSON
    value: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the value judged
    explanation: Mapped[str] = mapped_column(Text, default="")
    frozen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """Every change to the plan: who, when, what, old → new."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id"),
        Index("ix_audit_version", "entity", "entity_id", "version"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(200), default="")
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    operation: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    field: Mapped[str] = mapped_column(String(100), default="")
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The version of its record this change produced (versioned records and their parts).
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Setting(Base):
    """Key/value settings that belong to the database file rather than the machine."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ReportText(Base):
    """One section of a committee report as the officer wrote it, kept per meeting and quarter
    so the next report can start from it."""

    __tablename__ = "report_text"
    __table_args__ = (
        UniqueConstraint("meeting_id", "quarter", "section", name="uq_report_text_section"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    quarter: Mapped[str] = mapped_column(String(12))
    section: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
