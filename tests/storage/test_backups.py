"""Backups: checked copies with a record, bounded retention, restore all-or-nothing, clear refusals."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scp_desktop.services import editing
from scp_desktop.services.errors import ConflictError
from scp_desktop.storage import backups
from scp_desktop.storage.backups import BackupError
from scp_desktop.storage.database import Database, head_revision, open_database
from scp_desktop.storage.models import Action, Plan


def _titles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute('SELECT title FROM "action" ORDER BY id')]
    finally:
        conn.close()


def _rename_first_action(db: Database, title: str) -> None:
    with db.session() as s:
        action = s.scalars(select(Action).order_by(Action.id)).first()
        assert action is not None
        action.title = title


def _folder_names(db: Database) -> list[str]:
    return sorted(p.name for p in backups.folder_beside(db.path).iterdir())


def test_a_backup_is_a_checked_copy_listed_with_when_why_and_counts(demo_db: Database) -> None:
    info = backups.take_backup(demo_db.path, "manual")
    assert info.path.parent == demo_db.path.with_name("demo backups")
    assert info.path.name.startswith("demo-") and info.path.name.endswith("-manual.db")
    assert (info.plans, info.actions, info.schema) == (1, 51, head_revision())
    assert info.size == info.path.stat().st_size > 0
    # A whole file on its own: no write-ahead log beside it, readable as it is.
    conn = sqlite3.connect(f"file:{info.path}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert _titles(info.path) == _titles(demo_db.path)
    # Only the backup and its record: no temporary file left behind.
    assert _folder_names(demo_db) == [info.path.name, info.path.name + ".json"]
    [listed] = backups.list_backups(demo_db.path)
    assert listed == info
    assert listed.reason_text == "Backed up by hand"


def test_a_half_written_or_empty_backup_is_never_listed(demo_db: Database) -> None:
    good = backups.take_backup(demo_db.path, "manual")
    folder = good.path.parent
    # What a killed backup could leave: its temporary file, and (older versions) a 0-byte file.
    (folder / f".demo-20260101-000000-import.db.4242{backups.PARTIAL_SUFFIX}").write_bytes(
        good.path.read_bytes()[:4096]
    )
    (folder / "demo-20260101-000000-upgrade.db").write_bytes(b"")
    (folder / "demo-20260101-000001-upgrade.db").write_bytes(good.path.read_bytes()[:8192])
    # A record whose file was replaced by something else is not believed either.
    shutil.copy(good.path.with_name(good.path.name + ".json"), folder / "stray.db.json")
    (folder / "stray.db").write_bytes(b"x" * 10)
    assert [b.path for b in backups.list_backups(demo_db.path)] == [good.path]


def test_a_backup_without_its_record_is_read_from_the_file(demo_db: Database) -> None:
    info = backups.take_backup(demo_db.path, "daily")
    info.path.with_name(info.path.name + ".json").unlink()
    [listed] = backups.list_backups(demo_db.path)
    assert (listed.path, listed.plans, listed.actions, listed.size) == (
        info.path,
        1,
        51,
        info.size,
    )


def test_retention_keeps_the_last_twenty_and_one_a_month(demo_db: Database) -> None:
    start = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)
    taken = []
    # Ten in January, ten in February, fifteen in March (one a day).
    for month, count in ((1, 10), (2, 10), (3, 15)):
        for day in range(count):
            when = start.replace(month=month, day=1 + day)
            reason = "upgrade" if (month, day) == (1, 0) else "import"
            taken.append(backups.take_backup(demo_db.path, reason, now=when))
    kept = backups.list_backups(demo_db.path)
    kept_paths = {b.path for b in kept}
    newest_twenty = {b.path for b in taken[-20:]}
    assert newest_twenty <= kept_paths
    # January's newest is kept for January; February is within the last twenty already.
    assert taken[9].path in kept_paths
    assert len(kept) == 21
    # The old upgrade backup went by the same rule, with its record.
    assert not taken[0].path.exists()
    assert not taken[0].path.with_name(taken[0].path.name + ".json").exists()
    assert len(list(backups.folder_beside(demo_db.path).glob("*.db"))) == 21


def test_backups_go_to_the_user_data_folder_when_beside_is_unusable(
    demo_db: Database, tmp_path: Path
) -> None:
    # A file where the folder should be: the folder beside cannot be made.
    backups.folder_beside(demo_db.path).write_text("not a folder")
    info = backups.take_backup(demo_db.path, "manual")
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert info.path.is_relative_to(data_home)
    assert info.path.parent == backups.fallback_folder(demo_db.path)
    assert [b.path for b in backups.list_backups(demo_db.path)] == [info.path]
    # Two files with the same name in different folders do not share a folder.
    other = tmp_path / "elsewhere" / "demo.db"
    assert backups.fallback_folder(other) != backups.fallback_folder(demo_db.path)


def test_backup_of_a_damaged_file_is_refused_and_leaves_nothing(demo_db: Database) -> None:
    demo_db.close()
    _damage(demo_db.path)
    with pytest.raises(BackupError, match=r"No backup was made.*damaged"):
        backups.take_backup(demo_db.path, "manual")
    assert _folder_names(demo_db) == []


def test_backup_to_a_named_file_and_its_bad_targets(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "copy.db"
    info = backups.take_backup(demo_db.path, "manual", out=out)
    assert info.path == out and _titles(out) == _titles(demo_db.path)
    with pytest.raises(BackupError, match="over the plan database itself"):
        backups.take_backup(demo_db.path, "manual", out=demo_db.path)
    with pytest.raises(BackupError, match="is a folder"):
        backups.take_backup(demo_db.path, "manual", out=tmp_path)
    with pytest.raises(BackupError, match="already exists"):
        backups.take_backup(demo_db.path, "manual", out=out)
    with pytest.raises(BackupError, match="does not exist"):
        backups.take_backup(demo_db.path, "manual", out=tmp_path / "no" / "x.db")
    with pytest.raises(BackupError, match="no plan database"):
        backups.take_backup(tmp_path / "missing.db", "manual")


def test_the_upgrade_backup_is_a_listed_checked_backup(tmp_path: Path) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from scp_desktop.storage.database import _alembic_config

    path = tmp_path / "old.db"
    revisions = list(ScriptDirectory.from_config(_alembic_config("sqlite://")).walk_revisions())
    previous = revisions[1].revision
    command.upgrade(_alembic_config(f"sqlite:///{path}"), previous)
    db, result = open_database(path)
    db.close()
    assert result.backup is not None
    [listed] = backups.list_backups(path)
    assert listed.path == result.backup
    assert (listed.reason, listed.schema) == ("upgrade", previous)


def test_restore_puts_the_backup_back_after_backing_up_the_file(demo_db: Database) -> None:
    original = _titles(demo_db.path)
    saved = backups.take_backup(demo_db.path, "manual")
    _rename_first_action(demo_db, "Changed after the backup")
    changed = _titles(demo_db.path)
    demo_db.close()
    progress: list[tuple[int, int]] = []
    result = backups.restore_backup(
        demo_db.path, saved.path, progress=lambda d, t, _m: progress.append((d, t))
    )
    assert _titles(demo_db.path) == original
    assert result.before_restore is not None and result.before_restore.reason == "restore"
    assert _titles(result.before_restore.path) == changed
    assert result.upgraded_from is None and result.damaged_copy is None
    assert progress and progress[-1][0] == progress[-1][1]
    # The restored file is whole and opens as ours.
    db, _ = open_database(demo_db.path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    db.close()


def test_restore_into_a_file_the_window_has_open(demo_db: Database) -> None:
    saved = backups.take_backup(demo_db.path, "manual")
    _rename_first_action(demo_db, "Changed")
    backups.restore_backup(demo_db.path, saved.path)
    # The open database's next session reads the restored contents.
    demo_db.engine.dispose()
    with demo_db.session() as s:
        first = s.scalars(select(Action).order_by(Action.id)).first()
        assert first is not None and first.title != "Changed"


def test_restore_of_an_older_backup_upgrades_it(tmp_path: Path, demo_db: Database) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from scp_desktop.storage.database import _alembic_config

    old = tmp_path / "older.db"
    previous = list(ScriptDirectory.from_config(_alembic_config("sqlite://")).walk_revisions())[
        1
    ].revision
    command.upgrade(_alembic_config(f"sqlite:///{old}"), previous)
    demo_db.close()
    result = backups.restore_backup(demo_db.path, old)
    assert result.upgraded_from == previous
    db, opened = open_database(demo_db.path)
    assert db.schema_revision() == head_revision() and opened.upgraded_from is None
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 0
    db.close()


def test_restore_over_a_damaged_file_keeps_its_bytes(demo_db: Database) -> None:
    saved = backups.take_backup(demo_db.path, "manual")
    demo_db.close()
    _damage(demo_db.path)
    damaged_bytes = demo_db.path.read_bytes()
    result = backups.restore_backup(demo_db.path, saved.path)
    assert result.before_restore is None
    assert result.damaged_copy is not None and result.damaged_copy.read_bytes() == damaged_bytes
    assert _titles(demo_db.path) == _titles(saved.path)
    # Kept, but never offered as a backup.
    assert [b.path for b in backups.list_backups(demo_db.path)] == [saved.path]


def _damage(path: Path) -> None:
    """Overwrite the pages of the action table's rows with noise, as a failing disk would."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='action'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\x0d\xff" * (page_size // 2))


def test_restore_refuses_bad_backups_with_a_message(demo_db: Database, tmp_path: Path) -> None:
    before = demo_db.path.read_bytes()
    demo_db.close()
    cases: list[tuple[Path, str]] = []
    cases.append((tmp_path / "missing.db", "There is no backup file"))
    (tmp_path / "folder.db").mkdir()
    cases.append((tmp_path / "folder.db", "is a folder"))
    (tmp_path / "empty.db").write_bytes(b"")
    cases.append((tmp_path / "empty.db", "not a SQLite file, it is empty"))
    (tmp_path / "text.db").write_text("plan,title\n1,x\n")
    cases.append((tmp_path / "text.db", "not a SQLite file"))
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    cases.append((foreign, "not an SCP Desktop plan database"))
    newer = tmp_path / "newer.db"
    shutil.copy(demo_db.path, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num='9999_future'")
    conn.commit()
    conn.close()
    cases.append((newer, "newer version of SCP Desktop"))
    damaged = tmp_path / "damaged.db"
    shutil.copy(demo_db.path, damaged)
    _damage(damaged)
    cases.append((damaged, "damaged"))
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(demo_db.path.read_bytes()[: 4096 * 3])
    cases.append((truncated, "damaged"))
    cases.append((demo_db.path, "the plan database itself"))
    for source, message in cases:
        with pytest.raises(BackupError, match=message):
            backups.restore_backup(demo_db.path, source)
        assert demo_db.path.read_bytes() == before, source
    assert backups.list_backups(demo_db.path) == []  # refused before anything was done


def test_restore_into_a_locked_file_is_refused_and_changes_nothing(demo_db: Database) -> None:
    saved = backups.take_backup(demo_db.path, "manual")
    _rename_first_action(demo_db, "Held by another program")
    demo_db.close()
    holder = sqlite3.connect(demo_db.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(BackupError, match="in use by another program"):
            backups.restore_backup(demo_db.path, saved.path, busy_timeout_s=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _titles(demo_db.path)[0] == "Held by another program"


def test_the_first_opening_of_each_day_backs_up_once(demo_db: Database, db: Database) -> None:
    morning = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    first = backups.daily_backup_if_due(demo_db.path, now=morning)
    assert first is not None and first.reason == "daily"
    assert backups.daily_backup_if_due(demo_db.path, now=morning + dt.timedelta(hours=3)) is None
    next_day = backups.daily_backup_if_due(demo_db.path, now=morning + dt.timedelta(days=1))
    assert next_day is not None
    assert len(backups.list_backups(demo_db.path)) == 2
    # A file with nothing in it yet has nothing to back up.
    assert backups.daily_backup_if_due(db.path, now=morning) is None
    assert not backups.folder_beside(db.path).exists() or backups.list_backups(db.path) == []


def test_an_unknown_reason_is_a_programming_error(demo_db: Database) -> None:
    with pytest.raises(ValueError, match="unknown backup reason"):
        backups.take_backup(demo_db.path, "because")


def test_a_restore_cancelled_half_way_changes_nothing(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = backups.take_backup(demo_db.path, "manual")
    _rename_first_action(demo_db, "Kept")
    demo_db.close()
    monkeypatch.setattr(backups, "STEP_PAGES", 5)  # many steps, so a cancel lands between two
    copied: list[int] = []

    def progress(done: int, _total: int, message: str) -> None:
        if message.startswith("Restoring"):
            copied.append(done)

    with pytest.raises(BackupError, match="Cancelled; nothing was changed"):
        backups.restore_backup(
            demo_db.path, saved.path, progress=progress, cancelled=lambda: len(copied) >= 3
        )
    assert copied[-1] > 0
    assert _titles(demo_db.path)[0] == "Kept"
    conn = sqlite3.connect(demo_db.path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_a_cancelled_backup_leaves_nothing(demo_db: Database) -> None:
    with pytest.raises(BackupError, match="Cancelled"):
        backups.take_backup(demo_db.path, "manual", cancelled=lambda: True)
    assert _folder_names(demo_db) == []


def test_a_killed_backup_s_temporary_file_is_cleared_later(demo_db: Database) -> None:
    first = backups.take_backup(demo_db.path, "manual")
    folder = first.path.parent
    stale = folder / f".demo-20260101-000000-import.db.4242{backups.PARTIAL_SUFFIX}"
    recent = folder / f".demo-20260101-000001-import.db.4243{backups.PARTIAL_SUFFIX}"
    for partial in (stale, recent):
        partial.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    two_hours_ago = dt.datetime.now().timestamp() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    backups.take_backup(demo_db.path, "manual")
    assert not stale.exists()
    assert recent.exists()  # another process may still be writing it


def test_restore_over_a_file_that_is_not_a_database_keeps_its_bytes(
    demo_db: Database,
) -> None:
    saved = backups.take_backup(demo_db.path, "manual")
    demo_db.close()
    for extra in (Path(f"{demo_db.path}-wal"), Path(f"{demo_db.path}-shm")):
        extra.unlink(missing_ok=True)
    demo_db.path.write_bytes(b"overwritten by another program " * 200)
    result = backups.restore_backup(demo_db.path, saved.path)
    assert result.damaged_copy is not None
    assert result.damaged_copy.read_bytes().startswith(b"overwritten by another program")
    assert _titles(demo_db.path) == _titles(saved.path)


def test_an_editor_opened_before_a_restore_cannot_save_over_a_later_change(
    demo_db: Database,
) -> None:
    """A restore puts back old version numbers; the versions are lifted above any the file
    had reached, so a form read before the restore meets a conflict, never an unseen
    overwrite of what another officer saved after it."""
    saved = backups.take_backup(demo_db.path, "manual")
    _rename_first_action(demo_db, "Changed after the backup")
    with demo_db.session() as s:
        first = s.scalars(select(Action).order_by(Action.id)).first()
        assert first is not None
        action_id, seen = first.id, first.version
    backups.restore_backup(demo_db.path, saved.path)
    demo_db.engine.dispose()
    editing.save_action_status(demo_db, action_id, "complete", expected_version=None)
    with pytest.raises(ConflictError):
        editing.save_action_status(demo_db, action_id, "dropped", expected_version=seen)
    with demo_db.session() as s:
        assert s.get(Action, action_id).status == "complete"  # type: ignore[union-attr]
