"""Evidence, reference data, plan structure, empty plans and keyboard use, through the widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from scp_desktop.services import records, workspace
from scp_desktop.services.records import RecordKind
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Acronym, Evidence, KeyPriority, Objective, Plan
from scp_desktop.ui import action_commands as action_commands_module
from scp_desktop.ui import history as history_module
from scp_desktop.ui.action_form import ActionFormDialog
from scp_desktop.ui.dialogs import NewPlanDialog
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.reference_editors import RecordFormDialog, ReferenceDataDialog
from scp_desktop.ui.update_editor import UpdateEditorDialog
from tests.ui.windows import shown_window

TODAY = dt.date(2022, 8, 15)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Messages the window would show in a (modal) box, kept instead for the test to read."""
    shown: list[str] = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, message: shown.append(message))
    return shown


@pytest.fixture
def window(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, errors: list[str]
) -> Iterator[MainWindow]:
    w = shown_window(qtbot, demo_db, tmp_path, TODAY)
    yield w


def test_evidence_attach_open_remove_and_undo(
    window: MainWindow, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = tmp_path / "leaflet.pdf"
    photo.write_bytes(b"%PDF-1.4 leaflet")
    monkeypatch.setattr(
        action_commands_module.QFileDialog,
        "getOpenFileName",
        staticmethod(lambda *a, **k: (str(photo), "")),
    )
    opened: list[str] = []
    monkeypatch.setattr(
        history_module.QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(url.toLocalFile())),
    )
    action_id = window.model.row_at(0).id
    window.select_action(action_id)
    window.history.attach_button.click()
    assert window.history.evidence_model.rowCount() == 1
    assert window.history.tabs.tabText(2) == "Evidence (1)"
    window.history.open_button.click()
    assert opened and Path(opened[0]).read_bytes() == b"%PDF-1.4 leaflet"
    assert Path(opened[0]).name == "leaflet.pdf"
    # To the quarter's update as well: the list says which quarter.
    window.history.attach_update_button.click()
    quarters = sorted(window.history.evidence_model.row_at(i).quarter for i in range(2))
    assert quarters == ["", "Q2 2022-23"]
    window.acts.undo.trigger()
    window.history.evidence_view.selectRow(0)
    window.history.remove_button.click()
    with demo_db.session(audit=False) as s:
        assert s.scalar(select(func.count(Evidence.id))) == 0
    window.acts.undo.trigger()
    with demo_db.session(audit=False) as s:
        assert s.scalars(select(Evidence.content)).one() == b"%PDF-1.4 leaflet"
    assert window.history.evidence_model.rowCount() == 1


def test_reference_data_dialog_adds_and_undo_removes(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch, errors: list[str]
) -> None:
    dialog = ReferenceDataDialog(demo_db, window.edits, window)
    acronyms = dialog.acronyms
    before = acronyms.model.rowCount()

    def fill(form: RecordFormDialog) -> QDialog.DialogCode:
        ok = form.buttons.button(form.buttons.StandardButton.Ok)
        assert not ok.isEnabled()
        editors = form.editors
        assert isinstance(editors["abbreviation"], QLineEdit)
        assert isinstance(editors["meaning"], QLineEdit)
        editors["abbreviation"].setText("IOM")
        editors["meaning"].setText("Integrated Offender Management")
        assert ok.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RecordFormDialog, "exec", fill)
    acronyms.add_button.click()
    assert acronyms.model.rowCount() == before + 1
    with demo_db.session(audit=False) as s:
        assert s.scalars(select(Acronym).where(Acronym.abbreviation == "IOM")).one()
    window.acts.undo.trigger()
    assert acronyms.model.rowCount() == before
    # A partner that leads actions cannot be deleted; the refusal names the reason.
    dialog.partners.view.selectRow(
        [r.values["abbreviation"] for r in records.list_records(demo_db, RecordKind.PARTNER)].index(
            "CBC"
        )
    )
    dialog.partners.delete_button.click()
    assert errors and "lead or supporting" in errors[0]
    # Framework items follow the chosen framework.
    dialog.frameworks.view.selectRow(0)
    assert dialog.items.model.rowCount() > 0


def test_new_key_priority_and_objective_then_an_action_under_it(
    window: MainWindow,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
    errors: list[str],
) -> None:
    def fill_priority(form: RecordFormDialog) -> QDialog.DialogCode:
        title = form.editors["title"]
        assert isinstance(title, QLineEdit)
        title.setText("Reducing reoffending")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RecordFormDialog, "exec", fill_priority)
    window.plan_commands.new_priority()
    with demo_db.session(audit=False) as s:
        kp = s.scalars(select(KeyPriority).where(KeyPriority.title == "Reducing reoffending")).one()
        assert kp.number == 5 and kp.kind == "key"  # 4 is the demo's "other" section
        kp_id = kp.id
    nav = window.navigator.tree
    plan_item = nav.topLevelItem(0)
    item = next(
        plan_item.child(i)
        for i in range(plan_item.childCount())
        if plan_item.child(i).data(0, Qt.ItemDataRole.UserRole) == ("priority", kp_id)
    )
    nav.setCurrentItem(item)
    assert window.model.action_filter.priority_id == kp_id
    assert window.model.rowCount() == 0

    def fill_objective(form: RecordFormDialog) -> QDialog.DialogCode:
        title = form.editors["title"]
        assert isinstance(title, QLineEdit)
        title.setText("Support people leaving prison")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RecordFormDialog, "exec", fill_objective)
    window.plan_commands.new_objective()
    assert errors == []
    with demo_db.session(audit=False) as s:
        objective = s.scalars(select(Objective).where(Objective.priority_id == kp_id)).one()
        objective_id = objective.id

    def fill_action(form: ActionFormDialog) -> QDialog.DialogCode:
        form.objective.setCurrentIndex(form.objective.findData(objective_id))
        qtbot.keyClicks(form.title_edit, "Through the gate mentoring")
        qtbot.keyClicks(form.leads.entry, "CBC")
        qtbot.keyClick(form.leads.entry, Qt.Key.Key_Return)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ActionFormDialog, "exec", fill_action)
    window.action_commands.new_action()
    rows = [r for r in window.model.shown_rows() if r.objective_id == objective_id]
    assert [r.title for r in rows] == ["Through the gate mentoring"]
    assert errors == []
    # Deleting the priority is refused while it holds an objective.
    nav.setCurrentItem(window.navigator._find(("priority", kp_id)))
    window.plan_commands.delete_priority()
    assert errors and "objective" in errors[0]


def test_start_an_empty_plan_year_from_the_file_menu(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: NewPlanDialog) -> QDialog.DialogCode:
        assert dialog.year.text() == "2023-24"
        dialog.year.setText("2025/26")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewPlanDialog, "exec", fill)
    window.acts.new_plan.trigger()
    with demo_db.session(audit=False) as s:
        plan = s.scalars(select(Plan).where(Plan.year == "2025-26")).one()
        assert plan.status == "draft" and not plan.priorities
    assert window.plan_id == plan.id
    assert window.model.total_count == 0
    assert window.quarter is not None and window.quarter.code == "2025-26-Q1"
    window.plan_combo.setCurrentIndex(window.plan_combo.findData(1))
    assert window.model.total_count == 51


def test_bad_years_are_refused_before_saving(qtbot: QtBot) -> None:
    dialog = NewPlanDialog("2023-24")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.year.setText("2023-25")
    assert not ok.isEnabled() and "consecutive" in dialog.problem.text()
    dialog.year.setText("next year")
    assert not ok.isEnabled()


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root) or w.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if not isinstance(w, QLineEdit | QComboBox | QPlainTextEdit | QAbstractButton):
            continue
        if isinstance(w, QAbstractButton) and w.text():
            continue
        if w.accessibleName():
            continue
        if isinstance(w, QLineEdit) and isinstance(w.parent(), QComboBox | QAbstractSpinBox):
            continue
        missing.append(f"{type(w).__name__} {w.objectName()}")
    return missing


def test_widgets_have_accessible_names(window: MainWindow, demo_db: Database) -> None:
    assert _unnamed(window) == []
    action_id = window.model.row_at(0).id
    detail = workspace.action_detail(demo_db, action_id)
    form = window.action_commands.form(fields=detail.fields, objective_id=detail.objective_id)
    assert _unnamed(form) == []
    pair = workspace.update_pair(demo_db, action_id, "2022-23-Q2")
    editor = UpdateEditorDialog(pair, officer="x", today=TODAY, parent=window)
    assert _unnamed(editor) == []


def test_keyboard_only_path_to_a_rag_change(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    # Ctrl+F to the search box, type, Tab on to the table, arrows to a quarter, letter to set it.
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_bar.search.hasFocus() or window.focusWidget() is window.filter_bar.search
    qtbot.keyClicks(window.filter_bar.search, "crucial")
    assert window.model.rowCount() == 1
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(7):
        qtbot.keyClick(window.table, Qt.Key.Key_Right)
    assert window.table.currentIndex().column() == 7  # Q3
    qtbot.keyClick(window.table, Qt.Key.Key_B)
    row = window.model.row_at(0)
    pair = workspace.update_pair(demo_db, row.id, "2022-23-Q3")
    assert pair.current.fields is not None and pair.current.fields.rag.value == "B"
    window.table.setFocus()
    qtbot.keyClick(
        window.table,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.model.rowCount() == 51


def test_action_form_flags_bad_money_and_unread_deadlines(window: MainWindow, qtbot: QtBot) -> None:
    form = window.action_commands.form(objective_id=None)
    qtbot.addWidget(form)
    ok = form.buttons.button(form.buttons.StandardButton.Ok)
    qtbot.keyClicks(form.title_edit, "CCTV upgrade")
    qtbot.keyClicks(form.leads.entry, "CBC")
    qtbot.keyClick(form.leads.entry, Qt.Key.Key_Return)
    assert ok.isEnabled()
    qtbot.keyClicks(form.deadline, "Marhc 2023")
    assert form.deadline_reading.text().startswith("⚠ Not understood")
    assert ok.isEnabled()  # kept as typed, but the officer sees it was not understood
    form.deadline.setText("31/03/2023")
    assert "Friday 31 March 2023" in form.deadline_reading.text()
    form.funding.add_button.click()
    form.funding.table.item(0, 0).setText("Safer Streets Fund")
    form.funding.table.item(0, 1).setText("lots")
    assert not ok.isEnabled()
    assert "Funding line 1: 'lots' is not an amount in £." in form.problems.text()
    form.funding.table.item(0, 1).setText("£12.5k")
    assert ok.isEnabled()
    assert form.fields().funding[0].amount_pence == 1_250_000


def test_typing_a_search_does_not_resize_the_window(window: MainWindow, qtbot: QtBot) -> None:
    """The filter summary changes with every keystroke; the window's layout must not (a long
    search once widened the window past the screen)."""
    window.resize(1366, 768)
    qtbot.wait(10)
    before = window.minimumSizeHint()
    window.filter_bar.search.setText(
        "a very long search for a phrase no action has, typed by a thorough officer " * 3
    )
    qtbot.waitUntil(lambda: "Filtered" in window.filter_bar.state.text())
    qtbot.wait(20)  # the layout settles on a posted event
    assert window.minimumSizeHint() == before
    assert window.width() == 1366
    assert "a thorough officer" in window.filter_bar.state.toolTip()  # all of it, if cut
