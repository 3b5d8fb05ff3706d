"""A shared plan at an older schema on a real PostgreSQL server, set up as the README tells IT
(the database and its tables owned by IT's role, officers who edit, board members who read):
neither an officer nor a board member can upgrade it, and each is told that IT must, as the
owner role, with the command to do it; IT's running that command opens it to them."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from scp_desktop.storage.database import DatabaseError, head_revision, open_database
from scp_desktop.storage.models import Partnership
from tests.postgres_server import PASSWORD, PostgresServer, run_as_it

ROOT = Path(__file__).resolve().parents[2]
OWNER = "it_plan_owner"
# The README's default privileges, as the owner: tables an upgrade adds are the groups' too.
DEFAULT_PRIVILEGES = (
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO scp_editors",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO scp_editors",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO scp_readers",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON SEQUENCES TO scp_readers",
)


def _older_plan(server: PostgresServer) -> str:
    """A partnership's database owned by IT's role, its tables made by that role at the
    schema before the newest, with the demo plan's actions in it; its name."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from scp_desktop.storage.database import _alembic_config

    with server.admin() as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (OWNER,)).fetchone() is None:
            conn.execute(f"CREATE ROLE {OWNER} LOGIN PASSWORD '{PASSWORD}'")
    name = server.new_database()
    with server.admin() as conn:
        conn.execute(f"ALTER DATABASE {name} OWNER TO {OWNER}")
    as_owner = make_url(server.url(name, OWNER)).set(password=PASSWORD)
    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    older = [r.revision for r in reversed(list(script.walk_revisions()))][-2]
    command.upgrade(_alembic_config(as_owner.render_as_string(hide_password=False)), older)
    with server.admin(name) as conn:
        conn.execute(f"SET ROLE {OWNER}")
        for statement in DEFAULT_PRIVILEGES:
            conn.execute(statement)
        conn.execute("INSERT INTO partnership (name, abbreviation, area, prepared_by, is_demo) "
                     "VALUES ('Safer Tendring', 'STP', 'Tendring', 'IT', false)")  # fmt: skip
    server.grant(name)
    return name


def _revision(server: PostgresServer, name: str) -> str:
    with server.admin(name) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert row is not None
    return str(row[0])


def test_an_officer_and_a_board_member_are_told_it_must_upgrade_it_and_how(
    pg_server: PostgresServer,
) -> None:
    name = _older_plan(pg_server)
    older = _revision(pg_server, name)
    assert older != head_revision()
    editor = pg_server.officer("upgrade_editor")
    reader = pg_server.officer("upgrade_board", reader=True)
    address = f"postgresql+psycopg://{OWNER}@127.0.0.1:{pg_server.port}/{name}"

    with pytest.raises(DatabaseError) as raised:
        open_database(pg_server.url(name, editor), password=PASSWORD)
    said = str(raised.value)
    assert "must be upgraded" in said
    assert f"your role {editor} may change the plan's records but not its tables" in said
    assert f"Ask IT to upgrade it once as {OWNER}" in said
    assert f"scp-desktop check --db {address}." in said
    assert "may not change the shared plan" not in said
    assert PASSWORD not in said

    with pytest.raises(DatabaseError) as raised:
        open_database(pg_server.url(name, reader), password=PASSWORD)
    said_to_reader = str(raised.value)
    assert f"your read-only role {reader} cannot do that" in said_to_reader
    assert f"scp-desktop check --db {address}." in said_to_reader
    # Neither opening changed anything.
    assert _revision(pg_server, name) == older

    # IT runs the command the officer was given, as the owner, as a scheduled job would.
    found = re.search(r"with (scp-desktop check --db \S+)\. Nothing", said)
    assert found is not None
    args = shlex.split(found[1])
    done = run_as_it([sys.executable, "-m", "scp_desktop", *args[1:]], ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _revision(pg_server, name) == head_revision()

    # Then the officer opens it and edits, and the board member reads it.
    db, result = open_database(pg_server.url(name, editor), password=PASSWORD)
    try:
        assert db.read_only is None and result.upgraded_from is None
        with db.session(reason="renamed") as s:
            s.scalars(select(Partnership)).one().name = "Safer Tendring Partnership"
        with db.reading() as s:
            assert s.scalars(select(Partnership.name)).one() == "Safer Tendring Partnership"
    finally:
        db.close()
    board, _ = open_database(pg_server.url(name, reader), password=PASSWORD)
    assert board.read_only is not None
    board.close()


def test_the_owner_upgrades_it_by_opening_it(pg_server: PostgresServer) -> None:
    name = _older_plan(pg_server)
    older = _revision(pg_server, name)
    db, result = open_database(pg_server.url(name, OWNER), password=PASSWORD)
    try:
        assert result.upgraded_from == older and db.read_only is None
    finally:
        db.close()
    assert _revision(pg_server, name) == head_revision()
