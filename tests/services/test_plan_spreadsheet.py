"""A new plan from the officers' own plan spreadsheet: banners, blank objective cells, odd columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_spreadsheet import load_plan_spreadsheet, preview_plan_spreadsheet
from scp_desktop.services.setup import load_plan_file
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, Base, KeyPriority, Partner, Plan


def _plan_file(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Safer Town Partnership — Annual Partnership Plan 2024/25"])
    ws.append([])
    ws.append(
        [
            "Project / initiative",
            "Lead Agency",
            "Objective",
            "About",
            "By When",
            "Ref",
            "PFCC Priority",
            "ECPS Strand",
            "Supporting partners",
        ]
    )
    ws.append(["Key Priority 1: Reducing violence in the town centre"])
    ws.merge_cells("A4:I4")
    ws.append(
        [
            "Op Pegasi patrols",
            "Essex Police & Open Road",
            "Reduce knife crime",
            "Hotspot patrols",
            "Ongoing",
            "1.1.1",
            "1, 2",
            "Serious Violence",
            "CBC",
        ]
    )
    ws.append(
        [
            "Bleed kits",
            "Youth Service",
            None,
            "Kits in venues",
            dt.date(2025, 3, 31),
            "",
            "4; 99",
            "SV",
            "",
        ]
    )
    ws.append([None, "EP", None, "A row with no title", "", "", "", "", ""])
    ws.append(["Priority 2 - Anti-social behaviour"])
    ws.append(["Mobile CCTV", "CBH", "Tackle ASB hotspots", "", "Mar 25", "2.1.1", "", "VU", ""])
    path_out = path
    wb.save(path_out)
    return path_out


def test_preview_then_load_in_one_transaction(demo_db: Database, tmp_path: Path) -> None:
    preview = preview_plan_spreadsheet(demo_db, _plan_file(tmp_path / "plan.xlsx"))
    assert preview.year == "2024-25"
    assert [line.title for line in preview.lines] == [
        "Op Pegasi patrols",
        "Bleed kits",
        "Mobile CCTV",
    ]
    assert preview.lines[1].objective == "Reduce knife crime"  # carried from the row above
    assert preview.unknown_agencies == ["Youth Service"]
    assert any("row 7" in p and "no project" in p for p in preview.problems)
    assert (preview.priorities, preview.objectives) == (2, 2)

    summary = load_plan_spreadsheet(demo_db, preview)
    assert (summary.priorities, summary.objectives, summary.actions, summary.partners) == (
        2,
        2,
        3,
        1,
    )
    assert any("99" in w for w in summary.warnings)
    with demo_db.session() as s:
        plan = s.scalars(select(Plan).where(Plan.year == "2024-25")).one()
        priorities = list(
            s.scalars(
                select(KeyPriority)
                .where(KeyPriority.plan_id == plan.id)
                .order_by(KeyPriority.number)
            )
        )
        assert [(p.number, p.title) for p in priorities] == [
            (1, "Reducing violence in the town centre"),
            (2, "Anti-social behaviour"),
        ]
        actions = {
            a.title: a
            for a in s.scalars(select(Action).join(Action.objective).where(Action.objective.has()))
        }
        pegasi = actions["Op Pegasi patrols"]
        assert sorted((ap.partner.abbreviation, ap.role) for ap in pegasi.partners) == [
            ("CBC", "support"),
            ("EP", "lead"),
            ("OR", "lead"),
        ]
        assert sorted((i.item.framework.code, i.item.code) for i in pegasi.framework_items) == [
            ("ECPS", "SV"),
            ("PFCC", "1"),
            ("PFCC", "2"),
        ]
        assert pegasi.deadline_kind == "ongoing"
        kits = actions["Bleed kits"]
        assert kits.deadline_kind == "date" and kits.deadline_date == dt.date(2025, 3, 31)
        assert kits.reference == "1.1.2"  # numbered when the sheet has none
        assert actions["Mobile CCTV"].deadline_kind == "month"
        youth = s.scalars(select(Partner).where(Partner.name == "Youth Service")).one()
        assert youth.abbreviation == "YS"


def test_plan_year_must_be_known_and_unique(demo_db: Database, tmp_path: Path) -> None:
    path = _plan_file(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws["A1"] = "Our plan"
    wb.save(path)
    preview = preview_plan_spreadsheet(demo_db, path)
    with pytest.raises(UserError, match="financial year"):
        load_plan_spreadsheet(demo_db, preview)
    with pytest.raises(UserError, match="already a plan for 2022-23"):
        load_plan_file(demo_db, path, year="2022-23")


def test_not_a_plan(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(UserError, match="no sheet with a plan header"):
        preview_plan_spreadsheet(demo_db, path)


def _row_counts(db: Database) -> dict[str, int]:
    """Rows in every table, so a cancelled load can be shown to have left each one as it was."""
    with db.session(audit=False) as s:
        return {
            table.name: s.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def test_load_reports_progress_for_each_action_line(demo_db: Database, tmp_path: Path) -> None:
    preview = preview_plan_spreadsheet(demo_db, _plan_file(tmp_path / "plan.xlsx"))
    seen: list[tuple[int, int, str]] = []
    summary = load_plan_spreadsheet(demo_db, preview, progress=lambda *a: seen.append(a))
    assert [(done, total) for done, total, _ in seen] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert [what for _, _, what in seen] == [
        "1.1.1 Op Pegasi patrols",
        "Bleed kits",  # no reference in the sheet
        "2.1.1 Mobile CCTV",
        "",
    ]
    assert summary.actions == 3


def test_a_cancelled_load_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    preview = preview_plan_spreadsheet(demo_db, _plan_file(tmp_path / "plan.xlsx"))
    assert preview.unknown_agencies == ["Youth Service"]  # a partner is written before the lines
    before = _row_counts(demo_db)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(len(asked))
        return len(asked) > 2  # two lines written, then Cancel

    seen: list[tuple[int, int, str]] = []
    with pytest.raises(UserError, match="cancelled; nothing was written"):
        load_plan_spreadsheet(
            demo_db, preview, progress=lambda *a: seen.append(a), cancelled=cancelled
        )
    assert [(done, total) for done, total, _ in seen] == [(0, 3), (1, 3)]
    assert _row_counts(demo_db) == before
    with demo_db.session() as s:
        assert s.scalar(select(Plan.id).where(Plan.year == "2024-25")) is None
        assert s.scalar(select(Partner.id).where(Partner.name == "Youth Service")) is None
    # Nothing half-done stands in the way of loading it after all.
    assert load_plan_spreadsheet(demo_db, preview).actions == 3


def test_cancel_during_the_last_line_still_writes_nothing(
    demo_db: Database, tmp_path: Path
) -> None:
    from scp_desktop.domain.periods import Quarter
    from scp_desktop.services.returns.export import export_plan_workbook
    from scp_desktop.services.returns.index import plan_for_quarter

    path = tmp_path / "whole plan.xlsx"
    export_plan_workbook(demo_db, plan_for_quarter(demo_db, Quarter.parse("2022-23-Q2")), path)
    preview = preview_plan_spreadsheet(demo_db, path, year="2023-24")
    total = len(preview.lines)
    assert total == 51
    before = _row_counts(demo_db)
    stop = False

    def progress(done: int, of: int, what: str) -> None:
        nonlocal stop
        assert of == total
        stop = done == total - 1  # Cancel pressed while the last line is being written

    with pytest.raises(UserError, match="cancelled"):
        load_plan_spreadsheet(demo_db, preview, progress=progress, cancelled=lambda: stop)
    assert _row_counts(demo_db) == before
