"""New plan from spreadsheet lists a column of the partnership's own framework for what it is."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from scp_desktop.excel.columns import Meaning
from scp_desktop.services.returns.export import export_plan_workbook
from scp_desktop.storage.database import Database
from scp_desktop.ui.returns import NewPlanFromSpreadsheetDialog
from scp_desktop.ui.returns.plan_models import PlanColumnsModel
from tests.services.test_any_partnership_documents import anytown_plan
from tests.services.test_partnership_frameworks import _cite, _framework

SHOTS = os.environ.get("SCP_SCREENSHOTS")


def test_framework_columns_are_listed_as_cross_references(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    anytown = anytown_plan(tmp_path / "anytown")
    try:
        vru = _framework(anytown, "VRU", "Violence Reduction Unit", ["V1"])
        _cite(anytown, "1.1", [vru["V1"]])
        book = tmp_path / "plan.xlsx"
        export_plan_workbook(anytown, 1, book)
    finally:
        anytown.close()
    dialog = NewPlanFromSpreadsheetDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        dialog.read(book)
    model = dialog.columns_model
    uses = {
        model.row_at(r).header: model.index(r, PlanColumnsModel.USED_AS).data()
        for r in range(model.rowCount())
    }
    assert uses["Violence Reduction Unit"] == Meaning.FRAMEWORK.label
    assert "Cross-references to the framework each heading names: Violence Reduction Unit" in (
        dialog.notes.toPlainText()
    )
    folder = Path(SHOTS) if SHOTS else tmp_path
    assert dialog.grab().save(str(folder / "plan_from_spreadsheet_frameworks.png"))
