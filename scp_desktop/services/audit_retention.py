"""Purging old audit entries on request (they hold narratives: personal data), after a backup."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from scp_desktop.services.errors import UserError
from scp_desktop.storage.backups import BackupInfo, take_backup
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import AuditEntry, Setting

RETENTION_KEY = "audit_retention_years"
DEFAULT_YEARS = 6
MAX_YEARS = 100


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    cutoff: dt.date
    backup: BackupInfo | None  # None when there was nothing to purge


def cutoff_date(today: dt.date, years: int) -> dt.date:
    """The same day `years` years ago (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def check_years(years: int) -> int:
    if not 1 <= years <= MAX_YEARS:
        raise UserError(
            f"Audit entries can be purged when older than 1 to {MAX_YEARS} years, not {years}. "
            "Nothing was purged."
        )
    return years


def retention_years(db: Database) -> int:
    """The partnership's rule, kept in the database file (it is the partnership's policy)."""
    with db.session(audit=False) as s:
        value = s.scalar(select(Setting.value).where(Setting.key == RETENTION_KEY))
    try:
        return check_years(int(value)) if value else DEFAULT_YEARS
    except (ValueError, UserError):
        return DEFAULT_YEARS


def set_retention_years(db: Database, years: int) -> None:
    check_years(years)
    with db.session(audit=False) as s:
        setting = s.get(Setting, RETENTION_KEY)
        if setting is None:
            s.add(Setting(key=RETENTION_KEY, value=str(years)))
        else:
            setting.value = str(years)


def count_older(db: Database, years: int, *, today: dt.date) -> int:
    cutoff = cutoff_date(today, check_years(years))
    with db.session(audit=False) as s:
        return int(
            s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.at < _midnight(cutoff)))
            or 0
        )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def purge_audit(db: Database, years: int, *, today: dt.date) -> PurgeResult:
    """Delete audit entries older than `years` years, after a backup; then rebuild the file
    (VACUUM) and empty its write-ahead log, so the deleted text does not linger in free pages."""
    cutoff = cutoff_date(today, check_years(years))
    if db.shared:
        # The backup taken first is a file beside the plan's file; a server's is IT's pg_dump.
        raise UserError(
            "Old history entries of a shared plan are removed by the council's IT on the "
            "server, after their own backup (pg_dump); nothing was removed here."
        )
    if not count_older(db, years, today=today):
        return PurgeResult(0, cutoff, None)
    backup = take_backup(db.path, "purge", note=f"audit entries before {cutoff.isoformat()}")
    with db.session(audit=False) as s:
        result = s.execute(delete(AuditEntry).where(AuditEntry.at < _midnight(cutoff)))
        deleted = int(getattr(result, "rowcount", 0) or 0)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return PurgeResult(deleted, cutoff, backup)
