"""Opening, migrating and refusing bad database files; constraints enforced by SQLite itself."""

from __future__ import annotations

import gc
import os
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from scp_desktop.storage.database import (
    Database,
    DatabaseError,
    backup_copy,
    current_revision,
    head_revision,
    known_revisions,
    make_engine,
    open_database,
)
from scp_desktop.storage.models import (
    Action,
    ActionPartner,
    AuditEntry,
    Base,
    KeyPriority,
    Objective,
    Partner,
    Plan,
    QuarterUpdate,
)

OPENS_AFTER_FREEING = 100  # before the fix, a freed address was reused within 4-54 opens


def _one_action(db: Database) -> int:
    with db.session() as s:
        plan = Plan(year="2022-23", title="Plan", status="live")
        kp = KeyPriority(number=1, title="Priority")
        obj = Objective(title="Objective")
        action = Action(title="Crucial Crew", reference="1.1.1")
        obj.actions.append(action)
        kp.objectives.append(obj)
        plan.priorities.append(kp)
        s.add(plan)
        s.flush()
        return action.id


def test_new_file_is_created_at_head_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "plan.db"
    db, result = open_database(path)
    assert result.created and result.backup is None
    assert db.schema_revision() == head_revision()
    db.close()
    db2, result2 = open_database(path)
    assert not result2.created and result2.upgraded_from is None
    db2.close()


def test_pragmas_are_on(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_second_update_for_same_quarter_is_refused(db: Database) -> None:
    action_id = _one_action(db)
    with db.session() as s:
        s.add(QuarterUpdate(action_id=action_id, quarter="2022-23-Q2", rag="G"))
    with pytest.raises(DatabaseError), db.session() as s:
        s.add(QuarterUpdate(action_id=action_id, quarter="2022-23-Q2", rag="A"))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(QuarterUpdate)) == 1


@pytest.mark.parametrize("rag", ["X", "", "Green", "r"])
def test_unknown_rag_is_refused_by_the_database(db: Database, rag: str) -> None:
    action_id = _one_action(db)
    with pytest.raises(DatabaseError), db.session() as s:
        s.add(QuarterUpdate(action_id=action_id, quarter="2022-23-Q2", rag=rag))


def test_malformed_quarter_is_refused(db: Database) -> None:
    action_id = _one_action(db)
    with pytest.raises(DatabaseError), db.session() as s:
        s.add(QuarterUpdate(action_id=action_id, quarter="Q2", rag="G"))


def test_raw_sqlite_enforces_foreign_keys(db: Database) -> None:
    with db.engine.connect() as conn, pytest.raises(IntegrityError):
        conn.exec_driver_sql(
            "INSERT INTO objective (priority_id, title, position) VALUES (999, 'x', 0)"
        )


def test_partner_leading_an_action_cannot_be_deleted_at_database_level(db: Database) -> None:
    action_id = _one_action(db)
    with db.session() as s:
        partner = Partner(abbreviation="CBC", name="Colchester Borough Council", statutory=True)
        s.add(partner)
        s.flush()
        s.add(ActionPartner(action_id=action_id, partner_id=partner.id, role="lead"))
    with pytest.raises(DatabaseError), db.engine.begin() as conn:
        try:
            conn.exec_driver_sql("DELETE FROM partner")
        except IntegrityError as exc:
            raise DatabaseError(str(exc)) from exc


def test_every_change_is_audited_with_old_and_new(db: Database) -> None:
    action_id = _one_action(db)
    db.user = "Officer A"
    with db.session(reason="typo") as s:
        s.get_one(Action, action_id).title = "Crucial Crew 2022"
    with db.session() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.operation == "update", AuditEntry.field == "title")
        ).one()
    assert (entry.old_value, entry.new_value, entry.user, entry.reason) == (
        "Crucial Crew",
        "Crucial Crew 2022",
        "Officer A",
        "typo",
    )
    assert entry.action_id == action_id


def test_each_database_opened_after_another_was_freed_is_audited(tmp_path: Path) -> None:
    """Databases opened one after another in one process, each freed and collected before the
    next (as between tests, or on opening another file), all write the audit log.

    Regression: the hook was attached per sessionmaker and skipped when SQLAlchemy's event
    registry, which remembers targets by `id()`, already held a freed sessionmaker at the same
    address; the new database then wrote no audit rows. Full collections free the memory
    that gets reused, which made this happen within a few dozen opens.
    """
    path = tmp_path / "plan.db"
    open_database(path)[0].close()
    gc.freeze()  # collections then scan only what this test makes: ms each, not ~80 ms
    try:
        _open_audit_and_free(path)
    finally:
        gc.unfreeze()


def _open_audit_and_free(path: Path) -> None:
    for i in range(OPENS_AFTER_FREEING):
        db, _ = open_database(path, user=f"Officer {i}")
        with db.session() as s:
            s.add(Partner(abbreviation=f"P{i}", name=f"Partner {i}"))
        with db.session() as s:
            users = s.scalars(
                select(AuditEntry.user).where(
                    AuditEntry.entity == "partner", AuditEntry.new_value == f"Partner {i}"
                )
            ).all()
        assert users == [f"Officer {i}"], f"open number {i + 1} wrote no audit row"
        db.close()
        del db, s
        gc.collect()


def test_failed_transaction_leaves_nothing_half_written(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(Plan(year="2023-24", title="x"))
        s.flush()
        raise RuntimeError("boom")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    path.write_bytes(b"PK\x03\x04 this is a spreadsheet really")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not an SCP Desktop plan database"):
        open_database(path)
    assert path.read_bytes() == before


def test_damaged_database_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    db, _ = open_database(path)
    db.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the first page's b-tree
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseError, match=r"damaged|not a database|could not be used"):
        open_database(path)


def test_other_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not an SCP Desktop plan database"):
        open_database(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only files")
def test_read_only_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    open_database(path)[0].close()
    path.chmod(0o444)
    with pytest.raises(DatabaseError, match="read-only"):
        open_database(path)


def test_read_only_file_message_from_sqlite(tmp_path: Path) -> None:
    """Root ignores file modes, so open SQLite in read-only mode to get its real error."""
    path = tmp_path / "plan.db"
    db, _ = open_database(path)
    db.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as info:
            conn.execute("INSERT INTO acronym (abbreviation, meaning) VALUES ('A','B')")
    finally:
        conn.close()
    from scp_desktop.storage.database import describe_sqlite_error

    assert "read-only" in describe_sqlite_error(info.value, path)


def test_locked_database_gives_a_clear_message_and_loses_nothing(db: Database) -> None:
    _one_action(db)
    impatient = Database(db.path, make_engine(db.path, busy_timeout_ms=100), "tester")
    blocker = sqlite3.connect(db.path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with (
            pytest.raises(DatabaseError, match="in use by another program"),
            impatient.session() as s,
        ):
            s.add(Plan(year="2030-31", title="x"))
    finally:
        blocker.rollback()
        blocker.close()
        impatient.close()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 1


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    db, _ = open_database(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num='9999'")
    db.close()
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(path)


def test_older_schema_is_upgraded_after_a_backup(tmp_path: Path) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from scp_desktop.storage.database import _alembic_config

    path = tmp_path / "plan.db"
    revisions = list(ScriptDirectory.from_config(_alembic_config("sqlite://")).walk_revisions())
    previous = revisions[1].revision if len(revisions) > 1 else "base"
    # Build a file at the schema before the newest migration, holding data where it can.
    cfg = _alembic_config(f"sqlite:///{path}")
    command.upgrade(cfg, previous)
    if previous == "base":
        # A file that only ever had the version table: still an SCP Desktop file, just empty.
        conn = sqlite3.connect(path)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) PRIMARY KEY)"
        )
        conn.commit()
        conn.close()
    db, result = open_database(path)
    try:
        assert db.schema_revision() == head_revision()
        if previous != "base":
            assert result.upgraded_from == previous
            assert result.backup is not None and result.backup.exists()
            assert sqlite3.connect(result.backup).execute(
                "SELECT version_num FROM alembic_version"
            ).fetchone() == (previous,)
    finally:
        db.close()


def test_backup_copy_is_a_consistent_sqlite_file(db: Database) -> None:
    _one_action(db)
    copy = backup_copy(db.path, "test")
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT title FROM action").fetchone() == ("Crucial Crew",)
    finally:
        conn.close()


def test_revisions_read_without_alembic_agree_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from scp_desktop.storage.database import _alembic_config

    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_current_revision_read_with_sql_agrees_with_alembic(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    db, _ = open_database(path)
    try:
        with db.engine.connect() as conn:
            assert current_revision(conn) == MigrationContext.configure(conn).get_current_revision()
            assert current_revision(conn) == head_revision()
    finally:
        db.close()
    bare = tmp_path / "bare.db"
    sqlite3.connect(bare).close()
    engine = make_engine(bare)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) is None
    finally:
        engine.dispose()


def test_opening_a_file_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    """Alembic is a third of the start-up time; it is loaded only to upgrade a file."""
    import subprocess
    import sys

    path = tmp_path / "plan.db"
    open_database(path)[0].close()
    code = (
        "import sys; from scp_desktop.storage.database import open_database; "
        f"db, _ = open_database({str(path)!r}, create=False); db.close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"
