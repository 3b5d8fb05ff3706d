"""The History dock: an action's changes from the audit log, its past quarters and its evidence."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDockWidget,
    QGridLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.file_names import safe_file_name
from scp_desktop.ui.action_table import RAG_ROLE, RagDelegate
from scp_desktop.ui.lazy import lazy_name
from scp_desktop.ui.list_table_model import ListTableModel, list_view

if TYPE_CHECKING:
    from scp_desktop.services.import_undo import AppliedImport
    from scp_desktop.services.viewing_copies import session_copies
    from scp_desktop.services.workspace import (
        ActionHistory,
        EvidenceInfo,
        HistoryEntry,
        PastQuarter,
    )
else:  # the services load with the plan file, after the window is shown
    session_copies = lazy_name("scp_desktop.services.viewing_copies", "session_copies")

_OPS = {"insert": "added", "update": "changed", "delete": "removed"}


class _TextModel[T](ListTableModel[T]):
    """Each cell is a text: its first line shown, the whole of a long one as its tooltip."""

    def cell(self, row: int, item: T, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        text = self.text(item, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return text.split("\n", 1)[0]
        return text if len(text) > 40 else None

    def text(self, item: T, column: int) -> str:
        raise NotImplementedError


class HistoryModel(_TextModel["HistoryEntry"]):
    COLUMNS = ("When", "Who", "What", "Change", "Was", "Now")

    def text(self, row: HistoryEntry, column: int) -> str:
        if column == 0:
            return row.at.strftime("%d/%m/%Y %H:%M")
        if column == 1:
            return row.user
        if column == 2:
            return row.what
        if column == 3:
            verb = _OPS.get(row.operation, row.operation)
            return f"{row.field.replace('_', ' ')} {verb}" if row.field else verb
        if column == 4:
            return row.old
        return row.new


class PastQuartersModel(_TextModel["PastQuarter"]):
    """The progress update last, so it takes the width the narrow dock has left."""

    COLUMNS = ("Quarter", "RAG", "Reported by", "Progress update")
    RAG_COLUMN = 1
    REPORTED_COLUMN = 2

    def cell(self, row: int, item: PastQuarter, column: int, role: int) -> Any:
        if column == self.RAG_COLUMN:
            # Drawn as the table's chip with its letter; said in words to tooltips and readers.
            if role == RAG_ROLE:
                return item.rag.value
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return f"{item.rag.label} — {item.rag.meaning}"
        if column == self.REPORTED_COLUMN and role == Qt.ItemDataRole.ToolTipRole:
            # Where the update came from: typed, or imported (and edited by hand after).
            return item.source.capitalize() if item.source else None
        return super().cell(row, item, column, role)

    def text(self, row: PastQuarter, column: int) -> str:
        if column == 0:
            return row.quarter_label
        if column == 1:
            return f"{row.rag.value} {row.rag.label}"
        if column == 2:
            if row.source.startswith("Edited by"):
                return f"{row.reported_by} (edited)" if row.reported_by else "(edited)"
            return row.reported_by
        return row.narrative


class EvidenceModel(_TextModel["EvidenceInfo"]):
    COLUMNS = ("File", "Size", "On", "Added", "By")

    def text(self, row: EvidenceInfo, column: int) -> str:
        if column == 0:
            # Stored before names were cleaned on attaching: no reordering marks shown.
            return safe_file_name(row.file_name)
        if column == 1:
            return f"{row.size / 1024:,.0f} KB" if row.size >= 1024 else f"{row.size} bytes"
        if column == 2:
            return row.quarter or "Action"
        if column == 3:
            return row.added_at.strftime("%d/%m/%Y %H:%M")
        return row.added_by


def _table(model: QAbstractTableModel, name: str, parent: QWidget) -> QTableView:
    view = list_view(model, name, parent)
    view.setWordWrap(False)
    view.horizontalHeader().setDefaultSectionSize(90)
    view.horizontalHeader().setMinimumSectionSize(40)
    return view


class HistoryDock(QDockWidget):
    attach_requested = Signal()
    attach_update_requested = Signal()  # to the chosen quarter's progress update
    remove_requested = Signal(int)  # evidence id
    open_requested = Signal(int)
    undo_import_requested = Signal(int)  # the import's id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("&History and evidence", parent)
        self.setObjectName("historyDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)
        self.heading = QLabel("Choose an action to see its history.", body)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        # Shown while an import that wrote this action's updates can be undone.
        self.undo_import_button = QPushButton(body)
        self.undo_import_button.setAccessibleName("Undo the import")
        self.undo_import_button.hide()
        self.undo_import_button.clicked.connect(self._undo_import)
        self._import_id: int | None = None
        layout.addWidget(self.undo_import_button)
        self.tabs = QTabWidget(body)
        self.history_model = HistoryModel(body)
        self.history_view = _table(self.history_model, "Changes to the action", body)
        self.quarters_model = PastQuartersModel(body)
        self.quarters_view = _table(self.quarters_model, "Past quarters", body)
        self.quarters_view.setItemDelegateForColumn(
            PastQuartersModel.RAG_COLUMN, RagDelegate(self.quarters_view)
        )
        for column, width in enumerate((78, 40, 90)):
            self.quarters_view.setColumnWidth(column, width)
        self.evidence_model = EvidenceModel(body)
        evidence = QWidget(body)
        e_layout = QVBoxLayout(evidence)
        e_layout.setContentsMargins(0, 0, 0, 0)
        self.evidence_view = _table(self.evidence_model, "Evidence files", evidence)
        e_layout.addWidget(self.evidence_view)
        # Two rows so the dock stays narrow on a 1366 px screen.
        buttons = QGridLayout()
        self.attach_button = QPushButton("Attach to action…", evidence)
        self.attach_update_button = QPushButton("Attach to update…", evidence)
        self.attach_update_button.setToolTip(
            "Attach to this action's update for the chosen quarter"
        )
        self.open_button = QPushButton("Open", evidence)
        self.remove_button = QPushButton("Re&move", evidence)
        buttons.addWidget(self.attach_button, 0, 0)
        buttons.addWidget(self.attach_update_button, 0, 1)
        buttons.addWidget(self.open_button, 1, 0)
        buttons.addWidget(self.remove_button, 1, 1)
        e_layout.addLayout(buttons)
        self.tabs.addTab(self.quarters_view, "Past quarters")
        self.tabs.addTab(self.history_view, "Changes")
        self.tabs.addTab(evidence, "Evidence")
        layout.addWidget(self.tabs)
        self.setWidget(body)
        self.attach_button.clicked.connect(self.attach_requested)
        self.attach_update_button.clicked.connect(self.attach_update_requested)
        self.open_button.clicked.connect(self._open)
        self.remove_button.clicked.connect(self._remove)
        self.evidence_view.doubleClicked.connect(lambda _i: self._open())
        self.show_history(None, [])

    def show_history(self, history: ActionHistory | None, evidence: list[EvidenceInfo]) -> None:
        if history is None:
            self.show_imports([])
            self.heading.setText("Choose an action to see its history.")
            self.history_model.set_rows([])
            self.quarters_model.set_rows([])
        else:
            self.heading.setText(f"<b>{history.title}</b>")
            self.history_model.set_rows(history.entries)
            self.quarters_model.set_rows(history.quarters)
        self.evidence_model.set_rows(evidence)
        self.tabs.setTabText(2, f"Evidence ({len(evidence)})")
        has_action = history is not None
        self.attach_button.setEnabled(has_action)
        self.attach_update_button.setEnabled(has_action)
        self.open_button.setEnabled(bool(evidence))
        self.remove_button.setEnabled(bool(evidence))

    def show_imports(self, imports: list[AppliedImport]) -> None:
        """The newest import standing on the action, offered to undo (all of it, every action)."""
        standing = next((i for i in imports if not i.undone), None)
        self._import_id = standing.id if standing is not None else None
        self.undo_import_button.setVisible(standing is not None)
        if standing is not None:
            self.undo_import_button.setText(f"Undo {standing.label}…")
            self.undo_import_button.setToolTip(
                f"Imported by {standing.imported_by or 'someone'} on "
                f"{standing.imported_at:%d/%m/%Y}; puts back every update it changed "
                f"({len(standing.action_ids)} action(s))"
            )

    def _undo_import(self) -> None:
        if self._import_id is not None:
            self.undo_import_requested.emit(self._import_id)

    def _selected(self) -> int | None:
        index = self.evidence_view.currentIndex()
        if not index.isValid():
            if self.evidence_model.rowCount() == 1:
                return int(self.evidence_model.row_at(0).id)
            return None
        return int(self.evidence_model.row_at(index.row()).id)

    def _open(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.open_requested.emit(chosen)

    def _remove(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.remove_requested.emit(chosen)


def open_with_system_viewer(evidence_id: int, file_name: str, content: bytes) -> Path:
    """Write a copy into this session's temporary folder (removed when the application
    closes; the database keeps the original) and open it. Raises UserError when the copy
    cannot be written."""
    target = session_copies().write(evidence_id, file_name, content)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
    return target
