"""The agenda table and the papers table of the Meetings window, over plain service values."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from scp_desktop.services.meetings import ItemInfo, PaperInfo
from scp_desktop.ui.list_table_model import ListTableModel

EXEMPT_ROW = QBrush(QColor("#FFF4C2"))


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


class AgendaModel(ListTableModel[ItemInfo]):
    COLUMNS: ClassVar[tuple[str, ...]] = ("No.", "Item", "Part", "Presented by", "Papers")

    def cell(self, row: int, item: ItemInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return item.number
            if column == 1:
                return item.title
            if column == 2:
                return "B – exempt" if item.exempt else "A"
            if column == 3:
                return item.presenter
            if column == 4:
                return item.papers_text
        if role == Qt.ItemDataRole.BackgroundRole and item.exempt:
            return EXEMPT_ROW  # Part B papers are traditionally printed on yellow paper
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 2 and item.exempt:
                return item.exemption
            if column == 1 and item.description:
                return item.description
            if column == 4:
                return item.papers_text
        return None


class PapersModel(ListTableModel[PaperInfo]):
    COLUMNS: ClassVar[tuple[str, ...]] = ("Paper", "File", "Pages", "Size")

    def cell(self, row: int, paper: PaperInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (paper.title, paper.file_name, str(paper.pages), _size(paper.size))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
