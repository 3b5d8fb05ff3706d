"""Integrity check of a plan database: SQLite's own check, foreign keys, and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from scp_desktop.storage.database import Database, head_revision
from scp_desktop.storage.models import Action, KeyPriority, Objective, Partner, Plan, QuarterUpdate


@dataclass
class CheckReport:
    path: str
    schema_revision: str | None
    head_revision: str
    integrity: str
    foreign_key_problems: int
    plans: int
    priorities: int
    other_sections: int
    objectives: int
    actions: int
    updates: int
    partners: int
    plan_years: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and self.foreign_key_problems == 0
            and self.schema_revision == self.head_revision
        )

    def lines(self) -> list[str]:
        return [
            f"Database: {self.path}",
            f"Schema version: {self.schema_revision} (current {self.head_revision})",
            f"Integrity: {self.integrity}; foreign-key problems: {self.foreign_key_problems}",
            f"Plans: {self.plans} ({', '.join(self.plan_years) or 'none'})",
            f"Key priorities: {self.priorities}"
            + (
                f" (+{self.other_sections} section outside the key priorities)"
                if self.other_sections
                else ""
            ),
            f"Objectives: {self.objectives}",
            f"Actions: {self.actions}",
            f"Quarterly updates: {self.updates}",
            f"Partner agencies: {self.partners}",
            "Result: OK" if self.ok else "Result: PROBLEMS FOUND",
        ]


def check_database(db: Database) -> CheckReport:
    with db.engine.connect() as conn:
        if db.shared:
            # A server keeps its own pages and foreign keys checked; only the file is checked here.
            integrity_rows, fk_rows = ["ok"], []
        else:
            integrity_rows = [
                r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
            ]
            fk_rows = list(conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
    with db.session(audit=False) as s:

        def count(model: type) -> int:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

        years = list(s.scalars(select(Plan.year).order_by(Plan.year)))
        return CheckReport(
            path=str(db.path),
            schema_revision=db.schema_revision(),
            head_revision=head_revision(),
            integrity="; ".join(integrity_rows),
            foreign_key_problems=len(fk_rows),
            plans=count(Plan),
            priorities=int(s.scalar(select(func.count()).where(KeyPriority.kind == "key")) or 0),
            other_sections=int(
                s.scalar(select(func.count()).where(KeyPriority.kind == "other")) or 0
            ),
            objectives=count(Objective),
            actions=count(Action),
            updates=count(QuarterUpdate),
            partners=count(Partner),
            plan_years=years,
        )
