"""Right-click menus, Ctrl+C, Export this view, Print this view and the column chooser on the
real main window over a real demo database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from scp_desktop.domain.rag import RAG
from scp_desktop.services import workspace
from scp_desktop.storage.database import Database
from scp_desktop.ui.action_table import Column
from scp_desktop.ui.filtering import ActionFilter
from scp_desktop.ui.jobs import is_running
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.table_tools import print_rows, table_rows
from tests.ui.windows import shown_window

TODAY = dt.date(2022, 8, 15)


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    w = shown_window(qtbot, demo_db, tmp_path, TODAY)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    yield w


def _texts(menu: QMenu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_ctrl_c_copies_the_chosen_rows_with_headers_as_tab_separated_text(
    window: MainWindow, qtbot: QtBot
) -> None:
    table = window.table
    model = window.model
    table.setFocus()
    selection = table.selectionModel()
    for row in (0, 2):
        selection.select(
            model.index(row, Column.TITLE),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    table.setCurrentIndex(model.index(2, Column.TITLE))
    selection.select(
        model.index(0, Column.TITLE),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().split("\r\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    assert header[:3] == ["Ref", "Priority", "Project / initiative"]
    first = lines[1].split("\t")
    assert len(first) == len(header) and len(lines) == 4
    assert first[0] == model.row_at(0).reference
    assert first[2] == model.row_at(0).title
    assert lines[2].split("\t")[0] == model.row_at(2).reference
    # A quarter column pastes its RAG letter.
    q2 = header.index("Q2")
    assert first[q2] in {"R", "A", "G", "B", ""}


def test_right_click_on_the_table_offers_the_actions_and_sets_rag(
    window: MainWindow, qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    table = window.table
    index = window.model.index(1, Column.TITLE)
    pos = table.visualRect(index).center()
    table.customContextMenuRequested.emit(pos)
    menu = window.table_tools.last_menu
    assert menu is not None and menu.isVisible()
    texts = _texts(menu)
    for wanted in (
        "Edit action…",
        "Progress update…",
        "Set RAG for this quarter",
        "Copy rows",
        "Open evidence",
        "Export this view to Excel…",
        "Print this view…",
        "Columns",
    ):
        assert wanted in texts
    if SHOTS := __import__("os").environ.get("SCP_SCREENSHOTS"):
        window.grab().save(str(Path(SHOTS) / "context_menu_window.png"))
        menu.grab().save(str(Path(SHOTS) / "context_menu.png"))
    action_id = window.model.row_at(1).id
    assert window.current_action_id() == action_id
    rag_menu = next(a.menu() for a in menu.actions() if a.menu() is not None)
    red = next(a for a in rag_menu.actions() if a.text().startswith("&R"))
    menu.close()
    red.trigger()
    qtbot.waitUntil(lambda: window.model.row_at(window.model.row_of(action_id)).rags[1] == RAG.RED)
    rows = workspace.load_action_rows(demo_db, window.plan_id or 0, "2022-23-Q2", TODAY)
    assert next(r for r in rows if r.id == action_id).rags[1] == RAG.RED


def narrowed_view(window: MainWindow) -> int:
    """Filter the table to the "crime" actions and hide the progress column; rows shown."""
    window.filter_bar.show_filter(ActionFilter(text="crime"))
    shown = window.model.rowCount()
    assert 0 < shown < window.model.total_count
    window.table_tools.show_column(Column.PROGRESS, False)
    return shown


def assert_view_exported(window: MainWindow, written: Path, shown: int) -> None:
    """`written` holds the rows shown, in their order, and the columns shown."""
    sheet = openpyxl.load_workbook(written).active
    assert sheet is not None
    assert f"{shown} of {window.model.total_count} shown" in str(sheet["A1"].value)
    headers = [c.value for c in sheet[2]]
    assert "Latest progress update" not in headers and "Project / initiative" in headers
    assert sheet.max_row == shown + 2
    column = headers.index("Project / initiative") + 1
    titles = [sheet.cell(r, column).value for r in range(3, shown + 3)]
    assert titles == [window.model.row_at(r).title for r in range(shown)]


def test_export_this_view_writes_the_filtered_rows_and_shown_columns(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    shown = narrowed_view(window)
    target = tmp_path / "view.xlsx"
    assert window.table_tools.export_view(target)
    qtbot.waitUntil(lambda: not is_running(window.table_tools.job), timeout=20000)
    assert "View exported to" in window.statusBar().currentMessage()
    assert_view_exported(window, target, shown)


def test_column_chooser_hides_and_shows_columns_and_keeps_one(window: MainWindow) -> None:
    menu = window.table_tools.columns_menu()
    header = window.table.horizontalHeader()
    lead = next(a for a in menu.actions() if a.text() == "Lead agency")
    lead.trigger()
    assert header.isSectionHidden(Column.LEAD)
    lead.trigger()
    assert not header.isSectionHidden(Column.LEAD)
    for column in range(header.count()):
        window.table_tools.show_column(column, False)
    assert header.count() - header.hiddenSectionCount() == 1


def test_a_column_heading_s_chooser_works_and_is_let_go_of_once_closed(
    window: MainWindow, qtbot: QtBot
) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent, QTimer
    from shiboken6 import isValid

    header = window.table.horizontalHeader()
    seen: list[QMenu] = []

    def use_chooser() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, use_chooser)
            return
        seen.append(menu)
        next(a for a in menu.actions() if a.text() == "Lead agency").trigger()
        menu.close()

    QTimer.singleShot(0, use_chooser)
    header.customContextMenuRequested.emit(header.rect().center())
    assert len(seen) == 1 and header.isSectionHidden(Column.LEAD)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not isValid(seen[0])  # not one kept per right-click


def test_print_this_view_prints_the_rows(window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "view.pdf"
    printer.setOutputFileName(str(target))
    headers, rows = table_rows(window.table)
    print_rows(printer, window.table_tools.title(), headers, rows)
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size > 5000


def test_history_and_navigator_have_right_click_menus(window: MainWindow) -> None:
    window.select_action(window.model.row_at(0).id)
    view = window.history.quarters_view
    window.history.tabs.setCurrentWidget(view)
    view.customContextMenuRequested.emit(view.visualRect(view.model().index(0, 0)).center())
    menu = window.table_tools.last_menu
    assert menu is not None and "Copy" in _texts(menu) and "Progress update…" in _texts(menu)
    menu.actions()[0].trigger()
    assert QGuiApplication.clipboard().text().startswith("Quarter\tRAG\tReported by")
    menu.close()
    tree = window.navigator.tree
    tree.customContextMenuRequested.emit(tree.visualItemRect(tree.topLevelItem(0)).center())
    menu = window.table_tools.last_menu
    assert menu is not None and "Edit key priority…" in _texts(menu)
    menu.close()
