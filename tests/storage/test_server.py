"""A shared plan on a real PostgreSQL server: addresses, passwords, roles, bulk reads."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import editing, plans, workspace
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.access import ReadOnlyKind
from scp_desktop.storage.database import Database, DatabaseError, open_database
from scp_desktop.storage.models import Action, AuditEntry
from scp_desktop.storage.server import (
    PasswordNeeded,
    ServerPlace,
    change_counter,
    is_server_address,
    server_place,
)
from scp_desktop.storage.server_rows import postgres_sql
from tests.postgres_server import PASSWORD, PostgresServer

Q2 = "2022-23-Q2"
TODAY = dt.date(2022, 11, 1)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("postgresql+psycopg://ann:secret@db.council.local/safer", "Leave the password out"),
        ("postgresql+psycopg://ann@db.council.local/", "names no database"),
        ("postgresql+psycopg://db.council.local/safer", "names no database role"),
        ("postgresql+psycopg://ann@/safer", "names no server"),
    ],
)
def test_a_bad_address_says_what_is_wrong(address: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=message):
        open_database(address)


def test_an_address_is_kept_as_written_and_is_never_a_file() -> None:
    place = server_place("postgresql://ann@db.council.local:5433/safer_tendring")
    assert isinstance(place, ServerPlace) and is_server_address(place)
    assert str(place) == "postgresql+psycopg://ann@db.council.local:5433/safer_tendring"
    assert place.name == "safer_tendring"
    assert not place.exists() and not place.is_file() and place.resolve() is place
    assert not is_server_address("/home/ann/plans/safer.db")


def test_the_password_is_asked_for_and_a_wrong_one_refused(
    pg_server: PostgresServer, pg_empty_template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD")
    name = pg_server.new_database(pg_empty_template)
    with pytest.raises(PasswordNeeded) as asked:
        open_database(pg_server.url(name))
    assert not asked.value.refused and "asks for tester's password" in str(asked.value)
    with pytest.raises(PasswordNeeded) as refused:
        open_database(pg_server.url(name), password="wrong")
    assert refused.value.refused and "refused the password for tester" in str(refused.value)
    db, _ = open_database(pg_server.url(name), password=PASSWORD)
    db.close()


def test_a_missing_database_and_a_missing_server_are_named(pg_server: PostgresServer) -> None:
    with pytest.raises(DatabaseError, match=r"There is no database nowhere on 127\.0\.0\.1"):
        open_database(pg_server.url("nowhere"), password=PASSWORD)
    with pytest.raises(DatabaseError, match="cannot be reached"):
        open_database("postgresql+psycopg://tester@127.0.0.1:1/plan", password=PASSWORD)


def test_a_database_holding_other_tables_is_not_touched(pg_server: PostgresServer) -> None:
    name = pg_server.new_database()
    with pg_server.admin(name) as conn:
        conn.execute("CREATE TABLE payroll (id integer PRIMARY KEY)")
    with pytest.raises(DatabaseError, match="holds tables that are not an SCP Desktop plan"):
        open_database(pg_server.url(name), password=PASSWORD)
    with pg_server.admin(name) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    assert tables == [("payroll",)]


def test_a_new_database_gets_the_newest_schema_and_a_second_opening_changes_nothing(
    pg_server: PostgresServer,
) -> None:
    name = pg_server.new_database()
    db, result = open_database(pg_server.url(name), password=PASSWORD)
    assert result.created and result.upgraded_from is None and result.backup is None
    revision = db.schema_revision()
    db.close()
    again, result = open_database(pg_server.url(name), password=PASSWORD)
    assert not result.created and again.schema_revision() == revision
    again.close()


def test_the_audit_log_records_the_database_role(
    pg_server: PostgresServer, pg_demo_template: str
) -> None:
    name = pg_server.new_database(pg_demo_template)
    pg_server.grant(name)
    role = pg_server.officer("carol_officer")
    db, _ = open_database(pg_server.url(name, role), user="laptop-login", password=PASSWORD)
    try:
        with db.session(audit=False) as s:
            action_id = s.scalars(select(Action.id).limit(1)).one()
        editing.set_action_status(db, action_id, "complete")
        with db.session(audit=False) as s:
            last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert last.user == "carol_officer"
    finally:
        db.close()


def test_a_read_only_role_opens_read_only_and_cannot_write(
    pg_server: PostgresServer, pg_demo_template: str
) -> None:
    name = pg_server.new_database(pg_demo_template)
    pg_server.grant(name)
    role = pg_server.officer("board_member", reader=True)
    db, _ = open_database(pg_server.url(name, role), password=PASSWORD)
    try:
        assert db.read_only is not None and db.read_only.kind is ReadOnlyKind.ROLE
        assert "board_member may read this plan but not change it" in db.read_only.why
        assert not db.read_only.copy_helps
        plan_id = plan_for_quarter(db, Quarter.parse(Q2))
        rows = workspace.load_action_rows(db, plan_id, Q2, TODAY)
        assert len(rows) == 51
        with pytest.raises(DatabaseError, match="open read-only, so nothing can be changed"):
            editing.set_action_status(db, rows[0].id, "complete")
    finally:
        db.close()
    with pg_server.admin(name) as conn:
        status = conn.execute("SELECT status FROM action WHERE id = %s", (rows[0].id,)).fetchone()
    assert status == (rows[0].status,)


def test_bulk_reads_give_the_same_rows_on_both_engines(
    demo_db: Database, pg_demo_db: Database
) -> None:
    for db in (demo_db, pg_demo_db):
        plan_id = plan_for_quarter(db, Quarter.parse(Q2))
        # Text that SQLite and a server's driver might read differently.
        with db.session() as s:
            a = s.get(Action, workspace.load_action_rows(db, plan_id, Q2, TODAY)[0].id)
            assert a is not None
            a.title = "100% done: ‘quoted’ — ? :colon %(x)s"
    sqlite_id = plan_for_quarter(demo_db, Quarter.parse(Q2))
    server_id = plan_for_quarter(pg_demo_db, Quarter.parse(Q2))
    for quarter in (Q2, "2022-23-Q4"):
        assert workspace.load_action_rows(
            demo_db, sqlite_id, quarter, TODAY
        ) == workspace.load_action_rows(pg_demo_db, server_id, quarter, TODAY)
        assert workspace.load_latest_progress(
            demo_db, sqlite_id, quarter
        ) == workspace.load_latest_progress(pg_demo_db, server_id, quarter)
        assert workspace.load_search_texts(
            demo_db, sqlite_id, quarter
        ) == workspace.load_search_texts(pg_demo_db, server_id, quarter)
    assert plans.list_plans(demo_db) == plans.list_plans(pg_demo_db)
    assert plans.partnership(demo_db) == plans.partnership(pg_demo_db)
    assert workspace.partner_choices(demo_db) == workspace.partner_choices(pg_demo_db)
    assert workspace.framework_choices(demo_db) == workspace.framework_choices(pg_demo_db)
    assert workspace.plan_structure(demo_db, sqlite_id) == workspace.plan_structure(
        pg_demo_db, server_id
    )


def test_sqlite_text_is_read_as_postgresql_reads_it() -> None:
    assert postgres_sql("SELECT a FROM t WHERE b = ? AND c LIKE '%x?:y'") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE '%%x?:y'"
    )
    assert postgres_sql("SELECT group_concat(f.item_id, ',') FROM f WHERE x = :plan") == (
        "SELECT string_agg(CAST(f.item_id AS TEXT), ',' ORDER BY f.item_id) FROM f "
        "WHERE x = %(plan)s"
    )
    assert (
        postgres_sql("SELECT trim(n, :blank), ltrim(n)") == "SELECT btrim(n, %(blank)s), ltrim(n)"
    )


def test_every_change_moves_the_change_counter(pg_demo_db: Database) -> None:
    with pg_demo_db.engine.connect() as conn:
        before = change_counter(conn)
    with pg_demo_db.engine.connect() as conn:
        assert change_counter(conn) == before  # reading changes nothing
    with pg_demo_db.session() as s:
        action = s.scalars(select(Action).limit(1)).one()
        action.title = "Changed by another officer"
    with pg_demo_db.engine.connect() as conn:
        assert change_counter(conn) > before


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scp_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_commands_take_the_password_from_pgpassword_and_say_when_there_is_none(
    pg_server: PostgresServer, pg_demo_template: str
) -> None:
    name = pg_server.new_database(pg_demo_template)
    env = {**os.environ, "PGPASSWORD": PASSWORD}
    done = _run("check", "--db", pg_server.url(name), env=env)
    assert done.returncode == 0, done.stderr
    assert "Actions: 51" in done.stdout and "Result: OK" in done.stdout
    env.pop("PGPASSWORD")
    refused = _run("check", "--db", pg_server.url(name), env=env)
    assert refused.returncode == 1
    assert "asks for tester's password" in refused.stderr
    assert "set PGPASSWORD for a scheduled job" in refused.stderr
    bad = _run("check", "--db", "postgresql+psycopg://ann:pw@host/db", env=env)
    assert bad.returncode == 2 and "Leave the password out" in bad.stderr
    backup = _run("backup", "--db", pg_server.url(name), env=env)
    assert backup.returncode == 1 and "backs it up and restores it on the server" in backup.stderr


def test_old_history_of_a_shared_plan_is_left_to_it(pg_demo_db: Database) -> None:
    from scp_desktop.services.audit_retention import purge_audit
    from scp_desktop.services.errors import UserError

    with pg_demo_db.session(audit=False) as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(UserError, match="removed by the council's IT on the server"):
        purge_audit(pg_demo_db, 1, today=dt.date(2040, 1, 1))
    with pg_demo_db.session(audit=False) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_the_same_migrations_upgrade_a_shared_plan_step_by_step(
    pg_server: PostgresServer,
) -> None:
    """A server database left at each older schema in turn, as an installation kept through
    the versions would have it, is upgraded by opening it to the same tables and columns as
    one made new."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url

    from scp_desktop.storage.database import _alembic_config, head_revision

    def shape(db: Database) -> dict[str, list[str]]:
        seen = inspect(db.engine)
        return {
            table: sorted(column["name"] for column in seen.get_columns(table))
            for table in seen.get_table_names()
        }

    name = pg_server.new_database()
    with_password = make_url(pg_server.url(name)).set(password=PASSWORD)
    cfg = _alembic_config(with_password.render_as_string(hide_password=False))
    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert len(revisions) > 2
    for revision in revisions[:-1]:
        command.upgrade(cfg, revision)
    db, result = open_database(pg_server.url(name), password=PASSWORD)
    fresh, _ = open_database(pg_server.url(pg_server.new_database()), password=PASSWORD)
    try:
        assert result.upgraded_from == revisions[-2]
        assert db.schema_revision() == head_revision() == fresh.schema_revision()
        assert shape(db) == shape(fresh)
        # And the upgraded plan is read like any other.
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Action)) == 0
    finally:
        db.close()
        fresh.close()
