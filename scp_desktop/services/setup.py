"""Creating a plan database: empty, with the demo plan, or from a plan document."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_document import LoadSummary, demo_file, load_document, read_document
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Partnership, Plan


def load_demo(db: Database) -> LoadSummary:
    return load_document(db, read_document(demo_file()), is_demo=True)


PLAN_SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".xls"}


def load_plan_file(
    db: Database,
    path: Path,
    *,
    year: str | None = None,
    partnership: str | None = None,
    prepared_by: str | None = None,
    notes: list[str] | None = None,
) -> LoadSummary:
    """A plan document (.json) or the officers' plan spreadsheet (.xlsx, .csv), chosen by suffix.

    For a spreadsheet, `notes` (when given) hears what was read and decided before the plan is
    written: the partnership, the year, each column's use and the agencies to be created.
    """
    if path.suffix.lower() in PLAN_SPREADSHEET_SUFFIXES:
        from scp_desktop.services.plan_spreadsheet import (
            load_plan_spreadsheet,
            preview_plan_spreadsheet,
        )

        preview = preview_plan_spreadsheet(db, path, year=year, partnership=partnership)
        if prepared_by:
            preview.prepared_by = prepared_by
        if notes is not None:
            notes += preview.lines_text()
        return load_plan_spreadsheet(db, preview, create_agencies=True)
    return load_document(db, read_document(path))


def is_empty(db: Database) -> bool:
    with db.session(audit=False) as s:
        return not s.scalar(select(func.count()).select_from(Plan)) and not s.scalar(
            select(func.count()).select_from(Partnership)
        )


def create_empty_plan(db: Database, year: FinancialYear, *, partnership_name: str = "") -> int:
    """Start a new empty plan for a financial year; returns its id."""
    with db.session(reason="new empty plan") as s:
        if s.scalars(select(Plan).where(Plan.year == year.label)).first() is not None:
            raise UserError(f"There is already a plan for {year.label}.")
        if s.scalars(select(Partnership)).first() is None:
            s.add(Partnership(name=partnership_name or "Community Safety Partnership"))
        plan = Plan(year=year.label, title=f"Annual Partnership Plan {year.label}", status="draft")
        s.add(plan)
        s.flush()
        return plan.id
