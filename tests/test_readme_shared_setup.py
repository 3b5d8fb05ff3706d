"""The README's set-up of a shared plan server, run as written against a real PostgreSQL server
of its own: IT's roles and database, the plan created and moved in, the grants, an officer who
edits, a board member who only reads, another partnership's officer kept out, and a backup
restored with pg_dump and pg_restore."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from scp_desktop.services import editing
from scp_desktop.services.shared_changes import where_we_stand
from scp_desktop.storage.access import ReadOnlyKind
from scp_desktop.storage.database import DatabaseError, open_database
from scp_desktop.storage.models import Action, AuditEntry
from tests.postgres_server import (
    ADMIN,
    PASSWORD,
    PostgresServer,
    action_count,
    remove_server,
    run_as_it,
    server_binaries,
    start_server,
)

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Several officers on one plan: a shared plan server"


def _blocks() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    section = text[start : text.index("\n## ", start + len(SECTION))]
    return re.findall(r"```(sql|sh)\n(.*?)```", section, re.S)


def _statements(sql: str) -> list[str]:
    """The block's statements, its comments left out and IT's passwords filled in."""
    lines = [re.sub(r"\s*--.*$", "", line) for line in sql.splitlines()]
    out = [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
    return [s.replace("'…'", f"'{PASSWORD}'") for s in out]


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    if server_binaries() is None:
        pytest.skip("PostgreSQL's server programs are not installed: apt-get install postgresql")
    # A server of its own: the README creates the group roles the shared test server has.
    started = start_server()
    with started.admin() as conn:  # the README makes these itself
        conn.execute("DROP ROLE scp_editors")
        conn.execute("DROP ROLE scp_readers")
    try:
        yield started
    finally:
        remove_server(started)


def _sh(server: PostgresServer, line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """One command of the README's, at this server: HOST is loopback and its port, and the
    administrator is the test server's."""
    host = f"127.0.0.1:{server.port}"
    args = shlex.split(line.replace("@HOST/", f"@{host}/"))
    if args[0] == "scp-desktop":
        args = [sys.executable, "-m", "scp_desktop", *args[1:]]
    else:
        args[0] = str(server.bin / args[0])
        i = args.index("-h")
        args[i + 1 : i + 2] = ["127.0.0.1", "-p", str(server.port)]
        args = [ADMIN if a == "postgres" else a for a in args]
    return run_as_it(args, cwd)


def _url(server: PostgresServer, role: str, database: str = "safer_colchester") -> str:
    return f"postgresql+psycopg://{role}@127.0.0.1:{server.port}/{database}"


def _connect(server: PostgresServer, role: str) -> psycopg.Connection[tuple[object, ...]]:
    """A plain connection to the partnership's database as `role`, as IT's tools make one."""
    return psycopg.connect(
        host="127.0.0.1",
        port=server.port,
        user=role,
        password=PASSWORD,
        dbname="safer_colchester",
        autocommit=True,
    )


def test_the_readme_sets_up_a_partnerships_server_as_it_says(
    server: PostgresServer, demo_template: Path, tmp_path: Path
) -> None:
    blocks = _blocks()
    kinds = [kind for kind, _ in blocks]
    assert kinds == ["sh", "sql", "sh", "sql", "sh", "sh"], kinds
    _copies, roles, create, grants, backup, restore = (body for _, body in blocks)
    # IT's roles and the partnership's database, as the server's administrator.
    with server.admin() as conn:
        for statement in _statements(roles):
            conn.execute(statement)
    # The tables created as scp_owner, and a laptop plan moved in.
    (tmp_path / "plan.db").write_bytes(demo_template.read_bytes())
    for line in create.strip().splitlines():
        done = _sh(server, line, tmp_path)
        assert done.returncode == 0, (line, done.stderr)
    assert action_count(_url(server, "scp_owner")) == 51
    # The grants, as scp_owner in that database.
    with _connect(server, "scp_owner") as conn:
        for statement in _statements(grants):
            conn.execute(statement.encode())
    # An officer edits, and the history records her role.
    officer, _ = open_database(_url(server, "jsmith"), password=PASSWORD)
    assert officer.read_only is None
    with officer.session(audit=False) as s:
        action_id = s.scalars(select(Action.id).order_by(Action.id).limit(1)).one()
    editing.set_action_status(officer, action_id, "complete")
    with officer.session(audit=False) as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert last.user == "jsmith"
    officer.close()
    # The board member reads (and sees others' changes) but cannot write.
    board, _ = open_database(_url(server, "board_chair"), password=PASSWORD)
    assert board.read_only is not None and board.read_only.kind is ReadOnlyKind.ROLE
    assert "board_chair may read this plan but not change it" in board.read_only.why
    where_we_stand(board)
    board.close()
    # A table a newer version adds on upgrade is the groups' too (the default privileges).
    with _connect(server, "scp_owner") as conn:
        conn.execute("CREATE TABLE added_later (id serial PRIMARY KEY, note text)")
    with _connect(server, "jsmith") as conn:
        conn.execute("INSERT INTO added_later (note) VALUES ('written by an editor')")
    # Another partnership's officer is kept out, and told so.
    with server.admin() as conn:
        conn.execute(f"CREATE ROLE tendring_officer LOGIN PASSWORD '{PASSWORD}'")
    with pytest.raises(DatabaseError, match="may not open the database safer_colchester"):
        open_database(_url(server, "tendring_officer"), password=PASSWORD)
    # The nightly backup, restored into a new database and checked.
    for line in [*backup.strip().splitlines(), *restore.strip().splitlines()]:
        done = _sh(server, line, tmp_path)
        assert done.returncode == 0, (line, done.stderr)
    assert "Actions: 51" in done.stdout and "Result: OK" in done.stdout
    restored, _ = open_database(
        _url(server, "jsmith", "safer_colchester_restored"), password=PASSWORD
    )
    assert restored.read_only is None
    editing.set_action_status(restored, action_id, "active")
    restored.close()
