"""Keys and screen size on the real widgets: Tab leaves tables, Enter in an agency box adds
the agency, the toolbar stays put, windows fit a 1366×768 screen at 100 % and 150 %."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services.errors import ConflictError, FieldChange, OtherChange
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.database import Database, open_database
from scp_desktop.ui.action_table import Column
from scp_desktop.ui.conflict_dialog import ConflictDialog
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.meetings.dialog import MeetingsDialog
from scp_desktop.ui.meetings.item_dialog import AgendaItemDialog
from scp_desktop.ui.read_only import ReadOnlyBanner
from scp_desktop.ui.returns import ImportReturnsDialog
from scp_desktop.ui.screen_fit import install_screen_fit
from scp_desktop.ui.settings import Settings
from scp_desktop.ui.start_page import StartPage
from tests.ui.keyboard_walk import mnemonic_clashes, tab_traps, too_big
from tests.ui.test_returns_dialogs import Q3, _fill, _prepare
from tests.ui.windows import shown_window

TODAY = dt.date(2022, 8, 15)


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    w = shown_window(qtbot, demo_db, tmp_path, TODAY)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.select_action(w.model.row_at(0).id)
    yield w


def _tab_from(qtbot: QtBot, widget: QWidget) -> QWidget | None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return QApplication.focusWidget()


def test_tab_leaves_the_history_past_quarters(window: MainWindow, qtbot: QtBot) -> None:
    view = window.history.quarters_view
    window.history.tabs.setCurrentWidget(view)
    assert window.history.quarters_model.rowCount() > 0
    view.setCurrentIndex(window.history.quarters_model.index(0, 0))
    assert _tab_from(qtbot, view) is not view
    assert view.currentIndex().column() == 0  # not moved along the row


def test_tab_leaves_the_import_files_table_and_reaches_apply(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    _prepare(qtbot, demo_db, tmp_path / "out", tmp_path)
    _fill(tmp_path / "out" / "Return 2022-23-Q3 EP.xlsx", "Green")
    dialog = ImportReturnsDialog(demo_db, plan_for_quarter(demo_db, Quarter.parse(Q3)), Q3)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.add_paths([tmp_path / "out" / "Return 2022-23-Q3 EP.xlsx"])
    # The reading showed a progress window of its own; the dialog is active again after.
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.apply_button.isEnabled()
    assert _tab_from(qtbot, dialog.file_view) is not dialog.file_view
    reached: list[QWidget | None] = []
    for _ in range(60):
        focused = QApplication.focusWidget()
        reached.append(focused)
        if focused is dialog.apply_button:
            break
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert dialog.apply_button in reached
    assert dialog.preview_view in reached


def test_enter_in_an_agency_box_adds_the_agency_and_keeps_the_form_open(
    window: MainWindow, qtbot: QtBot
) -> None:
    form = window.action_commands.form()
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    for picker in (form.leads, form.supports):
        picker.entry.setFocus()
        before = len(picker.ids())
        qtbot.keyClicks(picker.entry, "CARA")
        qtbot.keyClick(picker.entry, Qt.Key.Key_Return)
        assert form.isVisible() and form.result() != QDialog.DialogCode.Accepted
        assert len(picker.ids()) == before + 1
        assert picker.entry.text() == ""
        # An agency that matches nothing: still no closing, the box says why.
        qtbot.keyClicks(picker.entry, "Nobody at all")
        qtbot.keyClick(picker.entry, Qt.Key.Key_Enter)
        assert form.isVisible()
        assert "No partner agency matches" in picker.entry.toolTip()
        picker.entry.clear()


def test_toolbar_buttons_stay_put_when_the_undo_wording_changes(
    window: MainWindow, qtbot: QtBot
) -> None:
    bar = window.toolbar_undo.parent()
    redo_button = bar.widgetForAction(window.toolbar_redo)  # type: ignore[attr-defined]
    undo_button = bar.widgetForAction(window.toolbar_undo)  # type: ignore[attr-defined]
    before = (undo_button.geometry(), redo_button.geometry())
    assert not window.toolbar_undo.isEnabled()
    index = window.model.index(0, Column.Q2)
    window.model.setData(index, RAG.RED)
    qtbot.waitUntil(window.acts.undo.isEnabled)
    assert window.acts.undo.text() != "&Undo"  # the menu says what it undoes
    assert window.toolbar_undo.isEnabled()
    assert window.toolbar_undo.toolTip().startswith("Undo ")
    QApplication.processEvents()
    assert (undo_button.geometry(), redo_button.geometry()) == before
    undo_button.click()
    qtbot.waitUntil(lambda: not window.acts.undo.isEnabled())
    assert window.toolbar_redo.isEnabled()


def test_a_window_larger_than_the_screen_is_clamped_as_it_opens(
    qtbot: QtBot, demo_db: Database, qapp: QApplication
) -> None:
    fit = install_screen_fit(qapp)
    try:
        dialog = MeetingsDialog(demo_db, 1, "2022-23-Q2")
        qtbot.addWidget(dialog)
        assert dialog.width() > 1000 and dialog.height() > 700  # sized for a large screen
        dialog.show()
        free = dialog.screen().availableGeometry()
        assert dialog.width() <= free.width() and dialog.height() <= free.height()
        assert free.contains(dialog.geometry().topLeft())
        buttons = dialog.pack_button
        assert buttons.isVisible() and dialog.rect().contains(
            buttons.mapTo(dialog, buttons.rect().bottomRight())
        )
    finally:
        qapp.removeEventFilter(fit)


def test_windows_not_on_a_menu_have_unique_letters_and_fit(qtbot: QtBot) -> None:
    start = StartPage(["/tmp/a.db"])
    item = AgendaItemDialog(lambda _fields: None, ["2022-23-Q2"])
    for widget in (start, item):
        qtbot.addWidget(widget)
        widget.show()
        assert mnemonic_clashes(widget) == {}
        assert tab_traps(widget) == []
        assert too_big(widget) == []


def test_the_conflict_window_and_the_read_only_window_have_unique_letters_and_fit(
    qtbot: QtBot, demo_template: Path, tmp_path: Path
) -> None:
    change = OtherChange(
        user="Alice",
        at=dt.datetime(2022, 8, 15, 10, 30),
        operation="update",
        reason="",
        fields=tuple(FieldChange(f"Field {i}", "old " * 30, "new " * 30) for i in range(40)),
    )
    conflict = ConflictError(
        "Changed since you opened it",
        what="Progress update",
        read_version=1,
        current_version=2,
        changes=(change,),
    )
    dialog = ConflictDialog(conflict)
    qtbot.addWidget(dialog)
    dialog.show()
    assert mnemonic_clashes(dialog) == {} and tab_traps(dialog) == [] and too_big(dialog) == []

    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    db, result = open_database(
        path, user="Tom", read_only=ReadOnly(ReadOnlyKind.ASKED, "Opened to look.")
    )
    try:
        settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(db, settings, open_result=result, today=TODAY)
        qtbot.addWidget(window)
        window.show()
        banner = window.findChild(ReadOnlyBanner)
        assert banner is not None and banner.isVisible()
        assert mnemonic_clashes(window) == {}
        assert tab_traps(window) == [] and too_big(window) == []
        window.close()
    finally:
        db.close()
