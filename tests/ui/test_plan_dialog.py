"""New plan from spreadsheet, for a partnership that is not the demo: columns, agencies, Create."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.excel.columns import Meaning
from scp_desktop.services.reports import build_report
from scp_desktop.services.returns.export import export_plan_workbook, plan_id_for_year
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, KeyPriority, Partner, Partnership
from scp_desktop.ui.returns import NewPlanFromSpreadsheetDialog
from scp_desktop.ui.returns.plan_models import NOT_USED, AgenciesModel, PlanColumnsModel
from tests.plan_sheets import tendring_plan

SHOTS = os.environ.get("SCP_SCREENSHOTS")


def _shot(widget: object, name: str, tmp_path: Path) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(folder / name))  # type: ignore[attr-defined]


def _read(qtbot: QtBot, db: Database, path: Path) -> NewPlanFromSpreadsheetDialog:
    dialog = NewPlanFromSpreadsheetDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        dialog.read(path)
    return dialog


def _column_row(dialog: NewPlanFromSpreadsheetDialog, header: str) -> int:
    model = dialog.columns_model
    return next(r for r in range(model.rowCount()) if model.row_at(r).header == header)


def _choose_use(
    qtbot: QtBot, dialog: NewPlanFromSpreadsheetDialog, header: str, meaning: Meaning
) -> None:
    """Pick a column's use in its list, as the officer does."""
    index = dialog.columns_model.index(_column_row(dialog, header), PlanColumnsModel.USED_AS)
    combo = dialog.columns_view.indexWidget(index)
    assert isinstance(combo, QComboBox) and combo.isVisible()
    position = combo.findData(meaning.value)
    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        combo.setCurrentIndex(position)
        combo.activated.emit(position)


def _type_agency(
    qtbot: QtBot, dialog: NewPlanFromSpreadsheetDialog, text: str, column: int, value: str
) -> None:
    """Double-click an agency's cell, type over it and press Enter."""
    model = dialog.agencies_model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).text == text)
    dialog.tabs.setCurrentIndex(1)
    view = dialog.agencies_view
    index = model.index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, value)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=5000)


def test_a_partnerships_own_spreadsheet_mapped_reviewed_and_created(
    qtbot: QtBot, qtmodeltester: object, db: Database, tmp_path: Path
) -> None:
    source = tendring_plan(tmp_path / "Tendring plan.xlsx")
    dialog = _read(qtbot, db, source)
    assert dialog.partnership_edit.text() == "Safer Tendring Partnership"
    assert dialog.partnership_from.text() == "Read from banner row 1."
    assert dialog.year_edit.text() == "2024-25"
    assert dialog.section_edit.isEnabled()  # the sheet has no key priorities
    qtmodeltester.check(dialog.columns_model)  # type: ignore[attr-defined]
    qtmodeltester.check(dialog.agencies_model)  # type: ignore[attr-defined]

    # Every column is listed with its use before anything is written.
    columns = dialog.columns_model
    assert columns.rowCount() == 15
    uses = {
        columns.row_at(r).header: columns.index(r, PlanColumnsModel.USED_AS).data()
        for r in range(columns.rowCount())
    }
    assert uses["What is it?"] == "About"
    assert uses["Partners"] == "Supporting agencies"
    assert uses["Notes"] == uses["How we will measure it"] == "Notes (kept with the action)"
    assert dialog.tabs.tabText(0) == "Columns (15)"
    _shot(dialog, "plan_from_spreadsheet_columns.png", tmp_path)

    # The officer leaves a column out: shown as not used, named in the summary, then put back.
    _choose_use(qtbot, dialog, "How we will measure it", Meaning.IGNORE)
    row = _column_row(dialog, "How we will measure it")
    assert columns.index(row, PlanColumnsModel.USED_AS).data() == NOT_USED
    assert "Not used (left out): How we will measure it" in dialog.notes.toPlainText()
    assert dialog.tabs.tabText(0) == "Columns (15, 1 not used)"
    _choose_use(qtbot, dialog, "How we will measure it", Meaning.NOTES)
    assert "Not used" not in dialog.notes.toPlainText()

    # Agencies: all new to this file, proposed for review, corrected by typing.
    agencies = dialog.agencies_model
    proposed = {agencies.row_at(r).text: agencies.row_at(r).abbreviation for r in range(5)}
    assert proposed["Tendring CVS"] == "TCVS" and proposed["TDC"] == "TDC"
    assert dialog.tabs.tabText(1) == "Agencies (5: 4 new)"
    _type_agency(
        qtbot, dialog, "Tendring CVS", AgenciesModel.NAME, "Tendring Council for Voluntary Service"
    )
    _type_agency(qtbot, dialog, "Tendring CVS", AgenciesModel.ABBREVIATION, "CVST")
    assert "'Tendring CVS' will be CVST – Tendring Council for Voluntary Service" in (
        dialog.status.text()
    )
    _type_agency(qtbot, dialog, "Open Road", AgenciesModel.ABBREVIATION, "x" * 31)
    assert "longer than 30 characters" in dialog.status.text()
    assert any(agencies.row_at(r).abbreviation == "OR" for r in range(agencies.rowCount()))
    _shot(dialog, "plan_from_spreadsheet_agencies.png", tmp_path)

    dialog.section_edit.setText("Community safety projects")
    dialog.prepared_by_edit.setText("Community Safety Team, Tendring District Council")
    with qtbot.waitSignal(dialog.loaded, timeout=30000) as loaded:
        dialog.create_plan()
    assert loaded.args[0].actions == 4
    assert dialog.status.text().startswith("Created.")
    with db.session() as s:
        partnership = s.scalars(select(Partnership)).one()
        assert partnership.name == "Safer Tendring Partnership"
        assert partnership.prepared_by == "Community Safety Team, Tendring District Council"
        assert s.scalars(select(KeyPriority.title)).one() == "Community safety projects"
        partners = {p.abbreviation: p.name for p in s.scalars(select(Partner))}
        assert partners["CVST"] == "Tendring Council for Voluntary Service"
        assert "TC" not in partners and "TCVS" not in partners
        notes = {a.reference: a.notes for a in s.scalars(select(Action))}
        assert (
            notes["T2"]
            == "Needs ten more volunteers by summer\nHow we will measure it: Nights covered"
        )

    plan_id = plan_id_for_year(db, "2024-25")
    assert plan_id is not None
    pdf = tmp_path / "plan.pdf"
    build_report(db, "plan", pdf, plan_id=plan_id, today=dt.date(2024, 5, 1))
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        assert "Safer Tendring Partnership" in text
        assert "Community Safety Team, Tendring District Council" in text
    exported = tmp_path / "exported.xlsx"
    export_plan_workbook(db, plan_id, exported)
    wb = openpyxl.load_workbook(exported)
    assert ["CVST", "Tendring Council for Voluntary Service"] in [
        [c.value for c in row] for row in wb["Agencies"].iter_rows(min_row=4)
    ]
    ws = wb.active
    assert ws is not None
    assert "Nights covered" in "".join(str(c.value) for row in ws.iter_rows() for c in row)


def test_the_year_and_partnership_must_be_given_when_the_sheet_does_not_say(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    source = tendring_plan(tmp_path / "plan.xlsx", banner="Projects list", sheet="Sheet1")
    dialog = _read(qtbot, db, source)
    assert dialog.year_edit.text() == "" and dialog.partnership_edit.text() == ""
    assert dialog.year_from.text() == "Not found in the spreadsheet: please give it."
    dialog.create_plan()
    assert "Give the plan's financial year, e.g. 2024-25" in dialog.status.text()
    dialog.year_edit.setText("2024-25")
    dialog.create_plan()
    assert "Give the partnership's name" in dialog.status.text()
    _shot(dialog, "plan_from_spreadsheet_missing.png", tmp_path)
    with db.session() as s:
        assert s.scalars(select(Action)).first() is None
    dialog.partnership_edit.setText("Tendring Community Safety Partnership")
    with qtbot.waitSignal(dialog.loaded, timeout=30000):
        dialog.create_plan()
    with db.session() as s:
        assert s.scalars(select(Partnership.name)).one() == "Tendring Community Safety Partnership"


def test_the_dialog_is_freed_without_the_cycle_collector(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    import gc
    import weakref

    dialog = _read(qtbot, db, tendring_plan(tmp_path / "plan.xlsx"))
    _choose_use(qtbot, dialog, "How we will measure it", Meaning.IGNORE)
    _type_agency(qtbot, dialog, "Tendring CVS", AgenciesModel.ABBREVIATION, "CVST")
    dialog.close()
    gone = weakref.ref(dialog)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del dialog
        assert gone() is None  # freed by reference counting alone
    finally:
        if enabled:
            gc.enable()
