"""Deleted text does not linger in the database file's free pages."""

from __future__ import annotations

from sqlalchemy import delete, select

from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Partner

SECRET = "Zebra-Quokka victim statement 4471"


def test_secure_delete_is_on(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1


def test_deleted_text_is_not_left_in_the_file(db: Database) -> None:
    with db.session(audit=False) as s:
        s.add(Partner(abbreviation="ZQ", name=SECRET * 20))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() in db.path.read_bytes()
    with db.session(audit=False) as s:
        s.execute(delete(Partner).where(Partner.abbreviation == "ZQ"))
    with db.session(audit=False) as s:
        assert s.scalar(select(Partner).where(Partner.abbreviation == "ZQ")) is None
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() not in db.path.read_bytes()
    wal = db.path.with_name(db.path.name + "-wal")
    assert not wal.exists() or SECRET.encode() not in wal.read_bytes()
