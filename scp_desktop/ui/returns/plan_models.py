"""The tables of the "New plan from spreadsheet" dialog: what each column is used as, and the agencies."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from scp_desktop.excel.columns import Meaning
from scp_desktop.excel.plan_columns import PLAN_MEANINGS, PlanColumn
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_agencies import KNOWN, NEW, SIMILAR, AgencyChoice
from scp_desktop.ui.list_table_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex

NOT_USED = "Not used (left out)"
_GREY = QColor("#6B6B6B")
_CHECK = QColor("#FFF2CC")  # pale amber: a match the officer should look at


def meaning_label(meaning: Meaning) -> str:
    return NOT_USED if meaning is Meaning.IGNORE else meaning.label


class PlanColumnsModel(ListTableModel[PlanColumn]):
    """Every column of the sheet with a header or data, and what it is used as (editable)."""

    COLUMNS = ("Column", "Header", "Used as", "Filled rows", "For example")
    USED_AS = 2

    meaning_chosen = Signal(int, object)  # column index in the sheet, Meaning

    def cell(self, row: int, item: PlanColumn, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole and col == self.USED_AS:
            return item.meaning.value
        if role == Qt.ItemDataRole.ForegroundRole and item.meaning is Meaning.IGNORE:
            return QBrush(_GREY)
        if role == Qt.ItemDataRole.FontRole and item.meaning is Meaning.IGNORE:
            font = QFont()
            font.setItalic(True)
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return (
            item.letter,
            item.header or "(no header)",
            meaning_label(item.meaning),
            str(item.filled),
            " | ".join(s.replace("\n", " ") for s in item.samples),
        )[col]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.USED_AS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.USED_AS:
            return False
        try:
            meaning = Meaning(str(value))
        except ValueError:
            return False
        item = self.rows[index.row()]
        if meaning is item.meaning:
            return False
        # The sheet is read again with the choice; the dialog shows the result when it comes.
        self.meaning_chosen.emit(item.index, meaning)
        return True


class MeaningDelegate(QStyledItemDelegate):
    """A list of the uses a plan column can have; the choice is committed as soon as made."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("Used as")
        for meaning in PLAN_MEANINGS:
            combo.addItem(meaning_label(meaning), meaning.value)
        combo.activated.connect(self._chosen)
        return combo

    def _chosen(self) -> None:
        # A slot rather than a closure over the list: the list holds no reference back to it.
        combo = self.sender()
        if isinstance(combo, QComboBox):
            self.commitData.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


_FOUND = {KNOWN: "Known", SIMILAR: "Similar name: check", NEW: "New: will be created"}


class AgenciesModel(ListTableModel[AgencyChoice]):
    """Each agency the sheet names: known, matched by a similar name, or new (abbreviation and
    full name editable)."""

    COLUMNS = ("In the spreadsheet", "Rows", "Abbreviation", "Full name", "Found")
    ABBREVIATION, NAME = 2, 3

    def __init__(self, edit: Callable[[str, str, str], None], parent: Any = None) -> None:
        super().__init__(parent)
        # (text as written, abbreviation, full name); raises UserError. Held weakly: the
        # dialog owns this model, and a strong reference back would make a cycle.
        self._edit = weakref.WeakMethod(edit)
        self.last_error = ""

    def cell(self, row: int, item: AgencyChoice, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and item.status == SIMILAR:
            return QBrush(_CHECK)
        if role == Qt.ItemDataRole.FontRole and item.is_new and col in (2, 3):
            font = QFont()
            font.setBold(True)
            return font
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.EditRole,
        ):
            return None
        found = _FOUND[item.status]
        how = "as you set it" if item.how == "chosen" else item.how
        if how and how != "proposed":
            found += f" ({how})"
        return (item.text, str(item.uses), item.abbreviation, item.name, found)[col]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() in (self.ABBREVIATION, self.NAME):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() not in (self.ABBREVIATION, self.NAME):
            return False
        item = self.rows[index.row()]
        abbreviation, name = item.abbreviation, item.name
        if index.column() == self.ABBREVIATION:
            abbreviation = str(value)
        else:
            name = str(value)
        edit = self._edit()
        if edit is None:
            return False
        try:
            edit(item.text, abbreviation, name)
        except UserError as exc:
            self.last_error = str(exc)
            return False
        self.last_error = ""
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), 4))
        return True
