"""A whole partnership database copied from a file to a server and back, checked table by table."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import edit_inputs, editing, plan_reads, workspace
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.copying import CopyRefused, copy_database, table_checksum
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import Action, Base
from tests.postgres_server import PASSWORD, PostgresServer

Q2 = "2022-23-Q2"
TODAY = dt.date(2022, 11, 1)


def _rows(db: Database) -> list[plan_reads.ActionRow]:
    return workspace.load_action_rows(db, plan_for_quarter(db, Quarter.parse(Q2)), Q2, TODAY)


def _checksums(db: Database) -> dict[str, tuple[int, str]]:
    with db.engine.connect() as conn:
        return {t.name: table_checksum(conn, t) for t in Base.metadata.sorted_tables}


def test_a_file_goes_to_the_server_and_back_unchanged(
    demo_db: Database, pg_server: PostgresServer, pg_empty_template: str, tmp_path: Path
) -> None:
    server, _ = open_database(
        pg_server.url(pg_server.new_database(pg_empty_template)), password=PASSWORD
    )
    seen: list[str] = []
    report = copy_database(demo_db, server, progress=lambda _d, _t, name: seen.append(name))
    assert {t.name for t in report.tables} == {t.name for t in Base.metadata.sorted_tables}
    assert report.rows == sum(rows for rows, _ in _checksums(demo_db).values())
    assert seen[0] == Base.metadata.sorted_tables[0].name and seen[-1] == ""
    assert _checksums(server) == _checksums(demo_db)
    assert _rows(server) == _rows(demo_db)
    back, _ = open_database(tmp_path / "back.db", user="tester")
    copy_database(server, back)
    assert _checksums(back) == _checksums(demo_db)
    # The server's id counters were moved past the copied rows: a new action gets a new id.
    with server.session(audit=False) as s:
        objective_id = s.scalars(select(Action.objective_id).limit(1)).one()
        highest = max(s.scalars(select(Action.id)))
    lead = workspace.partner_choices(server)[0].id
    new_id = editing.create_action(
        server,
        objective_id,
        edit_inputs.ActionFields(title="Added on the server", lead_ids=(lead,)),
    )
    assert new_id > highest
    server.close()
    back.close()


def test_a_target_holding_a_plan_is_refused_unless_replaced(
    demo_db: Database, pg_demo_db: Database, db: Database
) -> None:
    with pg_demo_db.session() as s:
        action = s.scalars(select(Action).limit(1)).one()
        action.title = "Only on the server"
    before = _checksums(pg_demo_db)
    with pytest.raises(CopyRefused, match=r"already holds a plan .*add --replace"):
        copy_database(demo_db, pg_demo_db)
    assert _checksums(pg_demo_db) == before
    with pytest.raises(CopyRefused, match="same database"):
        copy_database(demo_db, demo_db)
    copy_database(demo_db, pg_demo_db, replace=True)
    assert _checksums(pg_demo_db) == _checksums(demo_db)
    copy_database(pg_demo_db, db)  # an empty file takes a copy without being told
    assert _checksums(db) == _checksums(demo_db)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scp_desktop", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PGPASSWORD": PASSWORD},
        stdin=subprocess.DEVNULL,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_the_copy_command_both_ways(
    demo_template: Path, pg_server: PostgresServer, tmp_path: Path
) -> None:
    url = pg_server.url(pg_server.new_database())
    up = _run("copy", "--from", str(demo_template), "--to", url)
    assert up.returncode == 0, up.stderr
    assert "Every table's row count and content checksum match" in up.stdout
    again = _run("copy", "--from", str(demo_template), "--to", url)
    assert again.returncode == 1 and "already holds a plan" in again.stderr
    down = _run("copy", "--from", url, "--to", str(tmp_path / "meeting.db"))
    assert down.returncode == 0, down.stderr
    assert "action: 51 row(s)" in down.stdout
    missing = _run("copy", "--from", str(tmp_path / "none.db"), "--to", url)
    assert missing.returncode == 1
    assert f"There is no plan file at {tmp_path / 'none.db'}" in missing.stderr
    # A copy refused leaves no new file behind.
    refused = _run("copy", "--from", url, "--to", url)
    assert refused.returncode == 1 and "same" in refused.stderr
    occupied = _run("copy", "--from", url, "--to", str(tmp_path / "meeting.db"))
    assert occupied.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["meeting.db"]


def test_a_copy_that_does_not_match_its_source_is_not_kept(
    demo_db: Database, pg_server: PostgresServer, pg_empty_template: str, tmp_path: Path
) -> None:
    """Rows altered or lost on the way (here by a trigger on the target) are caught by the
    row counts and checksums compared after the copy, either way, and nothing is kept."""
    from sqlalchemy import func, text

    server, _ = open_database(
        pg_server.url(pg_server.new_database(pg_empty_template)), password=PASSWORD
    )
    with server.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION scp_alter_title() RETURNS trigger AS $$ BEGIN "
                "NEW.title := NEW.title || ' (altered)'; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER alter_title BEFORE INSERT ON action FOR EACH ROW "
                "EXECUTE FUNCTION scp_alter_title()"
            )
        )
    with pytest.raises(CopyRefused, match=r"table action does not match the source"):
        copy_database(demo_db, server)
    with server.session(audit=False) as s:
        assert s.scalar(select(func.count()).select_from(Action)) == 0
    server.close()

    with demo_db.session(audit=False) as s:
        last = s.scalar(select(func.max(Action.id)))
    back, _ = open_database(tmp_path / "back.db", user="tester")
    with back.engine.begin() as conn:
        conn.execute(
            text(
                f"CREATE TRIGGER lose_one AFTER INSERT ON action WHEN NEW.id = {last} "
                "BEGIN DELETE FROM action WHERE id = NEW.id; END"
            )
        )
    source, _ = open_database(
        pg_server.url(pg_server.new_database(pg_empty_template)), password=PASSWORD
    )
    copy_database(demo_db, source)
    with pytest.raises(CopyRefused, match=r"does not match the source \(50 rows copied of 51"):
        copy_database(source, back)
    with back.session(audit=False) as s:
        assert s.scalar(select(func.count()).select_from(Action)) == 0
    source.close()
    back.close()
