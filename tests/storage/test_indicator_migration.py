"""Schema 0002_indicators upgrades a 0001 database without losing indicator data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from scp_desktop.storage.database import _alembic_config, head_revision, open_database


def test_upgrade_keeps_indicators_and_adds_defaults(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    command.upgrade(_alembic_config(f"sqlite:///{path}"), "0001")
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO indicator (id, name, description, unit, polarity, frequency, rollup,"
        " baseline_value, baseline_period, target_kind, target_value, tolerance_kind,"
        " tolerance_value) VALUES (1, 'Robbery', '', 'count', 'lower_better', 'quarterly',"
        " 'sum', '', '', 'absolute', '100', 'none', '')"
    )
    con.execute(
        "INSERT INTO indicator_value (indicator_id, period, value, comparator_label, note,"
        " provisional, locked) VALUES (1, '2022-23-Q1', '90', '', '', 0, 1)"
    )
    con.execute(
        "INSERT INTO quarter_signoff (quarter, signed_off_at, signed_off_by)"
        " VALUES ('2022-23-Q1', '2022-07-20 10:00:00', 'officer')"
    )
    con.execute(
        "INSERT INTO indicator_status (indicator_id, period, rag, rule, thresholds)"
        " VALUES (1, '2022-23-Q1', 'G', 'old rule', '')"
    )
    con.commit()
    con.close()

    db, result = open_database(path)
    try:
        assert result.upgraded_from == "0001"
        assert result.backup is not None and result.backup.exists()
        assert db.schema_revision() == head_revision()
        con = sqlite3.connect(path)
        assert con.execute(
            "SELECT name, trend_rule, target_profile, definition_notes FROM indicator"
        ).fetchone() == ("Robbery", 0, "", "")
        assert con.execute(
            "SELECT value, locked, data_lag, baseline_missing, numerator FROM indicator_value"
        ).fetchone() == ("90", 1, 0, 0, None)
        assert con.execute("SELECT unlocked_at, unlock_reason FROM quarter_signoff").fetchone() == (
            None,
            "",
        )
        rag, explanation, frozen_at = con.execute(
            "SELECT rag, explanation, frozen_at FROM indicator_status"
        ).fetchone()
        assert (rag, explanation) == ("G", "")
        assert frozen_at.startswith("2022-07-20 10:00:00")
        con.close()
    finally:
        db.close()

    # Down and up again: the values and frozen statuses are still there.
    cfg = _alembic_config(f"sqlite:///{path}")
    command.downgrade(cfg, "0001")
    command.upgrade(cfg, "head")
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM indicator_value").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM indicator_status").fetchone() == (1,)
    con.close()
