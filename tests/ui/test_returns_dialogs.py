"""The Prepare returns and Import returns dialogs, driven offscreen against a real demo database."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.excel.columns import Meaning
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.services.returns.matching import Outcome
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import ImportBatch, QuarterUpdate
from scp_desktop.ui.returns import ImportReturnsDialog, PrepareReturnsDialog
from scp_desktop.ui.returns.models import FILTER_ATTENTION, PreviewTableModel

Q3 = "2022-23-Q3"
SHOTS = os.environ.get("SCP_SCREENSHOTS")  # set to a folder to keep the rendered dialogs


def _shot(widget: object, name: str, tmp_path: Path) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))  # type: ignore[attr-defined]
    return path


def _prepare(qtbot: QtBot, db: Database, folder: Path, tmp_path: Path) -> PrepareReturnsDialog:
    plan_id = plan_for_quarter(db, Quarter.parse(Q3))
    dialog = PrepareReturnsDialog(db, plan_id, Q3)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder.setText(str(folder))
    dialog.emails.setChecked(True)
    _shot(dialog, "prepare_returns.png", tmp_path)
    with qtbot.waitSignal(dialog.prepared, timeout=30000):
        dialog.prepare_button.click()
    return dialog


def test_prepare_writes_a_folder_of_returns(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = _prepare(qtbot, demo_db, tmp_path / "out", tmp_path)
    assert dialog.export_result is not None
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "Return 2022-23-Q3 EP.xlsx" in names and "Return 2022-23-Q3 EP.eml" in names
    assert len([n for n in names if n.endswith(".xlsx")]) == 10
    assert "10 return(s) written" in dialog.report.toPlainText()
    assert dialog.open_button.isEnabled()
    _shot(dialog, "prepare_returns_done.png", tmp_path)


def test_prepare_one_agency(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Quarter.parse(Q3))
    dialog = PrepareReturnsDialog(demo_db, plan_id, Q3)
    qtbot.addWidget(dialog)
    for i in range(dialog.agencies.count()):
        item = dialog.agencies.item(i)
        keep = item.data(Qt.ItemDataRole.UserRole) == "CARA"
        item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    dialog.folder.setText(str(tmp_path / "one"))
    with qtbot.waitSignal(dialog.prepared, timeout=30000):
        dialog.prepare_button.click()
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["Return 2022-23-Q3 CARA.xlsx"]


def _fill(path: Path, rag: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions you lead"]
    for row in range(5, ws.max_row + 1):
        ws.cell(row, 7).value = rag
        ws.cell(row, 8).value = f"Update for {ws.cell(row, 1).value}"
        ws.cell(row, 10).value = dt.date(2022, 12, 31)
    wb.save(path)


def test_import_preview_edit_and_apply(
    qtbot: QtBot, qtmodeltester: object, demo_db: Database, tmp_path: Path
) -> None:
    _prepare(qtbot, demo_db, tmp_path / "out", tmp_path)
    out = tmp_path / "out"
    _fill(out / "Return 2022-23-Q3 EP.xlsx", "Green")
    _fill(out / "Return 2022-23-Q3 CARA.xlsx", "amber")
    other = tmp_path / "CBH own sheet.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["CBH quarterly update"])
    ws.append([])
    ws.append(["Scheme", "Colour", "Progress"])
    ws.append(["Box Smart", "G", "Sessions running"])
    ws.append(["Project Morfeus", "R", "Paused"])
    ws.append(["Something new", "A", "?"])
    wb.save(other)
    (tmp_path / "notes.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))

    plan_id = plan_for_quarter(demo_db, Quarter.parse(Q3))
    dialog = ImportReturnsDialog(demo_db, plan_id, Q3)
    qtbot.addWidget(dialog)
    dialog.show()
    _shot(dialog, "import_returns_empty.png", tmp_path)
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.add_paths(
            [
                out / "Return 2022-23-Q3 EP.xlsx",
                out / "Return 2022-23-Q3 CARA.xlsx",
                other,
                tmp_path / "notes.png",
            ]
        )
    preview = dialog.preview
    assert preview is not None
    qtmodeltester.check(dialog.preview_model)  # type: ignore[attr-defined]
    qtmodeltester.check(dialog.file_model)  # type: ignore[attr-defined]
    assert dialog.file_model.rowCount() == 4
    assert dialog.file_model.data(dialog.file_model.index(3, 1)) == "Refused"
    model = dialog.preview_model
    assert model.rowCount() == len(preview.rows)
    _shot(dialog, "import_returns_preview.png", tmp_path)

    # 'Colour' is not understood: say it is the RAG column; the file is read again.
    cbh_rows = [r for r in preview.rows if r.file == other.name]
    assert all(r.rag is None for r in cbh_rows)
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.set_column_choices(
            other.name, {"Sheet": {0: Meaning.TITLE, 1: Meaning.RAG, 2: Meaning.PROGRESS}}
        )
    preview = dialog.preview
    assert preview is not None
    cbh = {r.title: r for r in preview.rows if r.file == other.name}
    assert cbh["Box Smart"].outcome is Outcome.UPDATE
    assert cbh["Project Morfeus"].outcome is Outcome.WARNING  # close to 'Project Morpheus'
    assert cbh["Something new"].outcome is Outcome.UNMATCHED

    # Whose return a file is can be corrected; its rows are checked again.
    cbh_index = next(i for i, f in enumerate(preview.files) if f.name == other.name)
    dialog.set_file_agency(cbh_index, "EP")
    assert (
        "EP does not lead" in cbh["Box Smart"].message
        and cbh["Box Smart"].outcome is Outcome.WARNING
    )
    dialog.set_file_agency(cbh_index, "CBH")
    assert cbh["Box Smart"].outcome is Outcome.UPDATE and cbh["Box Smart"].selected
    assert dialog.file_model.data(dialog.file_model.index(cbh_index, 2)) == "CBH"

    # Fix the weak match through the dialog, untick one EP row.
    morpheus = cbh["Project Morfeus"]
    dialog.choose_action(morpheus, morpheus.candidates[0].action_id)
    assert morpheus.selected and morpheus.outcome is Outcome.UPDATE
    n = next(
        i
        for i in range(model.rowCount())
        if model.row_at(i).selected and model.row_at(i).file.endswith("EP.xlsx")  # type: ignore[union-attr]
    )
    first = model.index(n, PreviewTableModel.APPLY)
    first_row = model.row_at(n)
    assert first_row is not None and first_row.selected
    assert model.setData(first, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert not first_row.selected
    model.set_filter(FILTER_ATTENTION)
    assert all(
        model.row_at(i).outcome in (Outcome.WARNING, Outcome.ERROR, Outcome.UNMATCHED)
        for i in range(model.rowCount())
    )  # type: ignore[union-attr]
    model.sort(PreviewTableModel.RAG_COL, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)  # type: ignore[attr-defined]

    ticked = [r for r in preview.rows if r.selected]
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.applied, timeout=30000):
        dialog.apply_button.click()
    assert dialog.pages.currentIndex() == 1
    qtmodeltester.check(dialog.status_model)  # type: ignore[attr-defined]
    status = {a.abbreviation: a for a in dialog.status_model.items}
    assert status["EP"].returned and status["CARA"].returned and status["CBH"].returned
    assert not status["CBC"].returned
    with qtbot.waitSignal(dialog.chased, timeout=30000) as chased:
        dialog.write_chase_emails(tmp_path / "chase")
    names = sorted(p.name for p in chased.args[0])
    assert "Reminder 2022-23-Q3 CBC.eml" in names and len(names) == 7
    assert "7 reminder email draft(s)" in dialog.chase_label.text()
    _shot(dialog, "import_returns_summary.png", tmp_path)
    with demo_db.session() as s:
        q3 = list(s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q3)))
        assert len(q3) == len(ticked)
        assert {u.action.reference for u in q3} >= {"1.1.3", "2.1.3"}
        assert len(list(s.scalars(select(ImportBatch)))) == 3


def _plan_spreadsheet(db: Database, tmp_path: Path) -> Path:
    """The demo plan written as the officers' plan spreadsheet."""
    from scp_desktop.services.returns.export import export_plan_workbook

    path = tmp_path / "plan.xlsx"
    export_plan_workbook(db, plan_for_quarter(db, Quarter.parse(Q3)), path)
    return path


def _previewed_plan_dialog(qtbot: QtBot, db: Database, path: Path) -> Any:
    from scp_desktop.ui.returns import NewPlanFromSpreadsheetDialog

    dialog = NewPlanFromSpreadsheetDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        dialog.read(path)
    return dialog


def test_new_plan_from_spreadsheet(
    qtbot: QtBot, qtmodeltester: object, demo_db: Database, tmp_path: Path
) -> None:
    from scp_desktop.storage.models import Plan

    dialog = _previewed_plan_dialog(qtbot, demo_db, _plan_spreadsheet(demo_db, tmp_path))
    assert dialog.model.rowCount() == 51
    assert dialog.year_edit.text() == "2022-23"  # read from the title row
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    _shot(dialog, "new_plan_from_spreadsheet.png", tmp_path)
    with qtbot.waitSignal(dialog.failed, timeout=30000):
        dialog.create_plan()  # 2022-23 exists already
    assert "already a plan" in dialog.status.text()
    dialog.year_edit.setText("2023/24")
    with qtbot.waitSignal(dialog.loaded, timeout=30000):
        dialog.create_plan()
    with demo_db.session() as s:
        assert s.scalars(select(Plan).where(Plan.year == "2023-24")).one().title


@contextmanager
def _pool_held() -> Iterator[None]:
    """Jobs started inside wait in the pool's queue until the block ends, so a test can reach a
    task before its worker does (no race with the first progress line)."""
    pool = QThreadPool.globalInstance()
    pool.waitForDone()
    limit = pool.maxThreadCount()
    pool.setMaxThreadCount(1)
    pool.reserveThread()
    try:
        yield
    finally:
        pool.releaseThread()
        pool.setMaxThreadCount(limit)


def _progress(dialog: object) -> QProgressDialog | None:
    """The progress shown over `dialog` while its job runs."""
    job = dialog._job  # type: ignore[attr-defined]
    return None if job is None else job.dialog


def _cancel_button(dialog: object) -> QPushButton:
    progress = _progress(dialog)
    assert isinstance(progress, QProgressDialog)
    button = progress.findChild(QPushButton)
    assert button is not None and button.text() == "Cancel"
    return button


def _create_held_at(qtbot: QtBot, dialog: object, line: int) -> threading.Event:
    """Start creating the plan; its worker waits on reporting `line` lines done until the
    returned event is set, so the test presses Cancel at a known point."""
    reached, go_on = threading.Event(), threading.Event()

    def hold(done: int, total: int, what: str) -> None:
        if done == line:
            reached.set()
            go_on.wait(30)

    with _pool_held():
        dialog.create_plan()  # type: ignore[attr-defined]
        job = dialog._job  # type: ignore[attr-defined]
        assert job is not None
        assert not dialog.create_button.isEnabled()  # type: ignore[attr-defined]
        job.relay.progress.connect(hold, Qt.ConnectionType.DirectConnection)
    qtbot.waitUntil(reached.is_set, timeout=30000)
    return go_on


def _small_plan(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Annual Partnership Plan 2024/25"])
    ws.append(["Project / initiative", "Lead Agency", "Objective", "By When", "Ref"])
    ws.append(["Key Priority 1: Violence"])
    ws.append(["Op Pegasi patrols", "EP", "Reduce knife crime", "Ongoing", "1.1.1"])
    ws.append(["Bleed kits", "Youth Service", "Reduce knife crime", "Mar 25", "1.1.2"])
    wb.save(path)
    return path


def _row_counts(db: Database) -> dict[str, int]:
    from sqlalchemy import func

    from scp_desktop.storage.models import Base

    with db.session(audit=False) as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def test_cancel_while_creating_the_plan_writes_nothing(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from scp_desktop.services.plan_spreadsheet import CANCELLED
    from scp_desktop.storage.models import Plan

    dialog = _previewed_plan_dialog(qtbot, demo_db, _plan_spreadsheet(demo_db, tmp_path))
    dialog.year_edit.setText("2023-24")
    before = _row_counts(demo_db)

    # The worker stops at its 11th line until the officer has pressed Cancel.
    go_on = _create_held_at(qtbot, dialog, 10)
    progress = _progress(dialog)
    assert progress is not None
    qtbot.waitUntil(lambda: progress.isVisible() and progress.value() == 10, timeout=10000)
    assert (progress.minimum(), progress.maximum()) == (0, 51)
    assert progress.labelText().startswith("Creating the plan: action 11 of 51\n")
    _shot(progress, "new_plan_creating.png", tmp_path)
    _shot(dialog, "new_plan_creating_dialog.png", tmp_path)

    _cancel_button(dialog).click()
    assert "Cancelling" in dialog.status.text()
    with qtbot.waitSignal(dialog.failed, timeout=30000) as failed:
        go_on.set()
    assert failed.args == [CANCELLED]
    assert dialog.status.text() == "Creating the plan was cancelled; nothing was written."
    assert _progress(dialog) is None and not progress.isVisible()
    assert dialog.create_button.isEnabled()
    assert _row_counts(demo_db) == before
    with demo_db.session() as s:
        assert s.scalar(select(Plan.id).where(Plan.year == "2023-24")) is None
    _shot(dialog, "new_plan_cancelled.png", tmp_path)

    with qtbot.waitSignal(dialog.loaded, timeout=30000) as loaded:
        dialog.create_plan()  # the officer changes their mind: nothing is in the way
    assert loaded.args[0].actions == 51
    assert dialog.status.text().startswith("Created.")


def test_cancel_after_the_last_line_says_the_plan_was_created(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from scp_desktop.storage.models import Plan
    from scp_desktop.ui.returns import NewPlanFromSpreadsheetDialog

    dialog = NewPlanFromSpreadsheetDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        dialog.read(_small_plan(tmp_path / "small plan.xlsx"))
    go_on = _create_held_at(qtbot, dialog, 2)  # every line written, the commit to come
    _cancel_button(dialog).click()
    with qtbot.waitSignal(dialog.loaded, timeout=30000):
        go_on.set()
    assert dialog.status.text().endswith("(Cancel came too late to stop it.)")
    with demo_db.session() as s:
        assert s.scalar(select(Plan.id).where(Plan.year == "2024-25")) is not None


def test_a_cancelled_read_of_a_plan_leaves_the_dialog_as_it_was(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from scp_desktop.services.returns.export import export_plan_workbook
    from scp_desktop.ui.returns import NewPlanFromSpreadsheetDialog

    whole = tmp_path / "whole plan.xlsx"
    export_plan_workbook(demo_db, plan_for_quarter(demo_db, Quarter.parse(Q3)), whole)
    small = _small_plan(tmp_path / "small plan.xlsx")
    dialog = NewPlanFromSpreadsheetDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    previews: list[object] = []
    dialog.previewed.connect(previews.append)

    def late_results_delivered() -> None:
        QThreadPool.globalInstance().waitForDone()
        QApplication.processEvents()

    # Cancelled before any preview: the dialog still asks for a spreadsheet.
    dialog.read(small)
    _cancel_button(dialog).click()
    assert dialog.status.text() == (
        "Reading small plan.xlsx was cancelled. Choose the spreadsheet that holds this year's plan."
    )
    assert dialog.file_edit.text() == "" and not dialog.create_button.isEnabled()
    late_results_delivered()
    assert previews == [] and dialog.model.rowCount() == 0 and dialog.preview is None

    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        dialog.read(whole)
    assert dialog.model.rowCount() == 51 and dialog.create_button.isEnabled()
    notes = dialog.notes.toPlainText()

    # Cancelled with a preview shown: that preview stays, whatever the cancelled read finds.
    dialog.read(small)
    assert not dialog.create_button.isEnabled()
    _cancel_button(dialog).click()
    assert dialog.status.text() == (
        "Reading small plan.xlsx was cancelled. The rows below are still those of whole plan.xlsx."
    )
    late_results_delivered()
    assert len(previews) == 1
    assert dialog.file_edit.text() == str(whole)
    assert dialog.model.rowCount() == 51 and dialog.notes.toPlainText() == notes
    assert dialog.year_edit.text() == "2022-23" and dialog.create_button.isEnabled()

    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        dialog.read(small)  # a later read works
    assert dialog.model.rowCount() == 2 and dialog.year_edit.text() == "2024-25"
    assert dialog.file_edit.text() == str(small)


def test_columns_dialog_offers_every_header(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from scp_desktop.services.returns.preview import preview_import
    from scp_desktop.ui.returns.import_dialog import ColumnsDialog

    path = tmp_path / "EP odd.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Ref", "Scheme", "Colour", "Progress", "Notes to self"])
    ws.append(["1.1.2", "Op Enlightenment", "Amber", "Fewer schools", "x"])
    wb.save(path)
    preview = preview_import(demo_db, [path], Quarter.parse("2022-23-Q2"))
    dialog = ColumnsDialog(preview.files[0])
    qtbot.addWidget(dialog)
    dialog.show()
    _shot(dialog, "columns_dialog.png", tmp_path)
    choices = dialog.choices()["Sheet"]
    assert choices[0] is Meaning.REFERENCE and choices[2] is Meaning.IGNORE
    combo = dialog._combos["Sheet"][2]
    combo.setCurrentIndex(combo.findData(Meaning.RAG.value))
    assert dialog.choices()["Sheet"][2] is Meaning.RAG


def test_dropping_a_folder_reads_its_returns(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    from scp_desktop.services.returns.export import export_returns

    plan_id = plan_for_quarter(demo_db, Quarter.parse(Q3))
    export_returns(
        demo_db, plan_id, Quarter.parse(Q3), tmp_path / "in", agencies=["CARA", "NC"], emails=True
    )
    dialog = ImportReturnsDialog(demo_db, plan_id, Q3)
    qtbot.addWidget(dialog)
    dialog.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "in"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.dropEvent(event)
    assert [f.name for f in dialog.file_model.files] == [
        "Return 2022-23-Q3 CARA.xlsx",
        "Return 2022-23-Q3 NC.xlsx",
    ]
    assert "2 other file(s) in the folder left out" in dialog.counts.text()


def test_export_plan_dialog(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    from scp_desktop.ui.returns import ExportPlanDialog

    dialog = ExportPlanDialog(
        demo_db, plan_for_quarter(demo_db, Quarter.parse("2022-23-Q2")), "2022-23-Q2"
    )
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "plan.xlsx"))
    with qtbot.waitSignal(dialog.exported, timeout=30000) as done:
        dialog.export_button.click()
    assert done.args == [51]
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx").active
    assert ws is not None and ws["L4"].value == "RAG Q2 2022-23"
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "plan.xlsx"))
    with qtbot.waitSignal(dialog.failed, timeout=30000):
        dialog.export_button.click()
    assert "cannot be written" in dialog.status.text()


def test_a_plan_made_from_a_spreadsheet_opens_in_the_main_window(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer

    from scp_desktop.services.returns.export import export_plan_workbook
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.returns import NewPlanFromSpreadsheetDialog
    from scp_desktop.ui.settings import Settings

    path = tmp_path / "plan.xlsx"
    export_plan_workbook(demo_db, plan_for_quarter(demo_db, Quarter.parse(Q3)), path)
    window = MainWindow(demo_db, Settings())
    qtbot.addWidget(window)
    window.show()
    steps: list[str] = []

    def officer() -> None:
        # In the modal dialog, as the officer would: read the file, give the year, create, close.
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NewPlanFromSpreadsheetDialog):
            QTimer.singleShot(20, officer)
            return
        with qtbot.waitSignal(dialog.previewed, timeout=30000):
            dialog.read(path)
        dialog.year_edit.setText("2024-25")
        with qtbot.waitSignal(dialog.loaded, timeout=30000):
            dialog.create_plan()
        steps.append("created")
        dialog.reject()  # the Close button

    QTimer.singleShot(0, officer)
    window.open_plan_from_spreadsheet()
    assert steps == ["created"]
    assert window.plan_combo.currentText().startswith("2024-25")
    assert window.model.total_count == 51
    plans_shown = [window.plan_combo.itemText(i) for i in range(window.plan_combo.count())]
    assert any(t.startswith("2022-23") for t in plans_shown)


def test_closing_while_an_import_is_applied_waits_for_it(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    _prepare(qtbot, demo_db, tmp_path / "out", tmp_path)
    filled = tmp_path / "out" / "Return 2022-23-Q3 EP.xlsx"
    _fill(filled, "Green")
    dialog = ImportReturnsDialog(demo_db, plan_for_quarter(demo_db, Quarter.parse(Q3)), Q3)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.add_paths([filled])
    with demo_db.session() as s:
        before = len(list(s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q3))))
    with _pool_held():
        dialog.apply_button.click()
        # Closed at once, before the progress would have shown itself: the job is still
        # queued, so the dialog stays, its progress in view.
        dialog.reject()
        progress = _progress(dialog)
        assert dialog.isVisible() and progress is not None
        assert progress.isVisible()
    with qtbot.waitSignal(dialog.applied, timeout=30000):
        pass
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert dialog.result() == QDialog.DialogCode.Rejected
    with demo_db.session() as s:
        after = len(list(s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q3))))
    assert after > before


def test_closing_while_a_plan_is_created_waits_for_it(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    from scp_desktop.storage.models import Plan

    dialog = _previewed_plan_dialog(qtbot, demo_db, _plan_spreadsheet(demo_db, tmp_path))
    dialog.year_edit.setText("2025-26")
    with _pool_held():
        dialog.create_plan()
        dialog.reject()
        progress = _progress(dialog)
        assert dialog.isVisible() and progress is not None and progress.isVisible()
    with qtbot.waitSignal(dialog.loaded, timeout=30000):
        pass
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    with demo_db.session() as s:
        assert s.scalars(select(Plan).where(Plan.year == "2025-26")).one()
    # Closed again with nothing running, it closes at once.
    dialog.show()
    dialog.reject()
    assert not dialog.isVisible()
