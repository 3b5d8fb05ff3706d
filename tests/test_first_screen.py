"""The first screen read straight from a plan file with sqlite3, while the database layer
loads: the same plan, quarter and rows the attached file then shows, or nothing at all for
a file that the full opening has to judge (new, foreign, older, newer, locked, damaged)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.services import first_screen, plan_admin, workspace
from scp_desktop.services.first_screen import FileReads, Wanted
from scp_desktop.services.plan_reads import PlanInfo
from scp_desktop.storage.database import open_database
from tests.services.test_any_partnership_documents import anytown_plan

DEMO_DAY = dt.date(2022, 11, 20)  # the demo year under way, Q2 being reported
ALL = 100_000  # rows enough for any plan here


def _wanted(
    today: dt.date,
    *,
    on_screen: int | None = None,
    last_plan: int | None = None,
    quarter: Quarter | None = None,
    saved: Callable[[int], str] = lambda _plan: "",
    show_archived: bool = False,
) -> Wanted:
    return Wanted(on_screen, last_plan, quarter, saved, show_archived, today)


def _copy(template: Path, tmp_path: Path, name: str = "plan.db") -> Path:
    path = tmp_path / name
    shutil.copy(template, path)
    return path


def _attached_view(path: Path, wanted: Wanted) -> tuple[object, list[object]]:
    """What the window reads once the file is attached: the screen and its rows."""
    db, _ = open_database(path, user="pat", create=False)
    try:
        screen = workspace.screen(db, wanted)
        assert screen.plan is not None and screen.quarter is not None
        rows = workspace.load_action_rows(db, screen.plan.id, screen.quarter.code, wanted.today)
        return screen, list(rows)
    finally:
        db.close()


@pytest.mark.parametrize("today", [DEMO_DAY, dt.date(2024, 6, 1), dt.date(2022, 4, 3)])
def test_the_demo_s_first_screen_is_what_the_attached_file_shows(
    demo_template: Path, tmp_path: Path, today: dt.date
) -> None:
    path = _copy(demo_template, tmp_path)
    wanted = _wanted(today)
    first = FileReads(path).first_screen(wanted, ALL)
    assert first is not None
    screen, rows = _attached_view(path, wanted)
    assert first.screen == screen
    assert first.rows == rows and len(rows) > 40 and first.total == len(rows)
    assert first.screen.partnership is not None and first.screen.partnership.is_demo
    # One screen's worth: the same first rows, and the plan's count.
    screenful = FileReads(path).first_screen(wanted, 17)
    assert screenful is not None
    assert (screenful.screen, screenful.rows, screenful.total) == (screen, rows[:17], len(rows))


def test_another_partnership_s_first_screen_is_what_the_attached_file_shows(
    tmp_path: Path,
) -> None:
    db = anytown_plan(tmp_path)
    path = db.path
    db.close()
    wanted = _wanted(dt.date(2025, 10, 20))
    first = FileReads(path).first_screen(wanted, ALL)
    assert first is not None
    screen, rows = _attached_view(path, wanted)
    assert (first.screen, first.rows) == (screen, rows)
    screenful = FileReads(path).first_screen(wanted, 1)
    assert screenful is not None and (screenful.rows, screenful.total) == (rows[:1], len(rows))
    assert first.screen.partnership is not None
    assert first.screen.partnership.name.startswith("Safer Anytown")
    assert not first.screen.partnership.is_demo
    # Its own quarter (the one being reported), its own agencies on the rows.
    assert first.screen.quarter == Quarter.parse("2025-26-Q2")
    assert {r.lead for r in first.rows} <= {"ABC", "NP", "ABC, NP", "NP, ABC", ""}


def test_the_table_s_progress_and_search_texts_read_from_the_file_match_the_attached_ones(
    demo_template: Path, tmp_path: Path
) -> None:
    path = _copy(demo_template, tmp_path)
    reads = FileReads(path)
    first = reads.first_screen(_wanted(DEMO_DAY), ALL)
    assert first is not None and first.screen.plan is not None and first.screen.quarter
    plan_id, quarter = first.screen.plan.id, first.screen.quarter.code
    some = [r.id for r in first.rows[:7]]
    db, _ = open_database(path, user="pat", create=False)
    try:
        attached = workspace.DatabaseTexts(db)
        assert reads.latest_progress(plan_id, quarter, some) == attached.latest_progress(
            plan_id, quarter, some
        )
        assert reads.search_texts(plan_id, quarter, None) == attached.search_texts(
            plan_id, quarter, None
        )
    finally:
        db.close()


def test_the_quarter_last_shown_and_the_plan_last_shown_are_opened_again(
    demo_template: Path, tmp_path: Path
) -> None:
    path = _copy(demo_template, tmp_path)
    # A year long over: no quarter is being reported, so the one last shown wins.
    later = dt.date(2026, 1, 5)
    plan_id = FileReads(path).first_screen(_wanted(later), ALL)
    assert plan_id is not None and plan_id.screen.plan is not None
    the_plan = plan_id.screen.plan.id
    wanted = _wanted(
        later, last_plan=the_plan, saved=lambda p: "2022-23-Q1" if p == the_plan else ""
    )
    first = FileReads(path).first_screen(wanted, ALL)
    assert first is not None and first.screen.quarter == Quarter.parse("2022-23-Q1")
    assert (first.screen, first.rows) == _attached_view(path, wanted)
    # Garbage saved by hand is ignored, as the window ignores it.
    odd = FileReads(path).first_screen(_wanted(later, saved=lambda _p: "Q9 of never"), ALL)
    assert odd is not None and odd.screen.quarter is not None


def test_archived_plans_are_left_out_unless_asked_for_or_on_screen() -> None:
    plans = [PlanInfo(3, "2024-25", "Now", "live"), PlanInfo(2, "2023-24", "Before", "closed")]
    assert first_screen.listed_plans(plans, show_archived=False, on_screen=None) == plans[:1]
    assert first_screen.listed_plans(plans, show_archived=False, on_screen=2) == plans
    assert first_screen.listed_plans(plans, show_archived=True, on_screen=None) == plans
    assert first_screen.chosen_plan(plans, 2) == plans[1]
    assert first_screen.chosen_plan(plans, 99) == plans[0]  # gone: the newest instead
    assert first_screen.chosen_plan([], 2) is None


def test_the_opening_quarter_is_the_one_being_reported(demo_template: Path, tmp_path: Path) -> None:
    path = _copy(demo_template, tmp_path)
    db, _ = open_database(path, user="pat", create=False)
    try:
        plan = first_screen.chosen_plan(workspace.screen(db, _wanted(DEMO_DAY)).plans, None)
        assert plan is not None
        expected = plan_admin.opening_quarter(db, plan.id, plan.year, DEMO_DAY)
        # A quarter on screen of the same year is kept by a reload; another year's is not.
        kept = Quarter.parse("2022-23-Q4")
        assert workspace.quarter_to_open(db, plan, _wanted(DEMO_DAY, quarter=kept)) == kept
        other = FinancialYear(2030).quarter(1)
        assert workspace.quarter_to_open(db, plan, _wanted(DEMO_DAY, quarter=other)) == expected
    finally:
        db.close()


def _older_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0008_report_texts'")


def _newer_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")


def _foreign(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")


def _text_file(path: Path) -> None:
    path.write_text("Ref,Title\n1.1.1,Not a database\n", encoding="utf-8")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _missing(path: Path) -> None:
    path.unlink()


def _damaged(path: Path) -> None:
    data = bytearray(path.read_bytes())
    # Scribble over every page after the first two: the schema's page stays readable,
    # the tables' pages do not.
    page = int.from_bytes(data[16:18], "big") or 65536
    for start in range(2 * page, len(data), page):
        data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "spoil",
    [_older_schema, _newer_schema, _foreign, _text_file, _empty, _missing, _damaged],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_file_the_opening_must_judge_gives_no_first_screen(
    demo_template: Path, tmp_path: Path, spoil: Callable[[Path], None]
) -> None:
    path = _copy(demo_template, tmp_path)
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    spoil(path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert FileReads(path).first_screen(_wanted(DEMO_DAY), ALL) is None
    # Nothing written beside it either: no journal, no shared-memory file.
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_file_locked_by_a_write_in_progress_is_not_waited_for(
    demo_template: Path, tmp_path: Path
) -> None:
    path = _copy(demo_template, tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        assert FileReads(path).first_screen(_wanted(DEMO_DAY), ALL) is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert FileReads(path).first_screen(_wanted(DEMO_DAY), ALL) is not None


def test_reading_a_wal_file_leaves_nothing_beside_it(demo_template: Path, tmp_path: Path) -> None:
    path = _copy(demo_template, tmp_path)
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    with path.open("rb") as fh:
        assert fh.read(20)[18] == 2  # the demo file is in WAL mode
    assert FileReads(path).first_screen(_wanted(DEMO_DAY), ALL) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.db"]
