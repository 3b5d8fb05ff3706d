"""A real process killed (SIGKILL) at many moments of an import, a roll-over, a plan from a
spreadsheet, a backup and a restore: the file is always whole, and wholly before or wholly after;
no half backup is ever listed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.generate import Spec, generate
from bench.workbooks import RETURN_QUARTER, make_returns
from scp_desktop.services.returns.export import export_plan_workbook
from scp_desktop.storage import backups
from scp_desktop.storage.database import open_database

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked (POSIX)")

ROOT = Path(__file__).resolve().parent.parent
KILL_POINTS = 20
ACTIONS = 120


class Forker:
    """The worker-forking process of tests/kill_child.py, spoken to line by line."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.kill_child"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.read() == {"ready": True}

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the worker-forking process ended"
        data: dict[str, Any] = json.loads(line)
        assert "error" not in data, data["error"]
        return data

    def send(self, **request: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()

    def ask(self, **request: Any) -> dict[str, Any]:
        self.send(**request)
        return self.read()

    def run(self, op: str, db: Path, source: Path | None, kill_after: float | None) -> bool:
        """Run one worker; kill it `kill_after` seconds in. True if the kill landed."""
        self.send(cmd="run", op=op, db=str(db), source=str(source) if source else "")
        pid = self.read()["pid"]
        if kill_after is not None:
            time.sleep(kill_after)
            with contextlib.suppress(ProcessLookupError):  # it finished first
                os.kill(pid, signal.SIGKILL)
        done = self.read()
        if not done["killed"]:
            assert done["exit"] == 0, f"{op} failed in its worker (see its error above)"
        self.last_seconds = float(done["seconds"])
        return bool(done["killed"])

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@dataclass
class Material:
    folder: Path
    template: Path  # the plan before anything
    source: Path  # a backup of the template, to restore


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> Material:
    folder = tmp_path_factory.mktemp("kill")
    spec = Spec(ACTIONS, seed=13, narrative=(200, 600))
    template = generate(spec, folder / "template.db").path
    make_returns(template, spec, folder / "returns")
    db, _ = open_database(template, create=False)
    try:
        export_plan_workbook(db, 1, folder / "plan.xlsx")
    finally:
        db.close()
    source = backups.take_backup(template, "manual", out=folder / "source.db").path
    return Material(folder, template, source)


@pytest.fixture(scope="module")
def forker(material: Material) -> Iterator[Forker]:
    f = Forker()
    files = sorted(str(p) for p in (material.folder / "returns").iterdir())
    assert (
        f.ask(cmd="prepare_import", db=str(material.template), files=files, quarter=RETURN_QUARTER)[
            "rows"
        ]
        >= ACTIONS // 2
    )
    assert (
        f.ask(
            cmd="prepare_plan",
            db=str(material.template),
            file=str(material.folder / "plan.xlsx"),
            year="2031-32",
        )["lines"]
        >= ACTIONS * 9 // 10
    )
    yield f
    f.close()


def fingerprint(path: Path) -> tuple[Any, ...]:
    """What a change would alter: every table's row count, and the plans, actions and updates."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        counts = tuple(
            (t, conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables
        )
        digest = hashlib.sha256()
        for query in (
            "SELECT id, year, title FROM plan ORDER BY id",
            'SELECT id, title, objective_id FROM "action" ORDER BY id',
            "SELECT action_id, quarter, rag, narrative FROM quarter_update ORDER BY id",
        ):
            for row in conn.execute(query):
                digest.update(repr(row).encode("utf-8"))
        return counts, digest.hexdigest()
    finally:
        conn.close()


def whole(path: Path) -> None:
    """Opened as the next start would open it (a hot journal or log is rolled back or on), the
    file passes SQLite's full check."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def listed_backups_are_whole(live: Path) -> int:
    listed = backups.list_backups(live)
    for info in listed:
        checked = backups.inspect_backup(info.path)  # raises if damaged or not ours
        assert (checked.plans, checked.actions, checked.size) == (
            info.plans,
            info.actions,
            info.size,
        )
    return len(listed)


def fresh(live: Path, start: Path) -> None:
    for leftover in (live, Path(f"{live}-wal"), Path(f"{live}-shm"), Path(f"{live}-journal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(backups.folder_beside(live), ignore_errors=True)
    shutil.copy(start, live)


@pytest.mark.parametrize("op", ["import", "rollover", "plan", "backup", "restore"])
def test_killed_at_any_moment_the_file_is_before_or_after(
    op: str, material: Material, forker: Forker
) -> None:
    live = material.folder / f"live-{op}.db"
    start = material.template
    source = None
    if op == "restore":
        # The live file has had an import since the backup being restored.
        fresh(live, material.template)
        assert not forker.run("import", live, None, None)
        start = material.folder / "after-import.db"
        shutil.copy(live, start)
        source = material.source
    fresh(live, start)
    before = fingerprint(start)
    assert not forker.run(op, live, source, None)
    whole(live)
    after = fingerprint(live)
    assert (after == before) == (op == "backup")
    assert listed_backups_are_whole(live) == 1
    uncut = forker.last_seconds
    fresh(live, start)
    assert not forker.run(op, live, source, None)
    assert fingerprint(live) == after
    uncut = min(uncut, forker.last_seconds)

    rnd = random.Random(f"{op}-kill-points")
    outcomes: Counter[str] = Counter()
    for point in range(KILL_POINTS):
        fresh(live, start)
        # Spread over the whole run (runs vary, so some finish first).
        delay = uncut * (point + rnd.random()) / KILL_POINTS
        killed = forker.run(op, live, source, delay)
        if not killed:  # this machine is quicker now: later points are brought closer
            uncut = min(uncut, forker.last_seconds)
        whole(live)
        state = fingerprint(live)
        assert state in (before, after), f"{op} killed after {delay:.3f}s left a half change"
        count = listed_backups_are_whole(live)
        outcomes["killed" if killed else "finished"] += 1
        outcomes["before" if state == before else "after"] += 1
        outcomes[f"{count} backup(s) listed"] += 1
    print(f"{op}: uncut {uncut:.3f}s; {dict(outcomes)}")
    # Most kills must land while the work is going on, or the test proves nothing.
    assert outcomes["killed"] >= KILL_POINTS // 2
