"""`scp-desktop init --plan FILE [--year] [--partnership]` as the officer runs it: a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
from pypdf import PdfReader

from tests.plan_sheets import tendring_plan


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "scp_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_init_from_a_partnership_spreadsheet_then_print_it(tmp_path: Path) -> None:
    plan = tendring_plan(tmp_path / "plan.xlsx")
    db = tmp_path / "tendring.db"
    done = _run("init", "--db", str(db), "--plan", str(plan))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Partnership: Safer Tendring Partnership (read from banner row 1)" in out
    assert "Financial year: 2024-25 (read from banner row 1)" in out
    assert "Kept as notes on each action: Notes, How we will measure it" in out
    assert "TCVS – Tendring CVS" in out and "TDC – Tendring District Council" in out
    assert "Plan 2024-25: 1 key priorities, 2 objectives, 4 actions" in out

    pdf = tmp_path / "plan.pdf"
    done = _run("report", "--db", str(db), "--kind", "plan", "--out", str(pdf))
    assert done.returncode == 0, done.stderr
    pages = PdfReader(pdf).pages
    assert all("Safer Tendring Partnership" in page.extract_text() for page in pages)

    exported = tmp_path / "exported.xlsx"
    done = _run("export-plan", "--db", str(db), "--year", "2024-25", "--out", str(exported))
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(exported).active
    assert ws is not None
    assert ws["A2"].value == "Safer Tendring Partnership"


def test_year_and_partnership_given_on_the_command_line(tmp_path: Path) -> None:
    plan = tendring_plan(
        tmp_path / "plan.xlsx", banner="Our plan for the district", sheet="Projects"
    )
    db = tmp_path / "new.db"
    done = _run(
        "init",
        "--db",
        str(db),
        "--plan",
        str(plan),
        "--year",
        "2024/25",
        "--partnership",
        "Tendring Community Safety Partnership",
    )
    assert done.returncode == 0, done.stderr
    assert "Financial year: 2024-25 (read from what you gave)" in done.stdout
    assert "Partnership: Tendring Community Safety Partnership (read from what you gave)" in (
        done.stdout
    )
    pdf = tmp_path / "plan.pdf"
    assert _run("report", "--db", str(db), "--kind", "plan", "--out", str(pdf)).returncode == 0
    pages = PdfReader(pdf).pages
    assert all("Tendring Community Safety Partnership" in p.extract_text() for p in pages)


def test_a_failed_init_leaves_no_database_behind(tmp_path: Path) -> None:
    plan = tendring_plan(
        tmp_path / "plan.xlsx", banner="Our plan for the district", sheet="Projects"
    )
    db = tmp_path / "new.db"
    done = _run("init", "--db", str(db), "--plan", str(plan))
    assert done.returncode == 1
    assert "financial year cannot be read from plan.xlsx" in done.stderr
    assert "give it with --year (e.g. --year 2024-25)" in done.stderr
    assert f"No plan database was created at {db}" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]

    not_a_plan = tmp_path / "list.csv"
    not_a_plan.write_text("a,b\n1,2\n")
    done = _run("init", "--db", str(db), "--plan", str(not_a_plan))
    assert done.returncode == 1 and "no sheet with a plan header" in done.stderr
    assert not db.exists()

    done = _run("init", "--db", str(db), "--plan", str(tmp_path / "missing.xlsx"))
    assert done.returncode == 1 and "does not exist" in done.stderr
    done = _run("init", "--db", str(db), "--year", "2024-25")
    assert done.returncode == 2 and "go with --plan FILE" in done.stderr
    done = _run("init", "--db", str(db), "--plan", str(plan), "--year", "2024-26")
    assert done.returncode == 1 and "consecutive" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv", "plan.xlsx"]


def test_a_failed_init_into_an_existing_file_leaves_it_as_it_was(tmp_path: Path) -> None:
    plan = tendring_plan(tmp_path / "plan.xlsx")
    db = tmp_path / "ours.db"
    assert _run("init", "--db", str(db), "--plan", str(plan)).returncode == 0
    before = _run("check", "--db", str(db)).stdout
    done = _run("init", "--db", str(db), "--plan", str(plan), "--force")
    assert done.returncode == 1 and "already a plan for 2024-25" in done.stderr
    assert db.exists() and _run("check", "--db", str(db)).stdout == before
