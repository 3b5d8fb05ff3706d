"""Schema 0004_versions upgrades a 0003 database keeping every record, each at version 1."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

from alembic import command

from scp_desktop.services import editing, workspace
from scp_desktop.storage.database import _alembic_config, head_revision, open_database

VERSIONED = (
    "action",
    "quarter_update",
    "indicator",
    "indicator_value",
    "partner",
    "framework",
    "framework_item",
    "funding_stream",
    "acronym",
    "key_priority",
    "objective",
)


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in VERSIONED}
    finally:
        con.close()


def test_a_0003_file_keeps_its_data_and_every_record_starts_at_version_1(
    tmp_path: Path, demo_template: Path
) -> None:
    path = tmp_path / "old.db"
    shutil.copy(demo_template, path)
    cfg = _alembic_config(f"sqlite:///{path}")
    # The demo file taken back to 0003 is a file as the previous release wrote it.
    command.downgrade(cfg, "0003_tableperf")
    con = sqlite3.connect(path)
    assert "version" not in {r[1] for r in con.execute("PRAGMA table_info(action)")}
    narratives = con.execute("SELECT id, narrative FROM quarter_update ORDER BY id").fetchall()
    values = con.execute("SELECT id, value FROM indicator_value ORDER BY id").fetchall()
    con.close()
    before = _counts(path)
    assert before["quarter_update"] > 0 and before["indicator_value"] > 0

    db, result = open_database(path, user="officer")
    try:
        assert result.upgraded_from == "0003_tableperf"
        assert result.backup is not None and result.backup.exists()
        assert db.schema_revision() == head_revision()
        assert _counts(path) == before
        con = sqlite3.connect(path)
        for table in VERSIONED:
            assert con.execute(f"SELECT DISTINCT version FROM {table}").fetchall() in ([(1,)], [])
        assert con.execute("SELECT id, narrative FROM quarter_update ORDER BY id").fetchall() == (
            narratives
        )
        assert con.execute("SELECT id, value FROM indicator_value ORDER BY id").fetchall() == values
        assert con.execute(
            "SELECT DISTINCT edited_by, edited_at FROM quarter_update"
        ).fetchall() == [("", None)]
        assert con.execute(
            "SELECT count(*) FROM audit_log WHERE version IS NOT NULL"
        ).fetchone() == (0,)
        con.close()
        # The upgraded file takes versioned writes at once.
        con = sqlite3.connect(path)
        action_id, quarter = con.execute(
            "SELECT action_id, quarter FROM quarter_update ORDER BY id LIMIT 1"
        ).fetchone()
        con.close()
        view = workspace.update_pair(db, action_id, quarter).current
        assert view.version == 1 and view.fields is not None
        written = editing.save_quarter_update(
            db,
            action_id,
            quarter,
            replace(view.fields, narrative="After the upgrade"),
            expected_version=1,
        )
        assert written.version == 2
    finally:
        db.close()

    # Down and up again: nothing is lost either way.
    command.downgrade(cfg, "0003_tableperf")
    assert _counts(path) == before
    command.upgrade(cfg, "head")
    assert _counts(path) == before
