"""The import review driven as an officer would: a messy return, RAGs set by keyboard and by the
drop-down, the partner's text in the detail pane, an action chosen by typing, a row added as a
new action, Apply and its list of rows left out; then the import undone from the window and
from History, and refused once an officer has changed an action it touched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG, RAG_ORDER
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.services.returns.matching import MATCH_WEAK, Outcome, PreviewRow
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, Objective, QuarterUpdate
from scp_desktop.ui.action_table import Column
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.returns import ImportReturnsDialog
from scp_desktop.ui.returns.models import PreviewTableModel
from scp_desktop.ui.returns.review import ChooseActionDialog, NewActionDialog
from tests.ui.windows import shown_window

Q2 = "2022-23-Q2"
TODAY = dt.date(2022, 8, 15)  # in Q2 2022-23, the demo's reported quarter
FILE = "EP Q2 return.xlsx"


def _messy_return(path: Path) -> Path:
    """A partner's own sheet: RAGs in words, emoji, 'G/A', 'N/A'; titles retyped; a new scheme."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Q2 update"
    ws.append(["ESSEX POLICE – Q2 PROGRESS"])
    ws.append([])
    ws.append(["Initiative", "Status", "Progress this quarter", "Updated by"])
    ws.append(
        [
            "Operation Enlightenment",
            "behind schedule",
            "Two schools dropped out.\nNew dates offered for November.",
            "PC Smith",
        ]
    )  # 4
    ws.append(["Op Halfback", "G/A", "Patrols on Friday nights", "PC Jones"])  # 5
    ws.append(["Project Servator", "N/A", "Deployments paused for the summer", ""])  # 6
    ws.append(["Op Luscombe", "🟢", "Drop-in sessions every week", ""])  # 7
    ws.append(["Crucial crew event", "✅", "Event held in June", ""])  # 8
    ws.append(["Op Oscar", "see notes", "Funding agreed for another year", ""])  # 9
    ws.append(["Boxing sessions in schools", "on track", "Ten sessions so far", ""])  # 10
    ws.append(
        ["Knife crime awareness week", "on track", "Bins placed in the town centre", ""]
    )  # 11
    ws.append(["Police Operations", "N/A", "Too early to say", ""])  # 12
    wb.save(path)
    return path


def _rows(dialog: ImportReturnsDialog) -> dict[str, PreviewRow]:
    assert dialog.preview is not None
    return {r.title: r for r in dialog.preview.rows}


def _select(dialog: ImportReturnsDialog, row: PreviewRow, column: int = 0) -> None:
    model = dialog.preview_model
    n = next(i for i in range(model.rowCount()) if model.row_at(i) is row)
    dialog.preview_view.setFocus()
    dialog.preview_view.setCurrentIndex(model.index(n, column))


def _when_modal(qtbot: QtBot, kind: type[QWidget], act: Callable[[Any], None]) -> None:
    """Act on the next modal window of `kind` once it is open (as the officer would)."""

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            act(widget)
        else:
            QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


def _load(qtbot: QtBot, dialog: ImportReturnsDialog, path: Path) -> None:
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.add_paths([path])


def _review(qtbot: QtBot, db: Database, dialog: ImportReturnsDialog, path: Path) -> None:
    """Everything the officer does with the messy return before pressing Apply."""
    _load(qtbot, dialog, path)
    rows = _rows(dialog)
    model = dialog.preview_model

    # Phrasings read, each with its rule shown in the row.
    enlightenment = rows["Operation Enlightenment"]
    assert enlightenment.rag is RAG.AMBER and enlightenment.outcome is Outcome.UPDATE
    n = next(i for i in range(model.rowCount()) if model.row_at(i) is enlightenment)
    rule = model.data(model.index(n, PreviewTableModel.RAG_RULE))
    assert rule.startswith("“behind schedule” read as Amber")
    assert rows["Op Luscombe"].rag is RAG.GREEN and "read as Green" in rows["Op Luscombe"].rag_rule
    assert rows["Crucial crew event"].rag is RAG.BLUE

    # 'G/A' is never guessed: the officer types G on the row, as in the action table.
    halfback = rows["Op Halfback"]
    assert halfback.rag is None and "could be Amber or Green" in halfback.message
    assert not halfback.selected
    _select(dialog, halfback, PreviewTableModel.MESSAGE)
    qtbot.keyClick(dialog.preview_view, Qt.Key.Key_G)
    assert halfback.rag is RAG.GREEN and halfback.selected
    assert halfback.rag_rule == "Green, set by you (the return says “G/A”)"

    # 'N/A' set with the drop-down in the row.
    servator = rows["Project Servator"]
    assert servator.rag is None and servator.outcome is Outcome.WARNING
    _select(dialog, servator, PreviewTableModel.RAG_COL)
    qtbot.keyClick(dialog.preview_view, Qt.Key.Key_F2)
    combo = dialog.preview_view.viewport().findChild(QComboBox)
    assert combo is not None and combo.isVisible()
    combo.setCurrentIndex(RAG_ORDER.index(RAG.AMBER))
    qtbot.keyClick(combo, Qt.Key.Key_Return)  # the choice is committed on the next turn
    qtbot.waitUntil(lambda: servator.rag is RAG.AMBER, timeout=3000)
    assert servator.rag is RAG.AMBER and servator.selected

    # 'see notes': its progress update imported with the RAG held kept (a warning, ticked by hand).
    oscar = rows["Op Oscar"]
    assert oscar.outcome is Outcome.WARNING and "RAG left Green" in oscar.message
    n = next(i for i in range(model.rowCount()) if model.row_at(i) is oscar)
    assert model.setData(
        model.index(n, PreviewTableModel.APPLY),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert oscar.selected and oscar.keeps_rag

    # The partner's own text, line breaks and all, in the detail pane.
    _select(dialog, enlightenment)
    detail = dialog.detail.toPlainText()
    assert "Two schools dropped out." in detail and "New dates offered for November." in detail
    assert "behind schedule" in detail and "PC Smith" in detail

    # An unmatched row matched by typing in 'Choose action…'.
    boxing = rows["Boxing sessions in schools"]
    assert boxing.action_id is None and boxing.outcome is Outcome.UNMATCHED
    _select(dialog, boxing)

    def type_box(chooser: ChooseActionDialog) -> None:
        qtbot.keyClicks(chooser.search, "box sm")
        assert chooser.proxy.rowCount() == 1
        qtbot.keyClick(chooser.search, Qt.Key.Key_Return)

    _when_modal(qtbot, ChooseActionDialog, type_box)
    dialog.match_button.click()
    with db.session() as s:
        box_smart = s.scalars(select(Action).where(Action.title == "Box Smart")).one().id
    assert boxing.action_id == box_smart and boxing.match_how == "officer" and boxing.selected

    # A scheme not in the plan added as a new action under an objective the officer picks.
    knife = rows["Knife crime awareness week"]
    assert knife.action_id is None and all(c.score < MATCH_WEAK for c in knife.candidates)
    assert "No action of the plan" in knife.message  # no poor match offered
    _select(dialog, knife)
    with db.session() as s:
        objective = s.scalars(select(Objective).order_by(Objective.id).limit(1).offset(3)).one()
        objective_id, objective_title = objective.id, objective.title

    def add_new(form: NewActionDialog) -> None:
        form.objective.setCurrentIndex(form.objective.findData(objective_id))
        assert form.title.text() == "Knife crime awareness week"
        form.accept()

    def choose_add(chooser: ChooseActionDialog) -> None:
        _when_modal(qtbot, NewActionDialog, add_new)
        chooser.add_button.click()

    _when_modal(qtbot, ChooseActionDialog, choose_add)
    dialog.match_button.click()
    assert knife.action_id is not None and knife.outcome is Outcome.UPDATE and knife.selected
    with db.session() as s:
        added = s.get(Action, knife.action_id)
        assert added is not None and added.objective_id == objective_id
        assert added.title == "Knife crime awareness week"
    assert objective_title  # the objective exists and was the one picked


def test_reviewing_and_applying_a_messy_return(
    qtbot: QtBot, qtmodeltester: object, demo_db: Database, tmp_path: Path
) -> None:
    path = _messy_return(tmp_path / FILE)
    plan_id = plan_for_quarter(demo_db, Quarter.parse(Q2))
    dialog = ImportReturnsDialog(demo_db, plan_id, Q2)
    qtbot.addWidget(dialog)
    dialog.show()
    _review(qtbot, demo_db, dialog, path)
    qtmodeltester.check(dialog.preview_model)  # type: ignore[attr-defined]
    rows = _rows(dialog)
    with demo_db.session() as s:
        oscar_before = s.scalars(
            select(QuarterUpdate)
            .join(Action)
            .where(Action.title == "Op Oscar", QuarterUpdate.quarter == Q2)
        ).one()
        oscar_rag = oscar_before.rag

    ticked = [r for r in rows.values() if r.selected]
    with qtbot.waitSignal(dialog.applied, timeout=30000) as applied:
        dialog.apply_button.click()
    result = applied.args[0]
    assert dialog.pages.currentIndex() == 1
    # Every row left out is listed with why: 'Police Operations' had 'N/A' and was not ticked.
    listed = [dialog.skipped_list.item(i).text() for i in range(dialog.skipped_list.count())]
    assert len(listed) == len(rows) - len(ticked) == len(result.skipped)
    police = next(line for line in listed if "Police Operations" in line)
    assert "row 12" in police and "“N/A” is not Red, Amber, Green or Blue" in police
    assert "row(s) not imported" in dialog.skipped_label.text()

    with demo_db.session() as s:

        def update(title: str) -> QuarterUpdate:
            return s.scalars(
                select(QuarterUpdate)
                .join(Action)
                .where(Action.title == title, QuarterUpdate.quarter == Q2)
            ).one()

        assert update("Op Enlightenment").rag == "A"
        assert update("Op Halfback").rag == "G"
        assert update("Project Servator").rag == "A"
        assert update("Box Smart").narrative == "Ten sessions so far"
        assert update("Knife crime awareness week").rag == "G"
        oscar = update("Op Oscar")
        assert oscar.rag == oscar_rag and oscar.narrative == "Funding agreed for another year"


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    w = shown_window(qtbot, demo_db, tmp_path, TODAY)
    yield w
    w.close()


def _updates(db: Database) -> dict[int, tuple[object, ...]]:
    """Every Q2 update as stored, but for its version (which only grows)."""
    with db.session() as s:
        return {
            u.action_id: tuple(
                getattr(u, c.key) for c in QuarterUpdate.__table__.columns if c.key != "version"
            )
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q2))
        }


def _answer_message(qtbot: QtBot) -> list[str]:
    seen: list[str] = []

    def press(box: QMessageBox) -> None:
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    _when_modal(qtbot, QMessageBox, press)
    return seen


def test_an_import_is_undone_from_the_window_and_from_history(
    qtbot: QtBot, window: MainWindow, demo_db: Database, tmp_path: Path
) -> None:
    assert window.quarter is not None and window.quarter.code == Q2
    path = _messy_return(tmp_path / FILE)
    before = _updates(demo_db)

    def import_it(dialog: ImportReturnsDialog) -> None:
        _load(qtbot, dialog, path)
        rows = _rows(dialog)
        _select(dialog, rows["Op Halfback"])
        qtbot.keyClick(dialog.preview_view, Qt.Key.Key_A)
        with qtbot.waitSignal(dialog.applied, timeout=30000):
            dialog.apply_button.click()
        dialog.reject()

    _when_modal(qtbot, ImportReturnsDialog, import_it)
    window.open_import_returns()
    imported = _updates(demo_db)
    assert imported != before
    with demo_db.session() as s:
        halfback = s.scalars(select(Action).where(Action.title == "Op Halfback")).one().id
        enlightenment = s.scalars(select(Action).where(Action.title == "Op Enlightenment")).one().id
    assert imported[halfback][list(QuarterUpdate.__table__.columns.keys()).index("rag")] == "A"

    # Edit ▸ Undo: one step puts back exactly what was there.
    assert window.acts.undo.text() == f"&Undo Import of {FILE}"
    window.acts.undo.trigger()
    assert _updates(demo_db) == before
    window.acts.redo.trigger()
    assert _updates(demo_db).keys() == imported.keys()

    # From the History of an action it touched.
    assert window.select_action(enlightenment)
    history = window.history
    assert history.undo_import_button.isVisible()
    assert history.undo_import_button.text() == f"Undo the import of {FILE}…"
    history.undo_import_button.click()
    assert _updates(demo_db) == before
    assert not history.undo_import_button.isVisible()
    window.acts.undo.trigger()  # the undo taken back: the import stands again
    assert history.undo_import_button.isVisible()

    # An officer changes one of its actions: undoing the import is refused, nothing changes.
    assert window.select_action(halfback)
    table = window.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(table.currentIndex().row(), Column.Q2))
    qtbot.keyClick(table, Qt.Key.Key_R)
    changed = _updates(demo_db)
    assert changed[halfback] != imported[halfback]
    assert window.select_action(enlightenment)
    seen = _answer_message(qtbot)
    history.undo_import_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert f"The import of {FILE} cannot be undone" in seen[0]
    assert "update of 2.2.2 Op Halfback was changed by Pat Officer" in seen[0]
    assert "changed by" in seen[0] and "Nothing was changed" in seen[0]
    assert _updates(demo_db) == changed


def test_choosing_among_five_thousand_actions_by_typing(qtbot: QtBot, tmp_path: Path) -> None:
    from bench.generate import QUARTERS, Spec, generate
    from scp_desktop.services import plans
    from scp_desktop.services.returns.preview import preview_import
    from scp_desktop.storage.database import open_database

    built = generate(Spec(5000, seed=11), tmp_path / "large.db")
    db, _ = open_database(built.path, user="tester")
    try:
        plan_id = plans.list_plans(db)[0].id
        with db.session() as s:
            target = s.scalars(select(Action).order_by(Action.id.desc()).limit(1)).one()
            target_id, reference, title = target.id, target.reference, target.title
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["Initiative", "RAG", "Progress"])
        ws.append(["Quokka counting in the park", "G", "Counted"])
        wb.save(tmp_path / "return.xlsx")
        preview = preview_import(
            db, [tmp_path / "return.xlsx"], Quarter.parse(QUARTERS[1]), plan_id=plan_id
        )
        row = preview.rows[0]
        started = dt.datetime.now()
        chooser = ChooseActionDialog(db, preview, row)
        qtbot.addWidget(chooser)
        chooser.show()
        opened = (dt.datetime.now() - started).total_seconds()
        assert chooser.proxy.rowCount() == 5001  # every action, and 'not an action of this plan'
        started = dt.datetime.now()
        qtbot.keyClicks(chooser.search, reference)
        typed = (dt.datetime.now() - started).total_seconds()
        found = [chooser.proxy.index(i, 0).data() for i in range(chooser.proxy.rowCount())]
        assert f"{reference} {title}" in found
        # Generous bounds for a busy two-core machine: typing stays interactive.
        assert opened < 3.0 and typed / max(len(reference), 1) < 0.5, (opened, typed)
        qtbot.keyClicks(chooser.search, " " + title)
        assert chooser.proxy.rowCount() >= 1
        assert chooser.proxy.index(0, 0).data() == f"{reference} {title}"
        qtbot.keyClick(chooser.search, Qt.Key.Key_Return)
        assert chooser.chosen == target_id
    finally:
        db.close()
