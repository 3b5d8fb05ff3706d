"""Schema 0007_plan_import gives every action notes, keeping the actions of an older file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from scp_desktop.storage.database import _alembic_config, head_revision, open_database


def test_upgrade_adds_empty_notes_to_existing_actions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    command.upgrade(_alembic_config(f"sqlite:///{path}"), "0003_tableperf")
    con = sqlite3.connect(path)
    con.execute("INSERT INTO plan (id, year, title, status) VALUES (1, '2024-25', 'Plan', 'draft')")
    con.execute(
        "INSERT INTO key_priority (id, plan_id, number, kind, title, commitments, evidence)"
        " VALUES (1, 1, 1, 'key', 'Violence', '', '')"
    )
    con.execute(
        "INSERT INTO objective (id, priority_id, title, position) VALUES (1, 1, 'Knives', 0)"
    )
    con.execute(
        "INSERT INTO action (id, objective_id, reference, title, about, outcome, target_area,"
        " deadline_kind, deadline_text, status, position)"
        " VALUES (1, 1, '1.1.1', 'Bleed kits', 'Kits in venues', '', '', 'unknown', '',"
        " 'active', 0)"
    )
    con.commit()
    con.close()

    db, result = open_database(path)
    try:
        assert result.upgraded_from == "0003_tableperf"
        assert db.schema_revision() == head_revision()
        con = sqlite3.connect(path)
        assert con.execute("SELECT title, about, notes FROM action").fetchone() == (
            "Bleed kits",
            "Kits in venues",
            "",
        )
        con.close()
    finally:
        db.close()
    command.downgrade(_alembic_config(f"sqlite:///{path}"), "0003_tableperf")
    con = sqlite3.connect(path)
    columns = [row[1] for row in con.execute("PRAGMA table_info(action)")]
    con.close()
    assert "notes" not in columns and "title" in columns
