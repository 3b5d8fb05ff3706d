"""Hostile workbooks imported through the real Import returns dialog: refused by name, the window alive."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import openpyxl
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from scp_desktop.domain.periods import Quarter
from scp_desktop.excel import isolation
from scp_desktop.services.returns.export import export_returns
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.database import Database
from scp_desktop.ui.returns import ImportReturnsDialog
from tests.hostile_files import (
    write_huge_unique_count,
    write_many_cells,
    write_many_sheets,
    write_value_in_last_cell,
)

Q3 = "2022-23-Q3"
SHOTS = os.environ.get("SCP_SCREENSHOTS")


def _return(db: Database, folder: Path) -> Path:
    plan_id = plan_for_quarter(db, Quarter.parse(Q3))
    export_returns(db, plan_id, Quarter.parse(Q3), folder, agencies=["CARA"])
    path = folder / "Return 2022-23-Q3 CARA.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions you lead"]
    for row in range(5, ws.max_row + 1):
        ws.cell(row, 7).value = "Amber"
        ws.cell(row, 8).value = f"Update for {ws.cell(row, 1).value}"
    wb.save(path)
    return path


def _dialog(qtbot: QtBot, db: Database) -> ImportReturnsDialog:
    dialog = ImportReturnsDialog(db, plan_for_quarter(db, Quarter.parse(Q3)), Q3)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 650)
    dialog.show()
    return dialog


def test_hostile_files_are_refused_by_name_and_the_window_stays(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    good = _return(demo_db, tmp_path / "returns")
    strings = write_huge_unique_count(tmp_path / "EP return.xlsx")
    sheets = write_many_sheets(tmp_path / "CBC return.xlsx", 400)
    last_cell = write_value_in_last_cell(tmp_path / "NC return.xlsx")
    dialog = _dialog(qtbot, demo_db)
    with qtbot.waitSignal(dialog.preview_ready, timeout=60000):
        dialog.add_paths([strings, sheets, last_cell, good])
    assert dialog.isVisible()
    model = dialog.file_model
    shown = {
        model.data(model.index(r, 0)): (
            model.data(model.index(r, 1)),
            model.data(model.index(r, 4)),
        )
        for r in range(model.rowCount())
    }
    assert shown["EP return.xlsx"][0] == "Refused"
    assert shown["EP return.xlsx"][1].startswith(
        "EP return.xlsx was not read: its list of shared text says it holds 4,000,000,000"
    )
    assert shown["CBC return.xlsx"] == (
        "Refused",
        "CBC return.xlsx has 400 sheets, more than any return or plan (250 at most); "
        "it was not read.",
    )
    assert shown["NC return.xlsx"][0] != "Refused"  # a stray value in XFD1048576 is read
    assert shown[good.name][0] != "Refused"
    assert "2 refused" in dialog.counts.text()
    assert dialog.preview is not None
    assert any(r.file == good.name for r in dialog.preview.rows)
    folder = Path(SHOTS) if SHOTS else tmp_path
    assert dialog.grab().save(str(folder / "import_returns_hostile.png"))


def _readers() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.name == "workbook-reader"]


def test_cancel_stops_the_worker_reading_a_large_file(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    big = write_many_cells(tmp_path / "big return.xlsx", rows=100_000, columns=10)
    isolation.stop_idle_workers()
    dialog = _dialog(qtbot, demo_db)
    dialog.add_paths([big])
    qtbot.waitUntil(lambda: len(_readers()) == 1, timeout=20000)
    assert dialog._job is not None
    progress = dialog._job.dialog
    assert isinstance(progress, QProgressDialog)
    button = progress.findChild(QPushButton)
    assert button is not None and button.text() == "Cancel"
    with qtbot.waitSignal(dialog.preview_ready, timeout=20000) as ready:
        button.click()
    assert ready.args is not None and ready.args[0].cancelled
    assert dialog.isVisible()
    assert "reading was cancelled" in dialog.counts.text()
    qtbot.waitUntil(lambda: _readers() == [], timeout=5000)  # the reading process was ended
