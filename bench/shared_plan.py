"""`python -m bench.shared_plan`: the same plans in a file and on a PostgreSQL server, side by
side in one run: opening the plan (time, statements sent and round trips to the server, at
each size), the window's action table with a filter keystroke, the returns import, the
quarterly report, and ten simulated officers editing at once.

It starts a PostgreSQL server of its own on loopback (Debian's postgresql package), as the
tests do, and writes bench/shared_results.md; `python -m bench` runs it too, on its own data,
and puts the same tables in bench/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.pool import Pool

from bench.generate import QUARTERS, Spec, generate
from bench.workbooks import RETURN_QUARTER
from scp_desktop.services import edit_inputs, editing, plans, workspace
from scp_desktop.services.errors import ConflictError
from scp_desktop.storage.copying import copy_database
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import Action
from scp_desktop.storage.server import server_place

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


@contextmanager
def round_trips(db: Database) -> Iterator[list[int]]:
    """Every exchange with the server while the block runs, read from the server driver's own
    protocol trace (each exchange ends with the server's ReadyForQuery): statements, the
    transaction's BEGIN and COMMIT and the pool's liveness check alike. The block starts on a
    new connection, as a window's first reading of the plan does."""
    db.engine.dispose()
    try:
        with traced(db.engine) as trips:
            yield trips
    finally:
        db.engine.dispose()


@contextmanager
def traced(target: Any = Pool) -> Iterator[list[int]]:
    """The exchanges with the server of every connection `target` (an engine; by default
    every engine's pool) makes while the block runs, from the driver's protocol trace. A
    connection's log-in is not counted: the trace starts once it is made."""
    import psycopg

    trips = [0]
    trace = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed after the block)
    tracing: dict[int, Any] = {}

    def attach(dbapi_conn: Any, _record: Any) -> None:
        pgconn = dbapi_conn.pgconn
        pgconn.trace(os.dup(trace.fileno()))
        pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        tracing[id(dbapi_conn)] = pgconn

    def detach(dbapi_conn: Any, _record: Any) -> None:
        # Before the connection closes: ending the trace writes out what it holds.
        pgconn = tracing.pop(id(dbapi_conn), None)
        if pgconn is not None:
            pgconn.untrace()

    event.listen(target, "connect", attach)
    event.listen(target, "close", detach)
    try:
        yield trips
    finally:
        event.remove(target, "connect", attach)
        event.remove(target, "close", detach)
        for pgconn in tracing.values():
            pgconn.untrace()
        trace.seek(0)
        trips[0] = sum(1 for line in trace if b"\tReadyForQuery" in line)
        trace.close()


def opening(db: Database, reopen: Callable[[], Database] | None = None) -> dict[str, Any]:
    """Opening the plan: the statements and the round trips of the window's first reads, and
    with `reopen` (a shared plan) the round trips of opening it anew, its checks with them."""
    with counted(db) as sent:
        open_plan(db)
    out: dict[str, Any] = {"statements": sent[0], "open_s": _median(lambda: open_plan(db))}
    if db.shared:
        with round_trips(db) as trips:
            open_plan(db)
        out["round_trips"] = trips[0]
    if reopen is not None:
        with traced() as trips:
            again = reopen()
            open_plan(again)
            again.close()
        out["round_trips_opening"] = trips[0]
    return out


def window_and_filter(db: Database, actions: int) -> dict[str, float]:
    """The main window on the plan until its action table shows every action, then the
    filter typed and deleted as the main benchmark does (median keystroke)."""
    from bench import probes
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.settings import Settings

    app = probes._app()
    started = time.perf_counter()
    window = MainWindow(db, Settings(), open_result=None)
    window.resize(1366, 768)
    window.show()
    probes._settle(app)
    view = probes._find_action_table(window, actions, timeout=120)
    probes._settle(app)
    shown = time.perf_counter() - started
    # The officer reads the plan a moment before typing: the search texts the window reads
    # in the background after showing it (and the first look for others' changes) are in.
    settled = time.perf_counter() + 3.0
    while time.perf_counter() < settled:
        app.processEvents()
        time.sleep(0.005)
    edit = probes._find_filter(window)
    keys: list[float] = []
    changing: list[float] = []
    for _ in range(2):
        typed, changed = probes._type_filter(app, window, edit, view.model(), 2.0)
        keys += typed
        changing += changed
    probes._dispose(app, window)
    out = {"window_s": shown, "filter_key_s": statistics.median(keys)}
    if changing:
        out["filter_key_changing_s"] = statistics.median(changing)
    return out


def import_preview(location: Path, files: list[Path]) -> dict[str, Any]:
    """The returns' import preview (every row read and matched to the plan), as `import_app`
    measures it for the main benchmark, with its own connection to the plan."""
    from bench.features import DryRun

    dry = DryRun(location, RETURN_QUARTER)
    try:
        outcomes: dict[str, int] = {}

        def run() -> None:
            outcomes.update(dry.run(files))

        seconds = _median(run, 3)
    finally:
        dry.close()
    return {"import_s": seconds, "import_rows": sum(outcomes.values())}


def report(location: Path, out: Path) -> dict[str, Any]:
    from bench.features import QuarterlyReport

    builder = QuarterlyReport(location, QUARTER)
    try:
        seconds = _median(lambda: builder.build(out), 1)
    finally:
        builder.close()
    return {"report_s": seconds}


def _officers(db: Database, db_of: Callable[[str], Database]) -> dict[str, Any]:
    with db.session(audit=False) as s:
        ids = list(s.scalars(select(Action.id).order_by(Action.id).limit(5)))
    before = _versions(db, ids)
    out = officers_editing(db_of, ids)
    after = _versions(db, ids)
    out["versions_added"] = sum(after[a] - before[a] for a in ids)
    whole = out["saves"] + out["conflicts"] == out["attempts"]
    out["nothing_lost"] = whole and out["saves"] == out["versions_added"]
    return out


def _versions(db: Database, ids: list[int]) -> dict[int, int]:
    with db.session(audit=False) as s:
        return {a: s.get_one(Action, a).version for a in ids}


ENGINES = ("SQLite file", "PostgreSQL")


def side_by_side(plans: dict[int, Path], returns: list[Path], work: Path) -> dict[str, Any]:
    """Every measurement on both engines, the server started for the run and removed after.
    `plans`: the generated plan files by size; the largest also gets the window, the import
    of `returns` and the report."""
    from tests.postgres_server import PASSWORD, remove_server, server_binaries, start_server

    if server_binaries() is None:
        return {"unavailable": "PostgreSQL's server programs are not installed"}
    # The plan's connections made by the import and report take the password as a
    # scheduled job does.
    os.environ["PGPASSWORD"] = PASSWORD
    server = start_server()
    results: dict[str, Any] = {"opening": [], "largest": {}, "officers": {}}
    try:
        largest = max(plans)
        for size in sorted(plans):
            url = server.url(server.new_database())
            file_db, _ = open_database(plans[size], user="bench")
            shared, _ = open_database(url, password=PASSWORD)
            copy_database(file_db, shared)
            places = {ENGINES[0]: (file_db, plans[size]), ENGINES[1]: (shared, server_place(url))}
            reopen = {ENGINES[1]: lambda u=url: open_database(u, password=PASSWORD)[0]}
            for engine, (db, _where) in places.items():
                measured = opening(db, reopen.get(engine))
                results["opening"].append({"actions": size, "engine": engine, **measured})
                print(results["opening"][-1], flush=True)
            if size == largest:
                results["largest"] = _largest(places, size, returns, work)
                results["officers"] = {
                    ENGINES[0]: _officers(
                        file_db, lambda who, p=plans[size]: open_database(p, user=who)[0]
                    ),
                    ENGINES[1]: _officers(
                        shared, lambda _who, u=url: open_database(u, password=PASSWORD)[0]
                    ),
                }
            file_db.close()
            shared.close()
    finally:
        remove_server(server)
    results["actions"] = max(plans)
    results["return_files"] = len(returns)
    return results


def _largest(
    places: dict[str, tuple[Database, Path]], size: int, returns: list[Path], work: Path
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for engine, (db, where) in places.items():
        m: dict[str, Any] = window_and_filter(db, size)
        if returns:
            m.update(import_preview(where, returns))
        m.update(report(where, work / f"report-{engine.split()[0]}.pdf"))
        out[engine] = m
        print(engine, m, flush=True)
    return out


def _s(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def markdown(results: dict[str, Any], heading: str = "##") -> list[str]:
    """The tables, under headings of the given level."""
    lines = [f"{heading} A plan in a file and on a PostgreSQL server, side by side", ""]
    if "unavailable" in results:
        return [*lines, f"Not measured: {results['unavailable']}.", ""]
    lines += [
        "The server runs on this machine (loopback); on a council network each round trip "
        "adds the network's latency, so what matters is that their number stays small and "
        "the same whatever the plan's size. Statements: those SQLAlchemy sends, and the bulk "
        "reads' own (on SQLite, every statement the file's engine runs). Round trips: every "
        "exchange with the server in the driver's protocol trace (BEGIN and COMMIT included), "
        "on a new connection. Opened anew: the plan opened again from its address (the "
        "server's connection set up, its checks of the schema and of the role) and read the "
        "same way, the log-in itself not counted.",
        "",
        "| actions | engine | statements to open the plan | round trips | round trips, "
        "opened anew | open |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for row in results["opening"]:
        trips, anew = row.get("round_trips"), row.get("round_trips_opening")
        lines.append(
            f"| {row['actions']:,} | {row['engine']} | {row['statements']} | "
            f"{'—' if trips is None else trips} | {'—' if anew is None else anew} | "
            f"{_s(row['open_s'])} |"
        )
    size = results["actions"]
    largest = results["largest"]
    sqlite, server = largest.get(ENGINES[0], {}), largest.get(ENGINES[1], {})
    rows = [
        ("Window opened until the action table shows the plan", "window_s"),
        (
            "Filter keystroke in the action table (median of typing and deleting “knife”)",
            "filter_key_s",
        ),
        ("Filter keystrokes that changed the rows shown (median)", "filter_key_changing_s"),
        (
            f"Import preview of {results['return_files']} returns "
            f"({sqlite.get('import_rows', 0):,} rows)",
            "import_s",
        ),
        ("Quarterly report PDF", "report_s"),
    ]
    lines += [
        "",
        f"| the {size:,}-action plan | SQLite file | PostgreSQL | server ÷ file |",
        "|---|---:|---:|---:|",
    ]
    for title, key in rows:
        a, b = sqlite.get(key), server.get(key)
        ratio = f"{b / a:.2f}×" if a and b else "—"
        lines.append(f"| {title} | {_s(a)} | {_s(b)} | {ratio} |")
    lines += [
        "",
        f"Ten officers at once, each trying {EDITS_EACH} saves of the same 5 actions of the "
        f"{size:,}-action plan, every save from the version that officer last read: a save "
        "not applied must be a reported conflict, and every applied save a new version.",
        "",
        "| engine | saves applied | conflicts reported | edits/s | nothing lost |",
        "|---|---:|---:|---:|---|",
    ]
    for engine, o in results["officers"].items():
        lines.append(
            f"| {engine} | {o['saves']} | {o['conflicts']} | {o['edits_per_second']:.0f} | "
            f"{'yes' if o['nothing_lost'] else 'NO'} |"
        )
    return [*lines, ""]


def run_in_child(plans: dict[int, Path], returns: list[Path], work: Path) -> dict[str, Any]:
    """`side_by_side` in a process of its own (it opens windows and a server), for `python
    -m bench`; a failure is reported in the results rather than ending the benchmark."""
    out = work / "shared.json"
    args = [sys.executable, "-m", "bench.shared_plan", "--json", str(out), "--work", str(work)]
    args += ["--plans", ",".join(f"{n}={p}" for n, p in plans.items())]
    args += ["--returns", *[str(f) for f in returns]]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out.exists():
        return {"unavailable": f"the run failed: {done.stderr.strip()[-400:]}"}
    return dict(json.loads(out.read_text(encoding="utf-8")))


def _generated(sizes: list[int], work: Path) -> tuple[dict[int, Path], list[Path]]:
    from bench.workbooks import make_returns

    plans = {}
    for size in sizes:
        spec = Spec(size)
        plans[size] = generate(spec, work / f"plan-{size}.db").path
    largest = max(sizes)
    returns = make_returns(plans[largest], Spec(largest), work / "returns")
    return plans, returns.files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--plans", help="SIZE=FILE,… plans already generated (python -m bench)")
    parser.add_argument("--returns", nargs="*", type=Path, default=[])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--json", type=Path, help="write the results here instead of the .md")
    parser.add_argument(
        "--from-results",
        type=Path,
        help="write bench/shared_results.md from a `python -m bench` run's results.json",
    )
    args = parser.parse_args()
    if args.from_results:
        whole = json.loads(args.from_results.read_text(encoding="utf-8"))
        write_results(whole["shared"], f"Measured in `make bench`, {whole['generated_at']}.")
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="scp-shared-bench-") as tmp:
        work = args.work or Path(tmp)
        if args.plans:
            plans = {int(n): Path(p) for n, p in (i.split("=", 1) for i in args.plans.split(","))}
            returns = list(args.returns)
        else:
            plans, returns = _generated([int(s) for s in args.sizes.split(",")], work)
        results = side_by_side(plans, returns, work)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
        return
    write_results(results, f"Measured {dt.date.today().isoformat()}.")


def write_results(results: dict[str, Any], when: str) -> None:
    title = "# A plan in a file and on a PostgreSQL server (loopback), side by side"
    text = [title, "", when, "", *markdown(results)[2:]]
    (ROOT / "bench" / "shared_results.md").write_text("\n".join(text), encoding="utf-8")
    print("\n".join(text))


if __name__ == "__main__":
    main()
