"""backup, backups, restore and purge-audit on the command line: results and every refusal."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from scp_desktop.cli import main


@pytest.fixture
def plan_file(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    return path


def _first_title(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute('SELECT title FROM "action" ORDER BY id').fetchone()[0])
    finally:
        conn.close()


def _set_first_title(path: Path, title: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute('UPDATE "action" SET title=? WHERE id=(SELECT min(id) FROM "action")', (title,))
    conn.commit()
    conn.close()


def test_backup_list_and_restore(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = _first_title(plan_file)
    assert main(["backup", "--db", str(plan_file)]) == 0
    out = capsys.readouterr().out
    assert "Backed up to" in out and "1 plan(s), 51 action(s)" in out
    assert main(["backups", "--db", str(plan_file), "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["reason"] == "manual" and listed["actions"] == 51 and listed["size"] > 0
    assert main(["backups", "--db", str(plan_file)]) == 0
    out = capsys.readouterr().out
    assert "Backed up by hand" in out and Path(listed["path"]).name in out

    _set_first_title(plan_file, "Changed since")
    assert main(["restore", "--db", str(plan_file), "--from", listed["path"]]) == 0
    out = capsys.readouterr().out
    assert "The file as it was is backed up as" in out and "51 action(s)" in out
    assert _first_title(plan_file) == original
    assert main(["backups", "--db", str(plan_file), "--json"]) == 0
    reasons = [b["reason"] for b in json.loads(capsys.readouterr().out)]
    assert reasons == ["restore", "manual"]


def test_backup_to_a_named_file(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy for the auditors.db"
    assert main(["backup", "--db", str(plan_file), "--out", str(out)]) == 0
    assert _first_title(out) == _first_title(plan_file)


def test_every_bad_input_is_named(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = plan_file.read_bytes()
    text = tmp_path / "notes.db"
    text.write_text("hello")
    newer = tmp_path / "newer.db"
    shutil.copy(plan_file, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num='9999_future'")
    conn.commit()
    conn.close()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(plan_file.read_bytes()[:8192])
    cases = [
        (["restore", "--db", str(plan_file), "--from", str(tmp_path / "none.db")], "no backup"),
        (["restore", "--db", str(plan_file), "--from", str(text)], "not a SQLite file"),
        (["restore", "--db", str(plan_file), "--from", str(newer)], "newer version"),
        (["restore", "--db", str(plan_file), "--from", str(damaged)], "damaged"),
        (
            ["restore", "--db", str(tmp_path / "no" / "x.db"), "--from", str(plan_file)],
            "does not exist",
        ),
        (["restore", "--db", str(plan_file), "--from", str(plan_file)], "the plan database itself"),
        (["backup", "--db", str(tmp_path / "none.db")], "no plan database"),
        (["backup", "--db", str(plan_file), "--out", str(tmp_path)], "is a folder"),
        (["backups", "--db", str(tmp_path / "none.db")], "no plan database"),
        (["purge-audit", "--db", str(plan_file), "--older-than-years", "0"], "1 to 100 years"),
        (
            ["purge-audit", "--db", str(tmp_path / "none.db"), "--older-than-years", "3"],
            "no plan database",
        ),
    ]
    for argv, message in cases:
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert message in err.lower() or message in err, (argv, err)
        assert "Traceback" not in err
    assert plan_file.read_bytes() == before


def test_restore_into_a_locked_file_says_so(
    plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run as the officer would, in its own process, while another program holds the file."""
    assert main(["backup", "--db", str(plan_file)]) == 0
    capsys.readouterr()
    assert main(["backups", "--db", str(plan_file), "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    _set_first_title(plan_file, "Held")
    holder = sqlite3.connect(plan_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        run = subprocess.run(
            [
                *(sys.executable, "-m", "scp_desktop", "restore"),
                *("--db", str(plan_file), "--from", listed["path"]),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == 1
    assert "in use by another program" in run.stderr and "Traceback" not in run.stderr
    assert _first_title(plan_file) == "Held"


def test_purge_audit(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(plan_file)
    conn.execute(
        "INSERT INTO audit_log (at, user, entity, operation, field, old_value, reason) "
        "VALUES ('2001-01-01 10:00:00', 'A. Officer', 'action', 'update', 'title', 'old', '')"
    )
    conn.commit()
    conn.close()
    assert main(["purge-audit", "--db", str(plan_file), "--older-than-years", "10"]) == 0
    out = capsys.readouterr().out
    assert "Backed up to" in out and "Purged 1 audit entry older than" in out
    assert main(["purge-audit", "--db", str(plan_file), "--older-than-years", "10"]) == 0
    assert "nothing was purged" in capsys.readouterr().out
