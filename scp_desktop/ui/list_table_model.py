"""A read-only table over a plain Python list: the model (rows, headings, nothing else) and its view."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex


class ListTableModel[T](QAbstractTableModel):
    """Subclasses name their COLUMNS (or override `headings()`) and say what a cell shows in
    `cell()`."""

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[T] = []

    def set_rows(self, rows: list[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T:
        return self.rows[row]

    def headings(self) -> tuple[str, ...]:
        return self.COLUMNS

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headings())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headings = self.headings()
            return headings[section] if 0 <= section < len(headings) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        return self.cell(index.row(), self.rows[index.row()], index.column(), role)

    def cell(self, row: int, item: T, column: int, role: int) -> Any:
        raise NotImplementedError


def list_view(model: QAbstractTableModel, name: str, parent: QWidget | None = None) -> QTableView:
    """A table of whole rows, one chosen at a time, its columns sized by hand and the last
    filling the width."""
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    # Arrow keys move within the table; Tab goes on to the next control.
    view.setTabKeyNavigation(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view
