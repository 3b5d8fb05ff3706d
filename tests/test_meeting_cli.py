"""`scp-desktop meeting …` run as the officer runs it: a process, its output and exit status."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.meeting_files import word_file, write_paper


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "scp_desktop", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def ok(*args: str | Path) -> str:
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def fails(*args: str | Path) -> str:
    """The error message of a refused command: exit 1, one line, no traceback."""
    done = run(*args)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")
    return done.stderr


@pytest.fixture
def demo_file(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


def test_a_meeting_set_up_and_packed_on_the_command_line(demo_file: Path, tmp_path: Path) -> None:
    db = ("--db", demo_file)
    out = ok("meeting", "add", *db, "--body", "Community Safety Delivery Board", "--date",
             "14/03/2023", "--time", "10am", "--venue", "Rowan House")  # fmt: skip
    found = re.search(r"Added meeting (\d+): Community Safety Delivery Board, Tuesday 14 March "
                      r"2023 at 10:00", out)  # fmt: skip
    assert found, out
    meeting = found.group(1)
    assert "Community Safety Delivery Board · Rowan House (0 items)" in ok("meeting", "list", *db)

    def added(*more: str) -> str:
        line = ok("meeting", "agenda", "add", meeting, *db, *more)
        item = re.search(r"Added item (\d+):", line)
        assert item, line
        return item.group(1)

    minutes = added("--title", "Minutes", "--description", "To confirm the minutes.")
    report = added("--title", "Quarterly performance", "--report", "quarterly", "--quarter",
                   "Q3 2022-23", "--presenter", "Community Safety Manager")  # fmt: skip
    exempt = added("--title", "Case review", "--exempt", "7")
    welcome = added("--title", "Welcome", "--at", "1")
    papers = ok("meeting", "attach", minutes, *db,
                write_paper(tmp_path, "jan.pdf", "JANUARY", 2),
                write_paper(tmp_path, "dec.pdf", "DECEMBER", 1),
                "--title", "Minutes 16 January 2023", "--title", "Minutes 5 December 2022")  # fmt: skip
    assert "Attached jan.pdf as 'Minutes 16 January 2023' (2 pages)" in papers
    ok("meeting", "attach", exempt, *db, write_paper(tmp_path, "case.pdf", "CASE", 3))
    assert "to place 2" in ok("meeting", "agenda", "move", report, *db, "--up")
    assert "to place 3" in ok("meeting", "agenda", "move", report, *db, "--down")

    shown = ok("meeting", "show", meeting, *db)
    lines = [line.strip() for line in shown.splitlines()]
    assert lines[:3] == [
        f"Meeting {meeting}: Community Safety Delivery Board",
        "Tuesday 14 March 2023 at 10:00",
        "Rowan House",
    ]
    numbered = [line for line in lines if re.match(r"\d+\s", line)]
    assert [re.sub(r"\s+", " ", line) for line in numbered] == [
        f"1 Welcome [item {welcome}]",
        f"2 Minutes [item {minutes}]",
        f"3 Quarterly performance [item {report}]",
        f"4 Case review [item {exempt}]",
    ]
    assert "Part B (exempt)" in lines
    assert "Report: Quarterly performance report, Q3 2022-23" in lines
    assert any(line.startswith("Exempt: Paragraph 7 of Part 1 of Schedule 12A") for line in lines)

    pack = tmp_path / "pack.pdf"
    out = ok("meeting", "pack", meeting, *db, "--out", pack)
    pages = int(re.search(r"\((\d+) pages", out).group(1))  # type: ignore[union-attr]
    texts = [p.extract_text() or "" for p in PdfReader(str(pack)).pages]
    assert len(texts) == pages
    order = [n for n, text in enumerate(texts) for label in ("JANUARY", "DECEMBER", "CASE")
             if f"{label} PAGE" in text]  # fmt: skip
    assert order == sorted(order)  # the papers in agenda order
    assert any("Summary – Q3 2022-23" in text for text in texts)

    public = tmp_path / "public.pdf"
    assert "Public meeting pack" in ok("meeting", "pack", meeting, *db, "--out", public,
                                       "--public")  # fmt: skip
    assert not any("CASE PAGE" in (p.extract_text() or "") for p in PdfReader(str(public)).pages)

    ok("meeting", "agenda", "remove", exempt, *db)
    ok("meeting", "edit", meeting, *db, "--time", "", "--venue", "Town Hall")
    assert "Tuesday 14 March 2023, Town Hall" in ok("meeting", "show", meeting, *db).replace(
        "\n  ", ", "
    )
    assert "Deleted meeting" in ok("meeting", "delete", meeting, *db)
    assert fails("meeting", "show", meeting, *db) == f"error: There is no meeting {meeting}.\n"


def test_bad_input_gets_a_clear_message_and_changes_nothing(
    demo_file: Path, tmp_path: Path
) -> None:
    db = ("--db", demo_file)
    before = ok("meeting", "list", *db)
    assert "'31/02/2023' is not a date" in fails(
        "meeting", "add", *db, "--body", "Board", "--date", "31/02/2023"
    )
    assert "'7pm-ish' is not a time of day" in fails(
        "meeting", "add", *db, "--body", "Board", "--date", "01/02/2023", "--time", "7pm-ish"
    )
    assert fails("meeting", "agenda", "add", "999", *db, "--title", "X") == (
        "error: There is no meeting 999.\n"
    )
    assert "There is no agenda item 999" in fails("meeting", "attach", "999", *db, __file__)
    assert ok("meeting", "list", *db) == before

    meeting = re.search(r"^\s*(\d+)", before).group(1)  # type: ignore[union-attr]
    shown = ok("meeting", "show", meeting, *db)
    item = re.search(r"Minutes of Previous Meeting\s+\[item (\d+)\]", shown).group(1)  # type: ignore[union-attr]
    report = tmp_path / "report.docx"
    report.write_bytes(word_file())
    message = fails("meeting", "attach", item, *db, report)
    assert "report.docx is not a PDF: it looks like a Word, Excel or other Office file" in message
    assert "is in Part B: give the exempt-information paragraph" in fails(
        "meeting", "agenda", "add", meeting, *db, "--title", "Closed", "--part", "B"
    )
    assert ok("meeting", "show", meeting, *db) == shown

    usage = run("meeting", "agenda", "move", item, *db)
    assert usage.returncode == 2 and "one of the arguments --up --down --to" in usage.stderr
    assert "places start at 1" in fails("meeting", "agenda", "move", item, *db, "--to", "0")
