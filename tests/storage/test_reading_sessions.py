"""Sessions that only read, on a plan file and on a shared plan on a real PostgreSQL server:
they read what a transaction reads, and refuse every write before it reaches the database
(on the server they run without a transaction, where a write would be applied piecemeal)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from scp_desktop.services import plans
from scp_desktop.storage.database import Database, sqlite_connection
from scp_desktop.storage.models import Action
from scp_desktop.storage.reading import WriteWhileReading, is_plain_read, without_transaction


@pytest.fixture(params=["sqlite", "postgresql"])
def plan_db(request: pytest.FixtureRequest) -> Database:
    name = "sqlite_demo_db" if request.param == "sqlite" else "pg_demo_db"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


def _titles(db: Database) -> list[str]:
    with db.session(audit=False) as s:
        return list(s.scalars(select(Action.title).order_by(Action.id)))


def test_a_reading_session_reads_what_a_transaction_reads(plan_db: Database) -> None:
    with plan_db.reading() as s:
        read = list(s.scalars(select(Action.title).order_by(Action.id)))
    assert read == _titles(plan_db) and len(read) == 51
    # Without a transaction only on the server, whose default isolation is READ COMMITTED.
    assert without_transaction(plan_db.engine) is plan_db.shared


def test_a_record_changed_in_a_reading_session_is_not_written(plan_db: Database) -> None:
    before = _titles(plan_db)
    with pytest.raises(WriteWhileReading, match="1 changed"), plan_db.reading() as s:
        action = s.scalars(select(Action).order_by(Action.id).limit(1)).one()
        action.title = "Changed while only reading"
    assert _titles(plan_db) == before


def test_a_writing_statement_in_a_reading_session_is_refused(plan_db: Database) -> None:
    before = _titles(plan_db)
    with pytest.raises(WriteWhileReading, match="may only read"), plan_db.reading() as s:
        s.execute(text("SELECT count(*) FROM action")).scalar()
        s.execute(update(Action).values(title="Written while only reading"))
    with pytest.raises(WriteWhileReading), plan_db.reading() as s:
        s.execute(text("SELECT id FROM action ORDER BY id LIMIT 1 FOR UPDATE")).all()
    assert _titles(plan_db) == before


def test_a_bulk_write_on_a_reading_connection_to_the_server_is_refused(
    pg_demo_db: Database,
) -> None:
    before = _titles(pg_demo_db)
    with pytest.raises(WriteWhileReading), pg_demo_db.reading() as s:
        sqlite_connection(s).execute("UPDATE action SET title = ?", ("Bulk while reading",))
    assert _titles(pg_demo_db) == before
    # The same connection, back in the pool, serves transactions as before.
    plans.list_plans(pg_demo_db)
    with pg_demo_db.session(reason="test") as s:
        sqlite_connection(s).execute("UPDATE action SET title = title || ''")
    assert _titles(pg_demo_db) == before


@pytest.mark.parametrize(
    ("sql", "reads"),
    [
        ("SELECT id FROM action", True),
        ("  (SELECT 1) UNION (SELECT 2)", True),
        ("WITH a AS (SELECT id FROM action) SELECT * FROM a", True),
        ("show transaction isolation level", True),
        ("SELECT title FROM action WHERE id = 1 FOR UPDATE", False),
        ("SELECT title FROM action FOR NO KEY UPDATE", False),
        ("SELECT title FROM action FOR SHARE", False),
        ("WITH gone AS (DELETE FROM action RETURNING id) SELECT * FROM gone", False),
        ("UPDATE action SET title = 'x'", False),
        ("INSERT INTO partner (name) VALUES ('x')", False),
        ("DELETE FROM action", False),
        ("CREATE TABLE t (id int)", False),
        ("", False),
    ],
)
def test_what_counts_as_a_plain_read(sql: str, reads: bool) -> None:
    assert is_plain_read(sql) is reads


def test_a_read_that_fails_on_a_read_only_plan_says_why_not_that_it_is_read_only(
    demo_db: Database,
) -> None:
    from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
    from scp_desktop.storage.database import DatabaseError, open_database

    path = demo_db.path
    demo_db.close()
    db, _ = open_database(
        path, user="Tom Brown", read_only=ReadOnly(ReadOnlyKind.ASKED, "To look.")
    )
    try:
        with pytest.raises(DatabaseError) as refused, db.reading() as s:
            s.execute(text("SELECT title FROM no_such_table")).all()
        assert "no such table" in str(refused.value)
        assert "read-only" not in str(refused.value)
        # A write tried on it is still told the file is open read-only.
        with pytest.raises(DatabaseError, match="open read-only"), db.session() as s:
            s.execute(update(Action).values(title="Not on a read-only file"))
    finally:
        db.close()
