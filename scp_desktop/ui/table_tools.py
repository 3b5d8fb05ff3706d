"""What Office users expect of the action table and the docks: right-click menus, Ctrl+C as
tab-separated rows with headers, Export this view to Excel, Print this view, a column chooser."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMenu, QTableView, QWidget

from scp_desktop.domain.rag import RAG_ORDER
from scp_desktop.ui.action_table import ID_ROLE, QUARTER_COLUMNS, RAG_ROLE
from scp_desktop.ui.jobs import CancelToken, Job, run_with_progress

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from scp_desktop.domain.periods import Quarter
    from scp_desktop.ui.action_commands import ActionCommands
    from scp_desktop.ui.action_table import ActionTableModel, ActionTableView
    from scp_desktop.ui.history import HistoryDock
    from scp_desktop.ui.menus import WindowActions
    from scp_desktop.ui.navigator import NavigatorDock


class TableHost(Protocol):
    """The window the tools are installed on: its views, its commands and the quarter."""

    @property
    def table(self) -> ActionTableView: ...
    @property
    def model(self) -> ActionTableModel: ...
    @property
    def history(self) -> HistoryDock: ...
    @property
    def navigator(self) -> NavigatorDock: ...
    @property
    def acts(self) -> WindowActions: ...
    @property
    def action_commands(self) -> ActionCommands: ...
    @property
    def quarter(self) -> Quarter | None: ...
    def dialog_parent(self) -> QWidget: ...
    def show_error(self, message: str) -> None: ...
    def show_info(self, message: str, timeout_ms: int = 5000) -> None: ...


def _cell_text(view: QTableView, row: int, column: int) -> str:
    index = view.model().index(row, column)
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if text in (None, "") and column in QUARTER_COLUMNS:
        text = index.data(RAG_ROLE)  # a chip is drawn, the letter is what pastes
    return "" if text is None else str(text).replace("\t", " ").replace("\n", " ")


def visible_columns(view: QTableView) -> list[int]:
    """Logical columns in the order shown, hidden ones left out."""
    header = view.horizontalHeader()
    shown = [header.logicalIndex(v) for v in range(header.count())]
    return [c for c in shown if not header.isSectionHidden(c)]


def table_rows(
    view: QTableView, rows: list[int] | None = None
) -> tuple[list[str], list[list[str]]]:
    """Headers and the texts of `rows` (all rows when None) as the view shows them."""
    model = view.model()
    columns = visible_columns(view)
    # The chosen quarter's marker ("Q2 ◆") is for the screen, not the pasted header.
    headers = [
        str(model.headerData(c, Qt.Orientation.Horizontal) or "").replace(" ◆", "") for c in columns
    ]
    chosen = range(model.rowCount()) if rows is None else rows
    return headers, [[_cell_text(view, r, c) for c in columns] for r in chosen]


def selected_rows(view: QTableView) -> list[int]:
    rows = sorted({i.row() for i in view.selectionModel().selectedIndexes()})
    if not rows and view.currentIndex().isValid():
        rows = [view.currentIndex().row()]
    return rows


def as_tab_separated(headers: list[str], rows: list[list[str]]) -> str:
    """Pastes into Excel as columns, one line per row."""
    return "\r\n".join("\t".join(line) for line in [headers, *rows]) + "\r\n"


def copy_rows(view: QTableView) -> int:
    rows = selected_rows(view)
    if not rows:
        return 0
    headers, texts = table_rows(view, rows)
    QGuiApplication.clipboard().setText(as_tab_separated(headers, texts))
    return len(rows)


def view_html(title: str, headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return (
        f"<h3>{html.escape(title)}</h3><table border='1' cellspacing='0' cellpadding='3'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def print_rows(printer: QPrinter, title: str, headers: list[str], rows: list[list[str]]) -> None:
    document = QTextDocument()
    document.setHtml(view_html(title, headers, rows))
    document.print_(printer)


class TableTools:
    """Installs the menus and keys on one main window's table, navigator and history. Its
    View menu commands (export, print, columns) are the registry's, bound to its methods."""

    def __init__(self, window: TableHost) -> None:
        self.w = window
        self.job: Job | None = None
        table = window.table
        # Ctrl-click and Shift-click choose several rows to copy or export.
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self.table_menu)
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.choose_columns(header.mapToGlobal(pos))
        )
        self.copy_action = QAction("&Copy rows", table)
        self.copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(lambda _c=False: self.copy())
        table.addAction(self.copy_action)
        window.history.quarters_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.history.quarters_view.customContextMenuRequested.connect(
            lambda pos: self.history_menu(window.history.quarters_view, pos)
        )
        window.history.history_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.history.history_view.customContextMenuRequested.connect(
            lambda pos: self.history_menu(window.history.history_view, pos)
        )
        window.history.evidence_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.history.evidence_view.customContextMenuRequested.connect(
            lambda pos: self.history_menu(window.history.evidence_view, pos)
        )
        tree = window.navigator.tree
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self.navigator_menu)
        self.last_menu: QMenu | None = None

    # ------------------------------------------------------------ menus

    def _show(self, menu: QMenu, where: QPoint) -> None:
        self.last_menu = menu
        menu.popup(where)

    def build_table_menu(self) -> QMenu:
        acts = self.w.acts
        menu = QMenu(self.w.table)
        for action in (acts.edit_action, acts.update_action):
            menu.addAction(action)
        rag_menu = menu.addMenu("Set &RAG for this quarter")
        index = self.w.table.currentIndex()
        action_id = index.data(ID_ROLE) if index.isValid() else None
        for rag in RAG_ORDER:
            item = rag_menu.addAction(f"&{rag.value}  {rag.label} — {rag.meaning}")
            item.triggered.connect(lambda _c=False, r=rag, a=action_id: self._set_rag(a, r))
        rag_menu.setEnabled(action_id is not None and self.w.quarter is not None)
        menu.addSeparator()
        menu.addAction(self.copy_action)
        open_evidence = menu.addAction("Open &evidence")
        open_evidence.setEnabled(self.w.history.open_button.isEnabled())
        open_evidence.triggered.connect(lambda _c=False: self.w.history.open_button.click())
        menu.addAction(acts.attach_evidence)
        menu.addSeparator()
        menu.addAction(acts.export_view)
        menu.addAction(acts.print_view)
        menu.addMenu(self.columns_menu(menu))
        return menu

    def table_menu(self, pos: QPoint) -> None:
        table = self.w.table
        index = table.indexAt(pos)
        if index.isValid() and not table.selectionModel().isSelected(index):
            table.setCurrentIndex(index)
        self._show(self.build_table_menu(), table.viewport().mapToGlobal(pos))

    def columns_menu(self, parent: QMenu | None = None) -> QMenu:
        table = self.w.table
        header = table.horizontalHeader()
        menu = QMenu("C&olumns", parent or table)
        model = table.model()
        for column in range(model.columnCount()):
            name = model.headerData(column, Qt.Orientation.Horizontal)
            item = menu.addAction(str(name))
            item.setCheckable(True)
            item.setChecked(not header.isSectionHidden(column))
            item.toggled.connect(lambda on, c=column: self.show_column(c, on))
        return menu

    def choose_columns(self, where: QPoint | None = None) -> None:
        """The column chooser (View ▸ Columns, or a column heading's right-click) at `where`,
        else at the table's top left corner; let go of once closed."""
        table = self.w.table
        menu = self.columns_menu()
        menu.exec(where if where is not None else table.mapToGlobal(table.rect().topLeft()))
        menu.deleteLater()

    def show_column(self, column: int, shown: bool) -> None:
        header = self.w.table.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return  # the last column shown stays
        header.setSectionHidden(column, not shown)

    def history_menu(self, view: QTableView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if index.isValid():
            view.setCurrentIndex(index)
        menu = QMenu(view)
        copy = menu.addAction("&Copy")
        copy.triggered.connect(lambda _c=False: copy_rows(view))
        if view is self.w.history.evidence_view:
            open_file = menu.addAction("&Open evidence")
            open_file.setEnabled(self.w.history.open_button.isEnabled())
            open_file.triggered.connect(lambda _c=False: self.w.history.open_button.click())
        menu.addSeparator()
        menu.addAction(self.w.acts.edit_action)
        menu.addAction(self.w.acts.update_action)
        menu.addAction(self.w.acts.attach_evidence)
        self._show(menu, view.viewport().mapToGlobal(pos))

    def navigator_menu(self, pos: QPoint) -> None:
        tree = self.w.navigator.tree
        item = tree.itemAt(pos)
        if item is not None:
            tree.setCurrentItem(item)
        acts = self.w.acts
        menu = QMenu(tree)
        menu.addAction(acts.new_action)
        menu.addAction(acts.edit_action)
        menu.addAction(acts.update_action)
        menu.addSeparator()
        menu.addAction(acts.edit_priority)
        menu.addAction(acts.edit_objective)
        menu.addAction(acts.new_objective)
        self._show(menu, tree.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------ commands

    def _set_rag(self, action_id: int | None, rag: Any) -> None:
        if action_id is not None and self.w.quarter is not None:
            self.w.action_commands.set_rag(int(action_id), self.w.quarter.number, rag)

    def copy(self) -> None:
        count = copy_rows(self.w.table)
        if count:
            self.w.show_info(
                f"{count} row(s) copied with headers: paste into Excel as columns.", 4000
            )

    def title(self) -> str:
        shown = self.w.model.rowCount()
        quarter = self.w.quarter.label if self.w.quarter is not None else ""
        return f"Actions — {quarter} — {shown} of {self.w.model.total_count} shown"

    def export_view(self, path: Path | None = None) -> bool:
        """Writes the rows and columns shown now to a workbook, off the GUI thread."""
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self.w.dialog_parent(),
                "Export this view to Excel",
                "Actions view.xlsx",
                "Excel (*.xlsx)",
            )
            if not name:
                return False
            path = Path(name if name.lower().endswith(".xlsx") else name + ".xlsx")
        from scp_desktop.excel.table_export import write_table

        headers, rows = table_rows(self.w.table)
        title = self.title()
        target = path

        def work(token: CancelToken) -> Path:
            return write_table(target, title, headers, rows, lambda d, t: token.report(d, t, ""))

        self.job = run_with_progress(
            self.w.dialog_parent(),
            work,
            title="Export this view",
            label="Writing the workbook…",
            done=lambda written: self.w.show_info(f"View exported to {written}", 6000),
            failed=self.w.show_error,
            cancellable=False,
        )
        return self.job is not None

    def print_view(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self.w.dialog_parent())
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            headers, rows = table_rows(self.w.table)
            print_rows(printer, self.title(), headers, rows)
        dialog.deleteLater()
