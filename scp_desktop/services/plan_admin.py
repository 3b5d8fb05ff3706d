"""Looking after whole plans: renaming, archiving (closed plans leave the picker) and the
quarter a plan opens on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.reporting import reporting_quarter
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Plan, QuarterSignoff

TITLE_LIMIT = 300
STATUSES = ("draft", "live", "closed")


def rename_plan(db: Database, plan_id: int, title: str) -> str:
    """Give a plan a new title; returns the title before."""
    title = " ".join(title.split())
    if not title:
        raise UserError("A plan needs a title (e.g. Annual Partnership Plan 2025-26).")
    if len(title) > TITLE_LIMIT:
        raise UserError(
            f"The title is {len(title)} characters long; it may be at most {TITLE_LIMIT}."
        )
    with db.session(reason="plan renamed") as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise UserError("That plan no longer exists.")
        before = plan.title
        plan.title = title
        return before


def set_plan_status(db: Database, plan_id: int, status: str) -> str:
    """Draft, live or closed (archived: kept, but left out of the plan picker); returns the
    status before."""
    if status not in STATUSES:
        raise UserError(f"'{status}' is not a plan status (draft, live or closed).")
    with db.session(reason=f"plan {status}") as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise UserError("That plan no longer exists.")
        before = plan.status
        plan.status = status
        return before


def opening_quarter(db: Database, plan_id: int, year: str, today: dt.date) -> Quarter | None:
    """The quarter a plan for `year` opens on: the one being reported (domain.reporting), or
    a later one its updates have already reached (returns for the quarter in progress that
    came in early). None for a year already over."""
    from scp_desktop.services.workspace import latest_reported_quarter

    with db.reading() as s:
        signed = set(
            s.scalars(select(QuarterSignoff.quarter).where(QuarterSignoff.unlocked_at.is_(None)))
        )
    reporting = reporting_quarter(FinancialYear.parse(year), today, signed)
    if reporting is None:
        return None
    latest = latest_reported_quarter(db, plan_id)
    if latest is not None and reporting.code < latest <= Quarter.containing(today).code:
        return Quarter.parse(latest)
    return reporting
