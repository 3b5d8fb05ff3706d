"""View ▸ Export this view, Print this view, Columns and the docks' show/hide commands,
each chosen from the real menu bar of a real window over a real plan file, and each doing
its work: a workbook read back, a printed PDF, a column hidden, a dock closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QMenu,
    QWidget,
)
from pytestqt.qtbot import QtBot

from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.database import Database, open_database
from scp_desktop.ui.action_registry import BY_ID
from scp_desktop.ui.action_table import Column
from scp_desktop.ui.filtering import ActionFilter
from scp_desktop.ui.jobs import is_running
from scp_desktop.ui.main_window import MainWindow
from tests.ui.test_table_tools import assert_view_exported, narrowed_view
from tests.ui.windows import officer_settings, shown_window

TODAY = dt.date(2022, 8, 15)
TABLE_TOOLS = ("export_view", "print_view", "choose_columns")


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    yield shown_window(qtbot, demo_db, tmp_path, TODAY)


def _view_entry(window: MainWindow, text: str) -> QAction:
    """The View menu's entry with `text` (Alt letter left out), as the officer finds it."""
    view = window.acts.menus["View"]
    found = [a for a in view.actions() if a.text().replace("&", "") == text]
    assert len(found) == 1, [a.text() for a in view.actions()]
    return found[0]


def _choose(entry: QAction, handle: Callable[[QWidget], bool]) -> list[str]:
    """Trigger a menu entry; each dialog or popup it opens is given to `handle`, which
    answers True once it has dealt with it. The titles of what was handled."""
    handled: list[str] = []

    def poll() -> None:
        popup = QApplication.activePopupWidget()
        candidates = [popup] if popup is not None else []
        candidates += [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isModal()]
        for widget in candidates:
            if handle(widget):
                handled.append(widget.windowTitle() or type(widget).__name__)

    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(poll)
    timer.start()
    try:
        assert entry.isEnabled(), entry.text()
        entry.trigger()
    finally:
        timer.stop()
    return handled


def test_the_view_menu_lists_the_registry_commands_in_their_place(window: MainWindow) -> None:
    texts = [
        a.text().replace("&", "") if not a.isSeparator() else "|"
        for a in window.acts.menus["View"].actions()
    ]
    assert texts == [
        "Action table",
        "Dashboard",
        "|",
        "Show archived plans",
        "Refresh",
        "|",
        "Plan navigator",
        "History and evidence",
        "|",
        "Export this view to Excel…",
        "Print this view…",
        "Columns…",
    ]
    for action_id in (*TABLE_TOOLS, "show_navigator", "show_history"):
        action = window.acts.by_id(action_id)
        assert action.text() == BY_ID[action_id].text
        assert action in window.acts.menus["View"].actions()
    # The dock's own command: it follows the dock however it is closed.
    assert window.acts.show_navigator is window.navigator.toggleViewAction()


def test_export_this_view_from_the_menu_writes_the_workbook_shown(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    shown = narrowed_view(window)
    target = tmp_path / "crime actions"  # the .xlsx is added

    def save_as(widget: QWidget) -> bool:
        if not isinstance(widget, QFileDialog):
            return False
        name_box = widget.findChild(QLineEdit, "fileNameEdit")
        assert name_box is not None
        name_box.setText(str(target))
        widget.accept()
        return True

    assert _choose(_view_entry(window, "Export this view to Excel…"), save_as) == [
        "Export this view to Excel"
    ]
    qtbot.waitUntil(lambda: not is_running(window.table_tools.job), timeout=20000)
    written = target.with_suffix(".xlsx")
    assert window.statusBar().currentMessage() == f"View exported to {written}"
    assert_view_exported(window, written, shown)


def test_export_cancelled_in_its_file_dialog_writes_nothing(
    window: MainWindow, tmp_path: Path
) -> None:
    def cancel(widget: QWidget) -> bool:
        if isinstance(widget, QFileDialog):
            widget.reject()
            return True
        return False

    assert _choose(window.acts.export_view, cancel)
    assert window.table_tools.job is None
    assert list(tmp_path.glob("*.xlsx")) == []


def test_print_this_view_from_the_menu_prints_the_rows_shown(
    window: MainWindow, tmp_path: Path
) -> None:
    window.filter_bar.show_filter(ActionFilter(text="crime"))
    shown = window.model.rowCount()
    assert 0 < shown < window.model.total_count
    target = tmp_path / "view.pdf"

    def print_to_file(widget: QWidget) -> bool:
        if not isinstance(widget, QPrintDialog):
            return False
        # The dialog sets the printer up from its own fields when accepted: filled in
        # as the officer would, printing to a PDF file.
        printers = widget.findChild(QComboBox, "printers")
        file_name = widget.findChild(QLineEdit, "filename")
        assert printers is not None and file_name is not None
        printers.setCurrentIndex(printers.findText("Print to File (PDF)"))
        file_name.setText(str(target))
        widget.accept()
        return True

    assert _choose(_view_entry(window, "Print this view…"), print_to_file)
    text = "".join(page.extract_text() or "" for page in PdfReader(target).pages)
    # Compared without spaces: a long word wrapped in its cell comes back split.
    letters = "".join(text.split())
    assert f"{shown}of{window.model.total_count}shown" in letters
    # Each row shown is printed: its reference, which no cell wraps.
    for row in range(shown):
        assert window.model.row_at(row).reference in letters


def test_columns_from_the_menu_hides_a_column_and_shows_it_again(window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    assert not header.isSectionHidden(Column.LEAD)
    offered: list[list[str]] = []

    def toggle_lead(widget: QWidget) -> bool:
        if not isinstance(widget, QMenu):
            return False
        offered.append([a.text() for a in widget.actions()])
        lead = next(a for a in widget.actions() if a.text() == "Lead agency")
        lead.trigger()
        widget.close()
        return True

    entry = _view_entry(window, "Columns…")
    assert _choose(entry, toggle_lead)
    assert header.isSectionHidden(Column.LEAD)
    assert "Project / initiative" in offered[0]
    assert _choose(entry, toggle_lead)
    assert not header.isSectionHidden(Column.LEAD)


def test_the_docks_are_closed_and_opened_again_from_the_menu(window: MainWindow) -> None:
    for text, dock in (
        ("Plan navigator", window.navigator),
        ("History and evidence", window.history),
    ):
        entry = _view_entry(window, text)
        assert dock.isVisible() and entry.isChecked()
        entry.trigger()
        assert not dock.isVisible() and not entry.isChecked()
        entry.trigger()
        assert dock.isVisible() and entry.isChecked()
    # Closed by its own title bar button, the menu follows.
    window.history.close()
    assert not window.acts.show_history.isChecked()


def test_the_table_menu_offers_the_same_export_and_print_commands(window: MainWindow) -> None:
    menu = window.table_tools.build_table_menu()
    assert window.acts.export_view in menu.actions()
    assert window.acts.print_view in menu.actions()
    menu.deleteLater()


def _enabled(window: MainWindow) -> dict[str, bool]:
    return {i: window.acts.by_id(i).isEnabled() for i in TABLE_TOOLS}


def test_export_print_and_columns_are_greyed_while_no_plan_file_is_attached(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = MainWindow(None, officer_settings(tmp_path), today=TODAY, opening=tmp_path / "plan.db")
    qtbot.addWidget(window)
    window.show()
    assert _enabled(window) == dict.fromkeys(TABLE_TOOLS, False)
    assert window.acts.show_navigator.isEnabled() and window.acts.show_history.isEnabled()
    # A greyed entry does nothing, even when something triggers it.
    window.acts.export_view.trigger()
    assert window.table_tools.job is None


def test_a_file_without_a_plan_greys_export_and_print_but_not_columns(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    window = MainWindow(sqlite_db, officer_settings(tmp_path), today=TODAY)
    qtbot.addWidget(window)
    assert window.plan_id is None
    assert _enabled(window) == {"export_view": False, "print_view": False, "choose_columns": True}


def test_a_read_only_plan_still_exports_prints_and_chooses_columns(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    path = demo_db.path
    demo_db.close()
    db, result = open_database(
        path, user="Tom Brown", read_only=ReadOnly(ReadOnlyKind.ASKED, "Opened to look.")
    )
    window = MainWindow(db, officer_settings(tmp_path), open_result=result, today=TODAY)
    qtbot.addWidget(window)
    assert _enabled(window) == dict.fromkeys(TABLE_TOOLS, True)
    window.close()
    db.close()
