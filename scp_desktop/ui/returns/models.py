"""Table models of the import preview, its files and the per-agency return status (plain lists inside)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from scp_desktop.domain.rag import RAG
from scp_desktop.services.returns.index import PlanAction
from scp_desktop.services.returns.matching import Outcome, PreviewRow
from scp_desktop.services.returns.preview import FilePreview, ImportPreview, set_overwrite, set_rag
from scp_desktop.services.returns.status import AgencyReturn
from scp_desktop.ui.action_table import RAG_ROLE
from scp_desktop.ui.list_table_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex
_OUTCOME_LABELS = {
    Outcome.UPDATE: "Update",
    Outcome.UNCHANGED: "Unchanged",
    Outcome.WARNING: "Check",
    Outcome.ERROR: "Error",
    Outcome.UNMATCHED: "Not matched",
}
_OUTCOME_COLOURS = {
    Outcome.UPDATE: "#E8F5E9",
    Outcome.WARNING: "#FFF8E1",
    Outcome.ERROR: "#FFEBEE",
    Outcome.UNMATCHED: "#F3E5F5",
}

_RAG_LETTERS = {r.value: r for r in RAG}

FILTER_ALL = "all"
FILTER_ATTENTION = "attention"
FILTER_UPDATES = "updates"


# What each column shows, as display text or (tooltip=True) its tooltip: one small rule per column.
def _apply_text(row: PreviewRow, tooltip: bool) -> Any:
    if not tooltip:
        return None
    return "Ticked rows are applied" if row.applicable else "Cannot be applied"


def action_text(actions: Mapping[int, PlanAction], row: PreviewRow) -> str:
    """The matched action, or '?' and what the return wrote when none is matched."""
    action = actions.get(row.action_id) if row.action_id else None
    if action is not None:
        return f"{action.reference} {action.title}".strip()
    written = " ".join(x for x in (row.reference, row.title) if x)
    return f"? {written}" if written else "?"


def rag_text(row: PreviewRow, tooltip: bool) -> str:
    if row.rag is None:
        if not tooltip:
            return "?" if row.rag_text else "—"
        return (row.rag_rule or "No RAG") + ": type R, A, G or B, or double-click to choose"
    if not tooltip:
        return row.rag.value
    return f"{row.rag.label}" + (f" — {row.rag_rule}" if row.rag_rule else "")


def rag_rule_text(row: PreviewRow, tooltip: bool) -> str:
    if row.rag_rule:
        return row.rag_rule
    if row.rag_from_fill and row.rag is not None:
        return f"Cell colour read as {row.rag.label}"
    return row.rag_text


def message_text(row: PreviewRow, tooltip: bool) -> str:
    if tooltip and row.narrative:
        return f"{row.message}\n\nProgress update:\n{row.narrative[:1500]}"
    return row.message


def existing_text(row: PreviewRow, tooltip: bool) -> str:
    if not row.has_existing:
        return "" if not tooltip else "No update yet this quarter"
    return "Overwrite" if row.overwrite else "Keep"


class PreviewTableModel(QAbstractTableModel):
    """Every row read from the returns, with its tick box and keep/overwrite choice."""

    COLUMNS = (
        "Apply",
        "File",
        "Sheet",
        "Row",
        "Action",
        "RAG",
        "Outcome",
        "What will happen",
        "Existing update",
        "RAG as written",
    )
    APPLY, FILE, SHEET, ROW, ACTION, RAG_COL, OUTCOME, MESSAGE, EXISTING, RAG_RULE = range(10)
    selection_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.preview: ImportPreview | None = None
        self._visible: list[PreviewRow] = []
        self._filter = FILTER_ALL
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # -- contents
    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self.preview = preview
        self._refilter()
        self.endResetModel()

    def set_filter(self, name: str) -> None:
        self.beginResetModel()
        self._filter = name
        self._refilter()
        self.endResetModel()

    def _refilter(self) -> None:
        rows = list(self.preview.rows) if self.preview else []
        if self._filter == FILTER_ATTENTION:
            rows = [
                r for r in rows if r.outcome in (Outcome.WARNING, Outcome.ERROR, Outcome.UNMATCHED)
            ]
        elif self._filter == FILTER_UPDATES:
            rows = [r for r in rows if r.outcome is Outcome.UPDATE]
        self._visible = rows
        if self._sort is not None:
            self._apply_sort(*self._sort)

    def row_at(self, row: int) -> PreviewRow | None:
        return self._visible[row] if 0 <= row < len(self._visible) else None

    def refresh_row(self, target: PreviewRow) -> None:
        for i, r in enumerate(self._visible):
            if r is target:
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))
        self.selection_changed.emit()

    def set_all(self, selected: bool) -> None:
        for r in self._visible:
            r.selected = selected and r.applicable and (r.overwrite or not r.has_existing)
        if self._visible:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._visible) - 1, 0))
        self.selection_changed.emit()

    # -- Qt interface
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section] if 0 <= section < len(self.COLUMNS) else None
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._visible[index.row()]
        if index.column() == self.APPLY and row.applicable:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == self.EXISTING and row.has_existing and row.applicable:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == self.RAG_COL and row.action_id is not None:
            return base | Qt.ItemFlag.ItemIsEditable  # the officer sets or corrects the RAG
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._visible)):
            return None
        row = self._visible[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, col, tooltip=role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == self.RAG_COL:
            return self._text(row, col, tooltip=True)
        rule = self._ROLES.get(role)
        return rule(self, row, col) if rule is not None else None

    def _check_state(self, row: PreviewRow, col: int) -> Qt.CheckState | None:
        if col == self.APPLY and row.applicable:
            return Qt.CheckState.Checked if row.selected else Qt.CheckState.Unchecked
        if col == self.EXISTING and row.has_existing and row.applicable:
            return Qt.CheckState.Checked if row.overwrite else Qt.CheckState.Unchecked
        return None

    def _rag_letter(self, row: PreviewRow, col: int) -> str | None:
        return row.rag.value if col == self.RAG_COL and row.rag is not None else None

    def _background(self, row: PreviewRow, col: int) -> QBrush | None:
        if col == self.RAG_COL and row.rag is not None:
            return QBrush(QColor(row.rag.hex_colour))
        colour = _OUTCOME_COLOURS.get(row.outcome)
        return QBrush(QColor(colour)) if colour and col == self.OUTCOME else None

    def _foreground(self, row: PreviewRow, col: int) -> QBrush | None:
        if col == self.RAG_COL and row.rag is not None:
            return QBrush(QColor(row.rag.ink_colour))
        return None

    def _alignment(self, row: PreviewRow, col: int) -> int | None:
        return int(Qt.AlignmentFlag.AlignCenter) if col in (self.ROW, self.RAG_COL) else None

    _ROLES: ClassVar[dict[int, Callable[[PreviewTableModel, PreviewRow, int], Any]]] = {
        Qt.ItemDataRole.CheckStateRole: _check_state,
        RAG_ROLE: _rag_letter,
        Qt.ItemDataRole.BackgroundRole: _background,
        Qt.ItemDataRole.ForegroundRole: _foreground,
        Qt.ItemDataRole.TextAlignmentRole: _alignment,
    }

    _TEXTS: ClassVar[dict[int, Callable[[PreviewRow, bool], Any]]] = {
        APPLY: _apply_text,
        FILE: lambda row, tooltip: row.file,
        SHEET: lambda row, tooltip: row.sheet,
        ROW: lambda row, tooltip: row.row,
        RAG_COL: rag_text,
        RAG_RULE: rag_rule_text,
        OUTCOME: lambda row, tooltip: _OUTCOME_LABELS[row.outcome],
        MESSAGE: message_text,
        EXISTING: existing_text,
    }

    def _text(self, row: PreviewRow, col: int, *, tooltip: bool) -> Any:
        if col == self.ACTION:
            return action_text(self.preview.index.actions if self.preview else {}, row)
        rule = self._TEXTS.get(col)
        return rule(row, tooltip) if rule is not None else None

    def set_rag(self, row: PreviewRow, rag: RAG) -> None:
        """The officer's RAG for a row (typed R/A/G/B or chosen from the drop-down)."""
        if self.preview is None or row.action_id is None:
            return
        set_rag(self.preview, row, rag)
        # Another row of the same action may have been ticked or unticked with it.
        if self._visible:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._visible) - 1, len(self.COLUMNS) - 1)
            )
        self.selection_changed.emit()

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.preview is None:
            return False
        if role == Qt.ItemDataRole.EditRole and index.column() == self.RAG_COL:
            # A RAG passed through Qt arrives as its letter.
            rag = value if isinstance(value, RAG) else _RAG_LETTERS.get(str(value))
            if rag is None or not (0 <= index.row() < len(self._visible)):
                return False
            self.set_rag(self._visible[index.row()], rag)
            return True
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        row = self._visible[index.row()]
        checked = (
            Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        )
        if index.column() == self.APPLY and row.applicable:
            row.selected = checked
        elif index.column() == self.EXISTING and row.has_existing and row.applicable:
            set_overwrite(self.preview, row, checked)
        else:
            return False
        self.dataChanged.emit(
            self.index(index.row(), 0), self.index(index.row(), len(self.COLUMNS) - 1)
        )
        self.selection_changed.emit()
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._apply_sort(column, order)
        self.layoutChanged.emit()

    def _apply_sort(self, column: int, order: Qt.SortOrder) -> None:
        def key(r: PreviewRow) -> tuple[Any, ...]:
            if column == self.ROW:
                return (r.file, r.sheet, r.row)
            if column == self.RAG_COL:
                return (r.rag.rank if r.rag else -1,)
            if column == self.APPLY:
                return (not r.selected,)
            value = self._text(r, column, tooltip=False)
            return (str(value or "").lower(), r.file, r.sheet, r.row)

        self._visible.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)


class FileTableModel(ListTableModel[FilePreview]):
    COLUMNS = ("File", "Read", "Agency", "Rows", "Notes")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.row_counts: list[int] = []

    @property
    def files(self) -> list[FilePreview]:
        return self.rows

    def set_files(self, files: list[FilePreview], row_counts: list[int]) -> None:
        self.row_counts = list(row_counts)
        self.set_rows(files)

    def cell(self, row: int, f: FilePreview, col: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return f.name
            if col == 1:
                if f.status == "rejected":
                    return "Refused"
                return "Own template" if f.template else "Read"
            if col == 2:
                return f.agency or "?"
            if col == 3:
                return self.row_counts[row] if row < len(self.row_counts) else 0
            if col == 4:
                return f.error if f.status == "rejected" else " ".join(f.notes)
        if role == Qt.ItemDataRole.BackgroundRole and col == 1 and f.status == "rejected":
            return QBrush(QColor("#FFEBEE"))
        return None


class StatusTableModel(ListTableModel[AgencyReturn]):
    """Per lead agency: returned or not this quarter (whom to chase)."""

    COLUMNS = ("Agency", "Name", "Return", "Actions updated")

    @property
    def items(self) -> list[AgencyReturn]:
        return self.rows

    def set_items(self, items: list[AgencyReturn]) -> None:
        self.set_rows(items)

    def cell(self, row: int, a: AgencyReturn, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                a.abbreviation,
                a.name,
                "Returned" if a.returned else "Not returned",
                f"{a.updated_actions} of {a.lead_actions}",
            )[col]
        if role == Qt.ItemDataRole.BackgroundRole and col == 2:
            return QBrush(QColor("#E8F5E9" if a.returned else "#FFEBEE"))
        return None
