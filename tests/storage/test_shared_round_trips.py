"""Opening a shared plan on a real PostgreSQL server: about one round trip to the server per
statement, the same number whatever the plan's size, counted as the benchmark counts them
(the driver's own protocol trace)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from bench.generate import Spec, generate
from bench.shared_plan import counted, open_plan, round_trips, traced
from scp_desktop.services import plans
from scp_desktop.storage import server_liveness
from scp_desktop.storage.copying import copy_database
from scp_desktop.storage.database import Database, open_database
from tests.postgres_server import PASSWORD, PostgresServer

SIZES = (40, 400)
# A round trip a statement, and at most this many more: the reads need none (they run
# without a transaction and on a connection used a moment ago needs no ping), but one
# is allowed for the pool's liveness check should the machine stall for seconds between
# two reads.
SLACK = 1


@pytest.fixture(scope="module")
def shared_plans(
    pg_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[int, str]:
    """The same synthetic partnership at two sizes, each moved onto the server; their
    addresses."""
    work = tmp_path_factory.mktemp("round-trips")
    out: dict[int, str] = {}
    for size in SIZES:
        made = generate(Spec(size, seed=5, narrative=(20, 80)), work / f"plan-{size}.db")
        url = pg_server.url(pg_server.new_database())
        file_db, _ = open_database(made.path, user="tester")
        shared, _ = open_database(url, password=PASSWORD)
        copy_database(file_db, shared)
        file_db.close()
        shared.close()
        out[size] = url
    return out


def _statements_and_trips(url: str) -> tuple[int, int]:
    db, _ = open_database(url, password=PASSWORD)
    try:
        with counted(db) as sent:
            open_plan(db)
        with round_trips(db) as trips:
            open_plan(db)
    finally:
        db.close()
    return sent[0], trips[0]


def test_the_windows_first_reads_cost_a_round_trip_a_statement_whatever_the_size(
    shared_plans: dict[int, str],
) -> None:
    measured = {size: _statements_and_trips(url) for size, url in shared_plans.items()}
    for size, (statements, trips) in measured.items():
        assert statements > 0
        assert statements <= trips <= statements + SLACK, (size, statements, trips)
    small, large = (measured[size] for size in SIZES)
    assert small == large, measured


def _first_connection_trips(url: str) -> int:
    """What any SQLAlchemy engine exchanges with the server on its first connection (it
    reads the server's version and settings), before SCP Desktop asks anything."""
    plain = create_engine(make_url(url).set(password=PASSWORD))
    try:
        # Traced as the opening is: every engine's connections, from the moment each is made.
        with traced() as trips, plain.connect():
            pass
    finally:
        plain.dispose()
    return trips[0]


def _opening_anew(url: str) -> tuple[int, int, int]:
    """Round trips of opening the plan from its address and reading it as the window does,
    and the statements of the opening checks and of the reads."""
    checks = [0]

    def count(*_args: object) -> None:
        checks[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    try:
        with traced() as trips:
            db, _ = open_database(url, password=PASSWORD)
            event.remove(Engine, "before_cursor_execute", count)
            with counted(db) as reads:
                open_plan(db)
            db.close()
    finally:
        if event.contains(Engine, "before_cursor_execute", count):
            event.remove(Engine, "before_cursor_execute", count)
    return trips[0], checks[0], reads[0]


def test_opening_the_plan_anew_adds_only_its_checks_and_the_connections_set_up(
    shared_plans: dict[int, str],
) -> None:
    setup = _first_connection_trips(shared_plans[SIZES[0]])
    measured = {size: _opening_anew(url) for size, url in shared_plans.items()}
    for size, (trips, checks, reads) in measured.items():
        # The schema and role checks: a statement or two, not a transaction per check.
        assert 0 < checks <= 2, (size, checks)
        assert trips <= setup + checks + reads + SLACK, (size, setup, checks, reads, trips)
    small, large = (measured[size] for size in SIZES)
    assert small == large, measured


def _backend(db: Database) -> int:
    with db.reading() as s:
        return int(s.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_the_server_ended_is_replaced_before_it_is_used(
    pg_server: PostgresServer, pg_demo_db: Database
) -> None:
    before = _backend(pg_demo_db)
    with pg_server.admin() as conn:
        # Waits until the server process has gone, as after a restart of the server.
        ended = conn.execute("SELECT pg_terminate_backend(%s, 10000)", (before,)).fetchone()
    assert ended == (True,)
    # No error for the officer: the pool saw the server's goodbye and took a new connection.
    assert [p.year for p in plans.list_plans(pg_demo_db)] == ["2022-23"]
    assert _backend(pg_demo_db) != before


def test_a_connection_rested_in_the_pool_is_pinged_and_one_used_a_moment_ago_is_not(
    pg_demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def trips_of_two_reads() -> int:
        """A read on a new connection, then one on the same connection back from the pool."""
        pg_demo_db.engine.dispose()
        with traced(pg_demo_db.engine) as trips:
            plans.list_plans(pg_demo_db)
            plans.list_plans(pg_demo_db)
        return trips[0]

    assert trips_of_two_reads() == 2
    # As if every connection had rested longer than a connection may go unchecked.
    monkeypatch.setattr(server_liveness, "FRESH_S", 0.0)
    assert trips_of_two_reads() == 3


def test_a_look_for_other_officers_changes_is_its_statements_alone(
    shared_plans: dict[int, str],
) -> None:
    from scp_desktop.services.shared_changes import changes_since, where_we_stand

    db, _ = open_database(shared_plans[SIZES[0]], password=PASSWORD)
    try:
        seen = where_we_stand(db)
        with counted(db) as sent:
            changes_since(db, seen)
        with round_trips(db) as trips:
            changes_since(db, seen)
    finally:
        db.close()
    # Nothing changed: the change counter is read, and no BEGIN or ROLLBACK goes with it.
    assert sent[0] == 1
    assert sent[0] <= trips[0] <= sent[0] + SLACK
