"""A file is judged through a read-only connection: one that is not ours, is newer, damaged
or not SQLite at all is refused and left exactly as it was, journal files included."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scp_desktop.storage import database
from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.database import DatabaseError, head_revision, open_database
from scp_desktop.storage.models import Acronym, Plan

ASKED = ReadOnly(ReadOnlyKind.ASKED, "It was opened read-only on purpose.")


def _state(folder: Path) -> dict[str, bytes]:
    """Every file in the folder with its bytes: a refused open must change none and add none."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _ours(path: Path) -> None:
    db, _ = open_database(path)
    with db.session() as s:
        s.add(Plan(year="2022-23", title="Plan", status="live"))
    db.close()


def _newer(path: Path, journal_mode: str) -> None:
    _ours(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal_mode}")
    conn.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    conn.commit()
    conn.close()


def _foreign(path: Path, journal_mode: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal_mode}")
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, caption TEXT)")
    conn.execute("INSERT INTO photos (caption) VALUES ('Castle Park')")
    conn.commit()
    conn.close()


def _damaged(path: Path, journal_mode: str) -> None:
    _ours(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal_mode}")
    conn.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the first page's b-tree
    path.write_bytes(bytes(data))


def _text(path: Path, _journal_mode: str) -> None:
    path.write_text("Minutes of the Community Safety Delivery Board\n" * 50, encoding="utf-8")


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_newer, "newer version of SCP Desktop"),
        (_foreign, "not an SCP Desktop plan database"),
        (_damaged, "damaged|not a database"),
        (_text, "not a SQLite file"),
    ],
    ids=["newer schema", "foreign SQLite file", "damaged", "text file"],
)
def test_refused_file_is_left_byte_for_byte(
    tmp_path: Path, make: object, message: str, journal_mode: str
) -> None:
    path = tmp_path / "plan.db"
    make(path, journal_mode)  # type: ignore[operator]
    before = _state(tmp_path)
    assert list(before) == ["plan.db"]
    if make is not _text:
        # The header records the journal mode; the refusal must not rewrite it.
        assert before["plan.db"][18] == (2 if journal_mode == "wal" else 1)
    for read_only in (None, ASKED):
        with pytest.raises(DatabaseError, match=message) as info:
            open_database(path, read_only=read_only)
        assert "Nothing was changed" in str(info.value) or "damaged" in str(info.value)
        assert _state(tmp_path) == before


def test_newer_file_refusal_leaves_the_header_in_rollback_mode(tmp_path: Path) -> None:
    """The case that used to go wrong: WAL mode was set on the file before it was judged."""
    path = tmp_path / "plan.db"
    _newer(path, "delete")
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(path)
    header = path.read_bytes()[:100]
    assert header[18] == 1 and header[19] == 1


def test_file_in_use_by_a_writer_is_judged_from_its_journal(tmp_path: Path) -> None:
    """With another connection writing (its -wal present), the judge reads what is committed
    there and the file opens; nothing it needs is removed."""
    path = tmp_path / "plan.db"
    _ours(path)
    writer = sqlite3.connect(path)
    writer.execute("INSERT INTO acronym (abbreviation, meaning) VALUES ('CSP', 'Community')")
    writer.commit()
    assert (tmp_path / "plan.db-wal").exists()
    try:
        db, result = open_database(path)
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Acronym)) == 1
        db.close()
    finally:
        writer.close()
    assert result.upgraded_from is None


def test_locked_file_is_refused_with_a_message_and_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.db"
    _ours(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=delete")
    conn.close()
    before = path.read_bytes()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="in use by another program"):
            open_database(path)
    finally:
        blocker.rollback()
        blocker.close()
    assert path.read_bytes() == before


def test_folder_as_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a folder"):
        open_database(tmp_path)
    with pytest.raises(DatabaseError, match="is a folder"):
        open_database(tmp_path, read_only=ASKED)


def test_read_only_open_never_writes_and_says_why_a_change_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    _ours(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=delete")
    conn.close()
    before = _state(tmp_path)
    db, result = open_database(path, read_only=ASKED)
    assert db.read_only == ASKED and not result.created and result.backup is None
    assert db.schema_revision() == head_revision()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 1
    with pytest.raises(DatabaseError) as info, db.session() as s:
        s.add(Acronym(abbreviation="ASB", meaning="Anti-social behaviour"))
    assert str(info.value) == (
        "plan.db is open read-only, so nothing can be changed. It was opened read-only on purpose."
    )
    # Sessions on worker threads are read-only too.
    errors: list[BaseException] = []

    def write_elsewhere() -> None:
        try:
            with db.session() as s:
                s.add(Acronym(abbreviation="IOM", meaning="Integrated Offender Management"))
        except DatabaseError as exc:
            errors.append(exc)

    worker = threading.Thread(target=write_elsewhere)
    worker.start()
    worker.join()
    assert len(errors) == 1 and "read-only" in str(errors[0])
    db.close()
    assert _state(tmp_path) == before


def test_read_only_open_of_an_older_schema_is_refused(tmp_path: Path) -> None:
    from alembic import command

    from scp_desktop.storage.database import _alembic_config

    path = tmp_path / "plan.db"
    command.upgrade(_alembic_config(f"sqlite:///{path}"), "0001")
    before = _state(tmp_path)
    with pytest.raises(
        DatabaseError, match=r"older version .* cannot be done while it is read-only"
    ):
        open_database(path, read_only=ASKED)
    assert _state(tmp_path) == before


def test_read_only_open_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no plan"):
        open_database(tmp_path / "absent.db", read_only=ASKED)
    assert list(tmp_path.iterdir()) == []
