"""Upgrading a file from before meetings had papers of their own: nothing is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.exc import IntegrityError

from scp_desktop.services import meetings
from scp_desktop.storage.database import _alembic_config, open_database
from tests.meeting_files import paper_pdf


def _old_file(path: Path) -> bytes:
    """A file at the schema before 0006 with a meeting, its items and one attached PDF."""
    command.upgrade(_alembic_config(f"sqlite:///{path}"), "0003_tableperf")
    minutes = paper_pdf("OLD MINUTES", 2)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(
        "INSERT INTO meeting (id, body, date, venue) VALUES "
        "(1, 'Crime and Disorder Committee', '2022-11-07', 'Town Hall')"
    )
    rows = [
        (0, "1", "Welcome and Announcements", "item", "", None),
        (1, "2", "Minutes of Previous Meeting", "minutes", "minutes.pdf", minutes),
        (2, "7", "Safer Colchester Partnership Report", "report", "", None),
    ]
    for position, number, title, kind, name, content in rows:
        conn.execute(
            "INSERT INTO agenda_item (meeting_id, position, number, title, kind, report_kind, "
            "report_quarter, attachment_name, attachment) VALUES (1, ?, ?, ?, ?, '', '', ?, ?)",
            (position, number, title, kind, name, content),
        )
    conn.commit()
    conn.close()
    return minutes


def test_meetings_agendas_and_attached_files_survive_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    minutes = _old_file(path)
    db, result = open_database(path)
    try:
        assert result.upgraded_from == "0003_tableperf" and result.backup is not None
        m = meetings.get_meeting(db, 1)
        assert (m.body, m.time, m.venue) == ("Crime and Disorder Committee", "", "Town Hall")
        assert [(i.number, i.own_number, i.title, i.part) for i in m.items] == [
            ("1", "", "Welcome and Announcements", "A"),  # its number was its place
            ("2", "", "Minutes of Previous Meeting", "A"),
            ("7", "7", "Safer Colchester Partnership Report", "A"),  # its own number is kept
        ]
        assert m.items[2].report == "quarterly+plan"
        papers = m.items[1].papers
        assert [(p.title, p.file_name, p.pages, p.size) for p in papers] == [
            ("minutes", "minutes.pdf", 2, len(minutes))
        ]
        with db.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT content FROM agenda_attachment").scalar()
        assert stored == minutes
        # The new rules hold in the upgraded file as in a new one.
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE agenda_item SET part = 'C'")
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE agenda_item SET kind = 'other'")
        meetings.delete_meeting(db, 1)
        with db.engine.connect() as conn:
            left = conn.exec_driver_sql("SELECT count(*) FROM agenda_attachment").scalar()
            assert left == 0  # papers go with their meeting
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            assert not any(name.startswith("_agenda") for name in tables)
    finally:
        db.close()
