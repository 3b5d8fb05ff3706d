"""Looking after whole plans: renaming, archiving (closed plans leave the picker) and the
quarter a plan opens on."""

from __future__ import annotations

import datetime as dt

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import plan_reads
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database, sqlite_connection
from scp_desktop.storage.models import Plan

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
    """The quarter a plan for `year` opens on (plan_reads.opening_quarter)."""
    with db.reading() as s:
        return plan_reads.opening_quarter(sqlite_connection(s), plan_id, year, today)
