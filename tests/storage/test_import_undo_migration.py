"""Schema 0009_import_undo: imports can be undone; the updates of an older file keep their files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from scp_desktop.storage.database import _alembic_config, head_revision, open_database


def test_upgrade_keeps_every_update_linked_to_its_imported_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    command.upgrade(_alembic_config(f"sqlite:///{path}"), "0007_plan_import")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("INSERT INTO plan (id, year, title, status) VALUES (1, '2022-23', 'Plan', 'draft')")
    con.execute(
        "INSERT INTO key_priority (id, plan_id, number, kind, title, commitments, evidence)"
        " VALUES (1, 1, 1, 'key', 'Violence', '', '')"
    )
    con.execute("INSERT INTO objective (id, priority_id, title, position) VALUES (1, 1, 'K', 0)")
    con.execute(
        "INSERT INTO action (id, objective_id, reference, title, about, outcome, target_area,"
        " deadline_kind, deadline_text, status, position, notes)"
        " VALUES (1, 1, '1.1.1', 'Bleed kits', '', '', '', 'unknown', '', 'active', 0, '')"
    )
    con.execute(
        "INSERT INTO import_batch (id, file_name, content_hash, quarter, kind, imported_at,"
        " imported_by, rows_applied) VALUES (7, 'EP.xlsx', 'abc', '2022-23-Q2', 'return',"
        " '2022-10-01 09:00:00', 'Pat', 1)"
    )
    con.execute(
        "INSERT INTO quarter_update (id, action_id, quarter, rag, narrative, reported_by,"
        " rag_illustrative, source, import_batch_id, source_sheet, source_row, edited_by,"
        " locked, updated_at, version) VALUES (1, 1, '2022-23-Q2', 'G', 'Kits placed', '', 0,"
        " 'import', 7, 'Q2', 5, '', 0, '2022-10-01 09:00:00', 1)"
    )
    con.commit()
    con.close()

    db, result = open_database(path)
    try:
        assert result.upgraded_from == "0007_plan_import"
        assert db.schema_revision() == head_revision()
        con = sqlite3.connect(path)
        assert con.execute("SELECT import_batch_id FROM quarter_update").fetchone() == (7,)
        assert con.execute(
            "SELECT file_name, applied_with, undone_at, undone_by FROM import_batch"
        ).fetchone() == ("EP.xlsx", None, None, "")
        assert con.execute("SELECT count(*) FROM import_change").fetchone() == (0,)
        con.close()
    finally:
        db.close()
    command.downgrade(_alembic_config(f"sqlite:///{path}"), "0007_plan_import")
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert con.execute("SELECT import_batch_id FROM quarter_update").fetchone() == (7,)
    con.close()
    assert "import_change" not in tables
