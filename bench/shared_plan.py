"""`python -m bench.shared_plan`: the same plan in a file and on a PostgreSQL server, side by
side: opening the plan (time and statements sent, each a round trip to a server), the table's
rows, the search text, and ten simulated officers editing at once.

It starts a PostgreSQL server of its own on loopback (Debian's postgresql package), as the
tests do, and writes bench/shared_results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from bench.generate import QUARTERS, Spec, generate
from scp_desktop.services import edit_inputs, editing, plans, workspace
from scp_desktop.services.errors import ConflictError
from scp_desktop.storage.copying import copy_database
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import Action

ROOT = Path(__file__).resolve().parent.parent
QUARTER = QUARTERS[-1]
TODAY = dt.date(2023, 3, 1)
OFFICERS = 10
EDITS_EACH = 20


@contextmanager
def counted(db: Database) -> Iterator[list[int]]:
    """The statements sent to the database while the block runs: SQLite's own trace of every
    statement; on the server, SQLAlchemy's statements and the bulk reads' own."""
    sent = [0]

    def count(*_args: Any) -> None:
        sent[0] += 1

    if db.shared:
        from scp_desktop.storage import server_rows

        original = server_rows.ServerCursor.execute

        def execute(self: Any, sql: str, parameters: Any = None) -> Any:
            count()
            return original(self, sql, parameters)

        server_rows.ServerCursor.execute = execute  # type: ignore[method-assign]
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield sent
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
            server_rows.ServerCursor.execute = original  # type: ignore[method-assign]
        return

    def trace(dbapi_conn: Any, *_args: Any) -> None:
        dbapi_conn.set_trace_callback(lambda _sql: count())

    def untrace(dbapi_conn: Any, *_args: Any) -> None:
        dbapi_conn.set_trace_callback(None)

    event.listen(db.engine, "checkout", trace)
    event.listen(db.engine, "checkin", untrace)
    try:
        yield sent
    finally:
        event.remove(db.engine, "checkout", trace)
        event.remove(db.engine, "checkin", untrace)


def _median(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def open_plan(db: Database) -> int:
    """What the window reads to show a plan: the partnership, the plans, the structure, the
    rows and the latest progress."""
    plans.partnership(db)
    plan_id = plans.list_plans(db)[0].id
    workspace.plan_structure(db, plan_id)
    workspace.load_action_rows(db, plan_id, QUARTER, TODAY)
    workspace.load_latest_progress(db, plan_id, QUARTER)
    return plan_id


def officers_editing(db_of: Callable[[str], Database], action_ids: list[int]) -> dict[str, Any]:
    """Ten officers at once, each saving EDITS_EACH actions from a shared pool of a few, every
    save from the version it last read: conflicts are expected and must all be reported."""
    pool = action_ids[:5]
    saved = [0] * OFFICERS
    refused = [0] * OFFICERS
    start = threading.Barrier(OFFICERS)

    def officer(n: int) -> None:
        db = db_of(f"officer {n}")
        start.wait()
        for i in range(EDITS_EACH):
            action_id = pool[(n + i) % len(pool)]
            with db.session(audit=False) as s:
                a = s.get_one(Action, action_id)
                fields, version = edit_inputs.fields_of(a), a.version
            try:
                editing.save_action(
                    db,
                    action_id,
                    replace(fields, title=f"Edit {i} by officer {n}"),
                    expected_version=version,
                )
                saved[n] += 1
            except ConflictError:
                refused[n] += 1
        db.close()

    threads = [threading.Thread(target=officer, args=(n,)) for n in range(OFFICERS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {
        "saves": sum(saved),
        "conflicts": sum(refused),
        "attempts": OFFICERS * EDITS_EACH,
        "edits_per_second": (sum(saved) + sum(refused)) / seconds,
    }


def measure(db: Database, db_of: Callable[[str], Database]) -> dict[str, Any]:
    with counted(db) as sent:
        plan_id = open_plan(db)
    opened = _median(lambda: open_plan(db))
    rows = _median(lambda: workspace.load_action_rows(db, plan_id, QUARTER, TODAY))
    search = _median(lambda: workspace.load_search_texts(db, plan_id, QUARTER), 1)
    with db.session(audit=False) as s:
        ids = list(s.scalars(select(Action.id).order_by(Action.id).limit(5)))
    before = _versions(db, ids)
    editing_at_once = officers_editing(db_of, ids)
    after = _versions(db, ids)
    editing_at_once["versions_added"] = sum(after[a] - before[a] for a in ids)
    return {
        "statements_to_open": sent[0],
        "open_s": opened,
        "rows_s": rows,
        "search_text_s": search,
        **editing_at_once,
    }


def _versions(db: Database, ids: list[int]) -> dict[int, int]:
    with db.session(audit=False) as s:
        return {a: s.get_one(Action, a).version for a in ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="500,5000")
    args = parser.parse_args()
    from tests.postgres_server import PASSWORD, remove_server, start_server

    server = start_server()
    lines = [
        "# A plan in a file and on a PostgreSQL server (loopback), side by side",
        "",
        f"Measured {dt.date.today().isoformat()}; times are medians in seconds. "
        "Statements to open: what the window sends to show a plan (each one a round trip "
        "on a council network). Ten officers each try 20 saves of 5 shared actions at once; "
        "every save not applied must be a reported conflict (saves = versions added).",
        "",
        "| actions | engine | statements to open | open | rows | search text | saves | "
        "conflicts | edits/s | nothing lost |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for size in (int(s) for s in args.sizes.split(",")):
                path = Path(tmp) / f"plan-{size}.db"
                generate(Spec(size), path)
                file_db, _ = open_database(path, user="bench")
                name = server.new_database()
                url = server.url(name)
                shared, _ = open_database(url, password=PASSWORD)
                copy_database(file_db, shared)
                for engine, db, db_of in (
                    ("SQLite file", file_db, lambda who, p=path: open_database(p, user=who)[0]),
                    (
                        "PostgreSQL",
                        shared,
                        lambda _who, u=url: open_database(u, password=PASSWORD)[0],
                    ),
                ):
                    m = measure(db, db_of)
                    whole = m["saves"] + m["conflicts"] == m["attempts"]
                    lost = "yes" if whole and m["saves"] == m["versions_added"] else "NO"
                    lines.append(
                        f"| {size} | {engine} | {m['statements_to_open']} | {m['open_s']:.3f} | "
                        f"{m['rows_s']:.3f} | {m['search_text_s']:.3f} | {m['saves']} | "
                        f"{m['conflicts']} | {m['edits_per_second']:.0f} | {lost} |"
                    )
                    print(lines[-1], flush=True)
                file_db.close()
                shared.close()
    finally:
        remove_server(server)
    (ROOT / "bench" / "shared_results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
