"""Every import of an untrusted workbook (returns, plan from a spreadsheet, indicator values) reads it
in the worker: hostile files are refused by name, a return with a stray far-away value still imports."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from scp_desktop.domain.periods import Quarter
from scp_desktop.excel.indicator_values import read_indicator_values
from scp_desktop.services import plans
from scp_desktop.services.errors import UserError
from scp_desktop.services.indicator_import import preview_import as preview_indicators
from scp_desktop.services.plan_spreadsheet import preview_plan_spreadsheet
from scp_desktop.services.returns.export import export_returns
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.services.returns.matching import Outcome
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.storage.database import Database
from tests.hostile_files import (
    write_huge_unique_count,
    write_many_cells,
    write_many_sheets,
    write_value_in_last_cell,
)

Q3 = Quarter.parse("2022-23-Q3")


def _filled_return(db: Database, folder: Path, agency: str) -> Path:
    plan_id = plan_for_quarter(db, Q3)
    export_returns(db, plan_id, Q3, folder, agencies=[agency])
    path = folder / f"Return 2022-23-Q3 {agency}.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions you lead"]
    for row in range(5, ws.max_row + 1):
        ws.cell(row, 7).value = "Green"
        ws.cell(row, 8).value = f"Update for {ws.cell(row, 1).value}"
    wb.save(path)
    return path


def test_returns_import_refuses_hostile_files_and_reads_a_return_with_a_stray_value(
    demo_db: Database, tmp_path: Path
) -> None:
    clean = _filled_return(demo_db, tmp_path / "clean", "CARA")
    stray = _filled_return(demo_db, tmp_path / "stray", "NC")
    wb = openpyxl.load_workbook(stray)
    wb["Actions you lead"]["ZZ200000"] = "left here by mistake"
    wb.save(stray)
    hostile = [
        write_huge_unique_count(tmp_path / "four billion strings.xlsx"),
        write_many_sheets(tmp_path / "many sheets.xlsx", 300),
    ]
    last_cell = write_value_in_last_cell(tmp_path / "last cell.xlsx")
    preview = preview_import(
        demo_db, [clean, stray, *hostile, last_cell], Q3, plan_id=plan_for_quarter(demo_db, Q3)
    )
    by_name = {f.name: f for f in preview.files}
    for path in hostile:
        assert by_name[path.name].status == "rejected"
        assert (by_name[path.name].error or "").startswith(f"{path.name} ")
    assert "4,000,000,000 entries" in (by_name["four billion strings.xlsx"].error or "")
    assert "300 sheets" in (by_name["many sheets.xlsx"].error or "")
    # Read, not refused: a stray value far away does not cost the return.
    assert by_name["last cell.xlsx"].status != "rejected"
    assert by_name[stray.name].status == "ok"
    stray_rows = [r for r in preview.rows if r.file == stray.name]
    clean_rows = [r for r in preview.rows if r.file == clean.name]
    assert stray_rows and clean_rows
    assert all(r.outcome is Outcome.UPDATE for r in stray_rows + clean_rows)


def test_plan_from_a_hostile_spreadsheet_is_refused_by_name(
    demo_db: Database, tmp_path: Path
) -> None:
    path = write_huge_unique_count(tmp_path / "plan 2023-24.xlsx")
    with pytest.raises(UserError, match=r"^plan 2023-24\.xlsx was not read: its list of shared"):
        preview_plan_spreadsheet(demo_db, path)


def test_plan_read_can_be_cancelled(demo_db: Database, tmp_path: Path) -> None:
    path = write_many_cells(tmp_path / "plan.xlsx", rows=60_000)
    with pytest.raises(UserError, match=r"Reading plan\.xlsx was cancelled"):
        preview_plan_spreadsheet(demo_db, path, cancelled=lambda: True)


def test_indicator_values_from_a_hostile_workbook_are_refused_by_name(
    demo_db: Database, tmp_path: Path
) -> None:
    path = write_huge_unique_count(tmp_path / "statistics.xlsx")
    plan_id = plans.list_plans(demo_db)[0].id
    with pytest.raises(UserError, match=r"^statistics\.xlsx was not read"):
        preview_indicators(demo_db, plan_id, path)


def test_indicator_read_can_be_cancelled(tmp_path: Path) -> None:
    path = write_many_cells(tmp_path / "statistics.xlsx", rows=60_000)
    assert read_indicator_values(path, should_stop=lambda: True).cancelled
