"""Services back the file up before large changes; old audit entries are purged on request."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import audit_retention, editing
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_spreadsheet import load_plan_spreadsheet, preview_plan_spreadsheet
from scp_desktop.services.returns.apply import apply_import
from scp_desktop.services.returns.export import export_returns
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.storage import backups
from scp_desktop.storage.backups import BackupError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, AuditEntry, Plan, QuarterUpdate
from tests.services.test_plan_spreadsheet import _plan_file

Q3 = Quarter.parse("2022-23-Q3")

# Backups are files beside the plan's file; a shared plan is backed up by IT with pg_dump.
pytestmark = pytest.mark.sqlite_only


def _plans(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM plan").fetchone()[0])
    finally:
        conn.close()


def _fill_first_rows(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for row in range(5, ws.max_row + 1):
        ws.cell(row, 7).value = "Green"
        ws.cell(row, 8).value = "On track."
    wb.save(path)


def test_an_import_is_backed_up_first(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Q3)
    exported = export_returns(demo_db, plan_id, Q3, tmp_path / "out").returns[0]
    _fill_first_rows(exported.path)
    preview = preview_import(demo_db, [exported.path], Q3)
    with demo_db.session() as s:
        before = s.scalar(select(func.count()).select_from(QuarterUpdate))
    apply_import(demo_db, preview)
    [backup] = backups.list_backups(demo_db.path)
    assert backup.reason == "import"
    conn = sqlite3.connect(backup.path)
    assert conn.execute("SELECT count(*) FROM quarter_update").fetchone()[0] == before
    conn.close()


def test_roll_over_and_plan_deletion_are_backed_up_first(demo_db: Database) -> None:
    with demo_db.session() as s:
        plan = s.scalars(select(Plan)).one()
        ids = list(s.scalars(select(Action.id)))[:3]
    result = editing.rollover_plan(demo_db, plan.id, ids)
    [rolled] = backups.list_backups(demo_db.path)
    assert rolled.reason == "rollover" and _plans(rolled.path) == 1
    editing.delete_plan(demo_db, result.plan_id)
    newest = backups.list_backups(demo_db.path)[0]
    assert newest.reason == "plan-deletion" and _plans(newest.path) == 2


def test_a_plan_from_a_spreadsheet_is_backed_up_first(demo_db: Database, tmp_path: Path) -> None:
    path = _plan_file(tmp_path / "plan.xlsx")
    load_plan_spreadsheet(demo_db, preview_plan_spreadsheet(demo_db, path))
    [backup] = backups.list_backups(demo_db.path)
    assert backup.reason == "plan-from-spreadsheet" and _plans(backup.path) == 1
    assert _plans(demo_db.path) == 2


def test_a_change_that_cannot_be_backed_up_is_not_started(demo_db: Database) -> None:
    with demo_db.session() as s:
        plan = s.scalars(select(Plan)).one()
        ids = list(s.scalars(select(Action.id)))[:1]
    # Damage the action table's root page: the copy fails its check.
    conn = sqlite3.connect(demo_db.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='action_output'").fetchone()
    conn.close()
    demo_db.engine.dispose()
    with demo_db.path.open("r+b") as fh:
        fh.seek((root[0] - 1) * 4096)
        fh.write(b"\xff" * 4096)
    with pytest.raises(BackupError, match=r"No backup was made.*change was not started"):
        editing.rollover_plan(demo_db, plan.id, ids)
    assert _plans(demo_db.path) == 1


def test_an_empty_file_is_not_backed_up(db: Database) -> None:
    from scp_desktop.domain.periods import FinancialYear
    from scp_desktop.services.setup import create_empty_plan

    plan_id = create_empty_plan(db, FinancialYear.parse("2024-25"))
    # Only a plan and its partnership: something to lose, so deleting it is backed up.
    editing.delete_plan(db, plan_id)
    assert [b.reason for b in backups.list_backups(db.path)] == ["plan-deletion"]


def _audit_rows(db: Database, marker: str, years_ago: int) -> None:
    with db.session(audit=False) as s:
        s.add(
            AuditEntry(
                at=dt.datetime(2026 - years_ago, 5, 1),
                user="A. Officer",
                entity="quarter_update",
                entity_id=1,
                operation="update",
                field="narrative",
                old_value=f"{marker} victim named in an old narrative " * 20,
                new_value="",
            )
        )


def test_old_audit_entries_are_purged_after_a_backup_and_leave_no_trace(
    demo_db: Database,
) -> None:
    _audit_rows(demo_db, "ZQXOLDMARKER", years_ago=8)
    _audit_rows(demo_db, "ZQXNEWMARKER", years_ago=1)
    with demo_db.session() as s:
        total = s.scalar(select(func.count()).select_from(AuditEntry))
    today = dt.date(2026, 12, 6)
    assert audit_retention.count_older(demo_db, 5, today=today) == 1
    result = audit_retention.purge_audit(demo_db, 5, today=today)
    assert result.deleted == 1 and result.cutoff == dt.date(2021, 12, 6)
    assert result.backup is not None and result.backup.reason == "purge"
    assert b"ZQXOLDMARKER" in result.backup.path.read_bytes()  # the backup keeps it
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == total - 1
    demo_db.close()
    leftovers = b"".join(
        p.read_bytes()
        for p in demo_db.path.parent.iterdir()
        if p.is_file() and p.name.startswith(demo_db.path.name)
    )
    assert b"ZQXOLDMARKER" not in leftovers
    assert b"ZQXNEWMARKER" in leftovers


def test_purging_with_nothing_old_writes_no_backup(demo_db: Database) -> None:
    result = audit_retention.purge_audit(demo_db, 50, today=dt.date(2026, 12, 6))
    assert result.deleted == 0 and result.backup is None
    assert backups.list_backups(demo_db.path) == []


def test_the_retention_setting_is_kept_in_the_file_and_checked(demo_db: Database) -> None:
    assert audit_retention.retention_years(demo_db) == audit_retention.DEFAULT_YEARS
    audit_retention.set_retention_years(demo_db, 3)
    assert audit_retention.retention_years(demo_db) == 3
    for bad in (0, -1, 101):
        with pytest.raises(UserError, match="1 to 100 years"):
            audit_retention.set_retention_years(demo_db, bad)
        with pytest.raises(UserError, match="Nothing was purged"):
            audit_retention.purge_audit(demo_db, bad, today=dt.date(2026, 1, 1))
    assert audit_retention.cutoff_date(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)


def test_opening_the_file_backs_it_up_once_a_day(demo_db: Database, tmp_path: Path) -> None:
    from scp_desktop.app import open_or_create

    demo_db.close()
    db, _ = open_or_create(demo_db.path, "Pat Officer")
    db.close()
    db, _ = open_or_create(demo_db.path, "Pat Officer")
    db.close()
    assert [b.reason for b in backups.list_backups(demo_db.path)] == ["daily"]
    # A first run creates the file and loads the demo: nothing to back up before it.
    new = tmp_path / "first run.db"
    db, result = open_or_create(new, "Pat Officer")
    db.close()
    assert result.created and backups.list_backups(new) == []
