"""Ten officers importing returns into one shared plan at once, and ten editing the same
actions at once, each in a process of their own on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.return_workbook import LEAD_SHEET
from scp_desktop.services.returns.export import export_returns
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.database import open_database
from scp_desktop.storage.models import Action, AuditEntry, QuarterUpdate
from tests.postgres_server import PASSWORD, PostgresServer

pytestmark = pytest.mark.slow
Q3 = Quarter.parse("2022-23-Q3")
OFFICERS = 10


def _fill_others(path: Path, taken: set[str], limit: int) -> dict[str, tuple[str, str]]:
    """Fill the lead rows of the actions no other officer's return covers (a joint lead's
    rows are left to the other agency); reference → (RAG letter, narrative)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[LEAD_SHEET]
    filled: dict[str, tuple[str, str]] = {}
    rags = [RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE]
    for row in range(5, ws.max_row + 1):
        ref = ws.cell(row, 1).value
        if not ref or ref in taken or len(filled) == limit:
            continue
        rag = rags[sum(map(ord, ref)) % 4]
        text = f"{path.stem}: progress on {ref}, “on time”."
        ws.cell(row, 7).value = rag.label
        ws.cell(row, 8).value = text
        ws.cell(row, 9).value = "A. Officer"
        ws.cell(row, 10).value = dt.date(2022, 12, 20)
        filled[ref] = (rag.value, text)
    wb.save(path)
    return filled


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.officer_process", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )


def _all_at_once(processes: list[subprocess.Popen[str]], go: Path) -> list[list[str]]:
    for p in processes:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line.strip() == "ready", p.stderr.read() if p.stderr else ""
    go.touch()
    out = []
    for p in processes:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
        out.append(stdout.split("\n")[:-1])
    return out


def test_ten_imports_and_ten_editors_at_once_lose_nothing(
    pg_server: PostgresServer, pg_demo_template: str, tmp_path: Path
) -> None:
    root = Path(__file__).resolve().parents[2]
    name = pg_server.new_database(pg_demo_template)
    pg_server.grant(name)
    roles = [pg_server.officer(f"officer_{n}") for n in range(1, OFFICERS + 1)]
    db, _ = open_database(pg_server.url(name), password=PASSWORD)
    plan_id = plan_for_quarter(db, Q3)
    # Ten partners' returns, each filled for actions no other return fills.
    chosen: list[tuple[Path, dict[str, tuple[str, str]]]] = []
    taken: set[str] = set()
    # The demo has nine lead agencies: a second round of returns (a partner's second file,
    # for the actions its first left blank) makes ten.
    for round_ in (1, 2):
        for made in export_returns(db, plan_id, Q3, tmp_path / f"round {round_}").returns:
            filled = _fill_others(made.path, taken, limit=4)
            if filled and len(chosen) < OFFICERS:
                chosen.append((made.path, filled))
                taken |= set(filled)
    assert len(chosen) == OFFICERS
    with db.session(audit=False) as s:
        before = s.scalar(select(func.count()).where(QuarterUpdate.quarter == Q3.code)) or 0
    importers = [
        _start(
            [
                "import",
                pg_server.url(name, role),
                PASSWORD,
                str(tmp_path / "go-imports"),
                Q3.code,
                str(path),
            ],
            root,
        )
        for role, (path, _filled) in zip(roles, chosen, strict=True)
    ]
    outcomes = _all_at_once(importers, tmp_path / "go-imports")
    for lines, (_path, filled) in zip(outcomes, chosen, strict=True):
        created, updated, conflicts = map(int, lines[-1].split()[1:])
        assert (created + updated, conflicts) == (len(filled), 0), lines
    with db.session(audit=False) as s:
        rows = {
            (ref, u.rag, u.narrative)
            for ref, u in s.execute(
                select(Action.reference, QuarterUpdate)
                .join(QuarterUpdate, QuarterUpdate.action_id == Action.id)
                .where(QuarterUpdate.quarter == Q3.code)
            )
        }
        after = s.scalar(select(func.count()).where(QuarterUpdate.quarter == Q3.code)) or 0
    expected = {(ref, rag, text) for _p, f in chosen for ref, (rag, text) in f.items()}
    assert expected <= rows  # every row of every return landed, as written
    created_total = sum(int(lines[-1].split()[1]) for lines in outcomes)
    assert after == before + created_total

    # Ten officers save the same three actions, each from the version they all read.
    with db.session(audit=False) as s:
        contested = list(s.scalars(select(Action.id).order_by(Action.id).limit(3)))
        versions = {a: s.get_one(Action, a).version for a in contested}
    editors = [
        _start(
            [
                "edit",
                pg_server.url(name, role),
                PASSWORD,
                str(tmp_path / "go-edits"),
                ",".join(map(str, contested)),
            ],
            root,
        )
        for role in roles
    ]
    lines = [line for out in _all_at_once(editors, tmp_path / "go-edits") for line in out]
    saved = [line for line in lines if line.startswith("saved")]
    refused = [line for line in lines if line.startswith("conflict")]
    assert len(saved) == 3 and len(refused) == 3 * (OFFICERS - 1)
    assert all("was changed by officer_" in line for line in refused), refused[:3]
    assert sorted(saved) == sorted(f"saved {action_id}" for action_id in contested)
    with db.session(audit=False) as s:
        for action_id in contested:
            action = s.get(Action, action_id)
            assert action is not None and action.title.startswith("Edited by officer_")
            assert action.version == versions[action_id] + 1  # one save, no more
            title_changes = s.scalar(
                select(func.count()).where(
                    AuditEntry.entity == "action",
                    AuditEntry.entity_id == action_id,
                    AuditEntry.field == "title",
                )
            )
            assert title_changes == 1
    db.close()
