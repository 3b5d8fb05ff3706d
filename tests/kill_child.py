"""A process that forks workers doing one real write each, for the tests that kill them (SIGKILL).

Importing the application takes a second or more; forking this process, which has imported it
once, starts each worker in milliseconds, so many kill points fit in a test run. Commands come
as JSON lines on stdin; answers go back as JSON lines on stdout. Workers never write to stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import editing
from scp_desktop.services.plan_spreadsheet import load_plan_spreadsheet, preview_plan_spreadsheet
from scp_desktop.services.returns.apply import apply_import
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.storage import backups
from scp_desktop.storage.database import open_database
from scp_desktop.storage.models import Action, Plan

prepared: dict[str, Any] = {}


def prepare_import(template: Path, files: list[Path], quarter: str) -> dict[str, Any]:
    db, _ = open_database(template, create=False)
    try:
        preview = preview_import(db, files, Quarter.parse(quarter))
    finally:
        db.close()
    for row in preview.rows:
        row.overwrite = True  # every row writes: the longest apply there is
    prepared["import"] = preview
    return {"rows": sum(1 for r in preview.rows if r.selected and r.applicable)}


def prepare_plan(template: Path, workbook: Path, year: str) -> dict[str, Any]:
    db, _ = open_database(template, create=False)
    try:
        preview = preview_plan_spreadsheet(db, workbook, year=year)
    finally:
        db.close()
    prepared["plan"] = preview
    return {"lines": len(preview.lines)}


def work(op: str, db_path: Path, source: Path | None) -> None:
    """What one worker does, start to end, as the application would."""
    if op == "backup":
        backups.take_backup(db_path, "manual")
        return
    if op == "restore":
        assert source is not None
        backups.restore_backup(db_path, source)
        return
    db, _ = open_database(db_path, create=False)
    try:
        if op == "import":
            apply_import(db, prepared["import"])
        elif op == "plan":
            load_plan_spreadsheet(db, prepared["plan"])
        elif op == "rollover":
            with db.session(audit=False) as s:
                plan_id = s.scalars(select(Plan.id).order_by(Plan.id)).first()
                ids = list(s.scalars(select(Action.id)))
            assert plan_id is not None
            editing.rollover_plan(db, plan_id, ids[::2])
        else:
            raise ValueError(op)
    finally:
        db.close()


def run(op: str, db_path: Path, source: Path | None) -> dict[str, Any]:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            work(op, db_path, source)
        except BaseException:
            traceback.print_exc()
            code = 3
        finally:
            sys.stderr.flush()
            os._exit(code)
    answer({"pid": pid})
    _, status = os.waitpid(pid, 0)
    return {
        "seconds": time.monotonic() - started,
        "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9,
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    }


def answer(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def main() -> None:
    answer({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request["cmd"]
        try:
            if cmd == "prepare_import":
                result = prepare_import(
                    Path(request["db"]), [Path(f) for f in request["files"]], request["quarter"]
                )
            elif cmd == "prepare_plan":
                result = prepare_plan(Path(request["db"]), Path(request["file"]), request["year"])
            elif cmd == "run":
                source = Path(request["source"]) if request.get("source") else None
                result = run(request["op"], Path(request["db"]), source)
            else:
                raise ValueError(cmd)
        except Exception as exc:
            result = {"error": f"{type(exc).__name__}: {exc}"}
        answer(result)


if __name__ == "__main__":
    main()
