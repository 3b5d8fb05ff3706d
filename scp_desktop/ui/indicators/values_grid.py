"""The values grid: one row per period, typed or pasted from Excel, with the computed RAG and
direction of travel beside each figure."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.indicators import (
    PeriodKind,
    Unit,
    format_value,
    parse_decimal,
    parse_period,
)
from scp_desktop.domain.periods import Quarter
from scp_desktop.services import indicators as svc
from scp_desktop.services.errors import ConflictError, UserError
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.ui.conflict_dialog import Resolution, ask_resolution
from scp_desktop.ui.indicators.common import pale_colour, status_tooltip, travel_text

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    editable: bool
    kind: str = "text"  # text | number | flag | computed


# Computed columns sit beside the value so the RAG and arrows show without scrolling; a
# pasted block fills only the editable columns, skipping the computed ones.
BASE_COLUMNS = (
    Column("period", "Period", False),
    Column("value", "Value", True, "number"),
    Column("status", "RAG", False, "computed"),
    Column("vs_previous", "vs previous", False, "computed"),
    Column("vs_last_year", "vs same period last year", False, "computed"),
    Column("comparator", "Comparator", True, "number"),
    Column("comparator_label", "Comparator is", True),
    Column("previous_year", "Previous year", True, "number"),
)
RATE_COLUMNS = (
    Column("numerator", "Numerator", True, "number"),
    Column("denominator", "Denominator", True, "number"),
)
TAIL_COLUMNS = (
    Column("note", "Note", True),
    Column("provisional", "Provisional", True, "flag"),
    Column("data_lag", "Data lag", True, "flag"),
    Column("baseline_missing", "No baseline", True, "flag"),
    Column("explanation", "Why", False, "computed"),
)


class ValuesModel(QAbstractTableModel):
    """Rows of a ValuesGrid. Edits are not applied here: they are emitted as ValueEdits for
    the service, and the model is refilled from what the service then reads back."""

    editsRequested = Signal(list)  # list[svc.ValueEdit]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[svc.ValueRow] = []
        self._unit = Unit.COUNT
        self._columns: tuple[Column, ...] = BASE_COLUMNS + TAIL_COLUMNS

    # -- filling --
    def set_grid(self, grid: svc.ValuesGrid | None, *, show_rates: bool = False) -> None:
        self.beginResetModel()
        self._rows = list(grid.rows) if grid else []
        self._unit = grid.unit if grid else Unit.COUNT
        self._columns = BASE_COLUMNS + (RATE_COLUMNS if show_rates else ()) + TAIL_COLUMNS
        self.endResetModel()

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def row_at(self, row: int) -> svc.ValueRow:
        return self._rows[row]

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self._columns) if c.key == key)

    # -- Qt model interface --
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._columns):
                return self._columns[section].title
            return None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        if column.editable and not row.locked:
            if column.kind == "flag":
                return base | Qt.ItemFlag.ItemIsUserCheckable
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        rule = _ROLE_RULES.get(int(role))
        return rule(row, column) if rule is not None else None

    def _display(self, row: svc.ValueRow, column: Column) -> str | None:
        if column.key == "period":
            return f"{row.label} (locked)" if row.locked else row.label
        if column.kind == "flag":
            return None
        if column.kind == "number":
            return number_text(row, column, self._unit)
        rule = _DISPLAY_RULES.get(column.key)
        if rule is not None:
            return rule(row, self._unit)
        return str(getattr(row, column.key))

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not (self.flags(index) & ~Qt.ItemFlag.ItemIsSelectable):
            return False
        column = self._columns[index.column()]
        if not column.editable or self._rows[index.row()].locked:
            return False
        new: str | bool
        if column.kind == "flag":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            new = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole:
            new = str(value)
        else:
            return False
        row = self._rows[index.row()]
        self.editsRequested.emit(
            [
                svc.ValueEdit(
                    row.period,
                    {column.key: new},
                    where=f"{row.label}, {column.title}",
                    expected_version=row.version,
                )
            ]
        )
        return True

    def _version(self, period: str) -> int | None:
        """The version shown for a period, by its code or as typed (None: not in the grid)."""
        try:
            code = parse_period(period).code
        except ValueError:
            return None
        return next((r.version for r in self._rows if r.period == code), None)

    # -- paste --
    def edits_for_block(self, top: int, left: int, block: list[list[str]]) -> list[svc.ValueEdit]:
        """ValueEdits for a pasted block whose top-left cell lands at (top, left).

        Pasting into the Period column reads the first pasted column as periods, so a block
        copied with its period labels goes to the right rows (and can add new periods).
        Raises UserError, naming the cell, when the block does not fit.
        """
        if not block:
            return []
        by_period = left == 0
        start = 1 if by_period else left
        width = max(len(line) for line in block) - (1 if by_period else 0)
        if not self._columns[start].editable:
            raise UserError(
                f"'{self._columns[start].title}' is computed and cannot be typed into: select a "
                "Value cell (or the Period column) and paste again. Nothing was pasted."
            )
        editable = [c for c in self._columns[start:] if c.editable]
        targets = editable[:width]
        if len(targets) < width:
            raise UserError(
                f"The pasted block is {width} column(s) wide but only {len(editable)} column(s) "
                "to the right can be typed into. Nothing was pasted."
            )
        if not by_period and top + len(block) > len(self._rows):
            raise UserError(
                f"The pasted block has {len(block)} row(s) but only {len(self._rows) - top} "
                "period row(s) lie below where it was pasted. Paste into the Period column to "
                "add periods. Nothing was pasted."
            )
        edits: list[svc.ValueEdit] = []
        for offset, line in enumerate(block):
            cells = line[1:] if by_period else line
            if by_period:
                period = line[0].strip() if line else ""
                if not period:
                    raise UserError(f"Pasted row {offset + 1}: the period is blank.")
                where = f"Pasted row {offset + 1}"
            else:
                row = self._rows[top + offset]
                period = row.period
                where = f"Pasted row {offset + 1} ({row.label})"
            fields: dict[str, str | bool] = {}
            for column, text in zip(targets, cells, strict=False):
                fields[column.key] = text.strip()
            if fields:
                edits.append(
                    svc.ValueEdit(
                        period, fields, where=where, expected_version=self._version(period)
                    )
                )
        return edits


def number_text(row: svc.ValueRow, column: Column, unit: Unit) -> str:
    """A number cell as shown: formatted in the unit, or as typed when it does not parse; an
    empty value shows the figure worked out from numerator and denominator."""
    text = str(getattr(row, column.key))
    if column.key == "value" and not text and row.derived_value:
        text = row.derived_value
    if not text:
        return ""
    try:
        return format_value(parse_decimal(text), unit)
    except ValueError:
        return text


def status_text(row: svc.ValueRow, unit: Unit) -> str:
    """The Status cell: the RAG sentence, after the quarter's figure on a month's row."""
    a = row.assessment
    if a is None or (a.rag is None and a.value is None and a.thresholds is None):
        return ""
    prefix = ""
    if row.kind is PeriodKind.MONTH:
        # The quarter's rolled-up figure, so it is clear what the status judges.
        prefix = f"{row.assessed_label} = {format_value(a.value, unit)}: "
    frozen = " (frozen)" if a.frozen else ""
    return f"{prefix}{a.status_text}{frozen}"


def explanation_text(row: svc.ValueRow, unit: Unit) -> str:
    """The explanation with any flags raised on the value in brackets after it."""
    a = row.assessment
    if a is None:
        return ""
    flags = f" [{'; '.join(a.flags)}]" if a.flags else ""
    return a.explanation + flags


# The text of each computed column, by column key.
_DISPLAY_RULES: dict[str, Callable[[svc.ValueRow, Unit], str]] = {
    "status": status_text,
    "vs_previous": lambda row, _unit: (
        travel_text(row.assessment, "previous") if row.assessment else ""
    ),
    "vs_last_year": lambda row, _unit: (
        travel_text(row.assessment, "last_year") if row.assessment else ""
    ),
    "explanation": explanation_text,
}


def _edit_value(row: svc.ValueRow, column: Column) -> str | None:
    if column.kind in ("flag", "computed") or column.key == "period":
        return None
    return str(getattr(row, column.key))


def _check_state(row: svc.ValueRow, column: Column) -> Qt.CheckState | None:
    if column.kind != "flag":
        return None
    checked = bool(getattr(row, column.key))
    return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked


def _background(row: svc.ValueRow, column: Column) -> QBrush | None:
    a = row.assessment
    if column.key == "status" and a is not None and (a.rag or a.value is not None):
        return QBrush(pale_colour(a.rag))
    if row.locked:
        return QBrush(QColor("#F5F5F5"))
    return None


def _foreground(row: svc.ValueRow, column: Column) -> QBrush | None:
    return QBrush(QColor("#616161")) if row.locked and column.editable else None


def _font(row: svc.ValueRow, column: Column) -> QFont | None:
    a = row.assessment
    font = QFont()
    if column.key == "status" and a and a.rag:
        font.setBold(True)
        return font
    if column.key == "value" and not row.value and row.derived_value:
        font.setItalic(True)  # worked out from numerator and denominator
        return font
    return None


def _tooltip(row: svc.ValueRow, column: Column) -> str | None:
    if column.kind == "computed" and row.assessment is not None:
        return status_tooltip(row.assessment)
    if row.locked:
        return "Signed off: unlock the quarter (with a reason) to change this value."
    return None


def _alignment(row: svc.ValueRow, column: Column) -> int | None:
    if column.kind == "number":
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None


def _accessible(row: svc.ValueRow, column: Column) -> str | None:
    a = row.assessment
    if column.key == "status" and a:
        return f"{row.assessed_label}: {a.status_text}"
    return None


# What each role other than the display text reads from a row and its column.
_ROLE_RULES: dict[int, Callable[[svc.ValueRow, Column], Any]] = {
    int(Qt.ItemDataRole.EditRole.value): _edit_value,
    int(Qt.ItemDataRole.CheckStateRole.value): _check_state,
    int(Qt.ItemDataRole.BackgroundRole.value): _background,
    int(Qt.ItemDataRole.ForegroundRole.value): _foreground,
    int(Qt.ItemDataRole.FontRole.value): _font,
    int(Qt.ItemDataRole.ToolTipRole.value): _tooltip,
    int(Qt.ItemDataRole.TextAlignmentRole.value): _alignment,
    int(Qt.ItemDataRole.AccessibleTextRole.value): _accessible,
}


def _label(quarter_code: str) -> str:
    try:
        return Quarter.parse(quarter_code).label
    except ValueError:
        return quarter_code


def parse_clipboard_block(text: str) -> list[list[str]]:
    """Excel puts a block on the clipboard as tab-separated lines with a final newline;
    a cell with a line break inside comes quoted."""
    lines: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    quoted = False
    i = 0
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and i + 1 < len(text) and text[i + 1] == '"':
                cell.append('"')
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cell.append(ch)
        elif ch == '"' and not cell:
            quoted = True
        elif ch == "\t":
            row.append("".join(cell))
            cell = []
        elif ch == "\n":
            row.append("".join(cell))
            lines.append(row)
            row, cell = [], []
        else:
            cell.append(ch)
        i += 1
    if cell or row:
        row.append("".join(cell))
        lines.append(row)
    return lines


class ValuesTable(QTableView):
    """A table that takes Ctrl+V as a block paste and Delete as clearing the selected cells."""

    pasteRequested = Signal(str)
    clearRequested = Signal()
    undoRequested = Signal()
    redoRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Handled here rather than by window shortcuts so they work wherever the grid is hosted.
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undoRequested.emit()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Redo):
            self.redoRequested.emit()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.pasteRequested.emit(QGuiApplication.clipboard().text())
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != (
            QAbstractItemView.State.EditingState
        ):
            self.clearRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def _code(period: str) -> str:
    try:
        return parse_period(period).code
    except ValueError:
        return period


class EditValuesCommand(QUndoCommand):
    """One typed edit, paste or clear, undone by writing the earlier contents back."""

    def __init__(
        self,
        grid: ValuesGridWidget,
        after: list[svc.ValueEdit],
        before: list[svc.ValueEdit],
        text: str,
    ) -> None:
        super().__init__(text)
        # Weak: the grid owns its undo stack, which owns this command. A strong reference back
        # would close a cycle that only the cyclic collector can free, deleting the grid
        # whenever a collection happens to run (even while the grid is painting).
        self._grid = weakref.ref(grid)
        self.after = after
        self.before = before
        self.done_once = True  # pushed after the service accepted it: the first redo is a no-op
        # Each period's version as this command's last write left it: undo and redo write
        # only over those, never over a change made since (another window, an import).
        self.versions: dict[str, int] = {}

    def redo(self) -> None:
        if self.done_once:
            self.done_once = False
            return
        self._step(self.after, "redo")

    def undo(self) -> None:
        self._step(self.before, "undo")

    def _step(self, edits: list[svc.ValueEdit], direction: str) -> None:
        grid = self._grid()
        if grid is None:
            return
        checked = [
            replace(e, expected_version=self.versions.get(_code(e.period), 0)) for e in edits
        ]
        written = grid.apply_edits(checked, direction=direction)
        if written is None:
            self.setObsolete(True)
        else:
            self.versions = written


class ValuesGridWidget(QWidget):
    """The grid for one indicator, saving each edit or paste through the service at once."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.indicator_id: int | None = None
        self.plan_year = ""
        self.model = ValuesModel(self)
        self.table = ValuesTable(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Indicator values by period")
        # Arrow keys move between cells; Tab goes on to the next control.
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.undo_stack = QUndoStack(self)
        self.table.undoRequested.connect(self.undo_stack.undo)
        self.table.redoRequested.connect(self.undo_stack.redo)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("gridMessage")
        self.message.hide()
        hint = QLabel(
            "Type in the grid, or copy a block of cells in Excel and press Ctrl+V here "
            "(paste into the Period column to bring period labels with the figures).",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(hint, 1)
        for action in (
            self.undo_stack.createUndoAction(self, "Undo"),
            self.undo_stack.createRedoAction(self, "Redo"),
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            top.addWidget(button)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.model.editsRequested.connect(self._write)
        self.table.pasteRequested.connect(self.paste_text)
        self.table.clearRequested.connect(self.clear_selection)

    def set_indicator(self, indicator_id: int | None, plan_year: str) -> None:
        if indicator_id != self.indicator_id:
            self.undo_stack.clear()  # undo history belongs to the indicator on show
        self.indicator_id = indicator_id
        self.plan_year = plan_year
        self._show_message("")
        self.reload()

    def reload(self) -> None:
        current = self.table.currentIndex()
        if self.indicator_id is None:
            self.model.set_grid(None)
            return
        grid = svc.values_grid(self.db, self.indicator_id, self.plan_year)
        definition = svc.get_definition(self.db, self.indicator_id)
        show_rates = bool(definition.numerator_label or definition.denominator_label)
        self.model.set_grid(grid, show_rates=show_rates)
        self._size_columns()
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))

    def scroll_to_quarter(self, quarter_code: str) -> None:
        """Bring the quarter's row (for a monthly indicator, its last month) into view."""
        label = _label(quarter_code)
        for i in range(self.model.rowCount()):
            row = self.model.row_at(i)
            if row.period == quarter_code or row.assessed_label == label:
                index = self.model.index(i, self.model.column_index("value"))
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                # Centred on its row only: sideways, the Period column stays in view, or a
                # figure would show without the period it is for.
                self.table.horizontalScrollBar().setValue(0)
                return

    def _size_columns(self) -> None:
        widths = {
            "period": 160,
            "value": 80,
            "comparator": 85,
            "comparator_label": 100,
            "previous_year": 90,
            "numerator": 85,
            "denominator": 90,
            "note": 180,
            "provisional": 80,
            "data_lag": 70,
            "baseline_missing": 110,
            "status": 150,
            "vs_previous": 170,
            "vs_last_year": 180,
        }
        for i, column in enumerate(self.model.columns):
            if column.key in widths:
                self.table.setColumnWidth(i, widths[column.key])

    def _show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        colour = "#B71C1C" if error else "#1B5E20"
        self.message.setStyleSheet(f"QLabel#gridMessage {{ color: {colour}; }}")
        self.message.setVisible(bool(text))

    def _before(self, edits: list[svc.ValueEdit]) -> list[svc.ValueEdit]:
        """What the edited cells hold now, as edits that would put them back."""
        rows = {
            self.model.row_at(i).period: self.model.row_at(i) for i in range(self.model.rowCount())
        }
        flags = {"provisional", "data_lag", "baseline_missing"}
        before = []
        for edit in edits:
            try:
                code = parse_period(edit.period).code
            except ValueError:
                code = edit.period
            row = rows.get(code)
            fields: dict[str, str | bool] = {}
            for key in edit.fields:
                if row is not None and row.stored:
                    fields[key] = getattr(row, key)
                else:
                    fields[key] = False if key in flags else ""
            before.append(svc.ValueEdit(code, fields, where=edit.where))
        return before

    def apply_edits(
        self, edits: list[svc.ValueEdit], *, direction: str = ""
    ) -> dict[str, int] | None:
        """Write through the service (one transaction) and show the recomputed statuses.

        Returns each period's version after the write, or None when nothing was written.
        A typed edit over a value changed since it was shown offers Reload, Save mine
        over theirs or Cancel; an undo or redo (`direction`) is refused outright.
        """
        if self.indicator_id is None or not edits:
            return None
        try:
            written = svc.save_values(self.db, self.indicator_id, edits)
        except ConflictError as conflict:
            if direction:
                self._show_message(
                    f"Could not {direction}: it would overwrite a later change. {conflict}"
                )
                self.reload()
                return None
            return self._resolve(edits, conflict)
        except (UserError, DatabaseError) as exc:
            self._show_message(str(exc))
            self.reload()
            return None
        self._show_message("")
        self.reload()
        self.changed.emit()
        return written

    def _resolve(
        self, edits: list[svc.ValueEdit], conflict: ConflictError
    ) -> dict[str, int] | None:
        choice = ask_resolution(conflict, self)
        if choice is Resolution.OVERWRITE:
            grid = svc.values_grid(self.db, self.indicator_id or 0, self.plan_year)
            now = {r.period: r.version for r in grid.rows}
            mine = [replace(e, expected_version=now.get(_code(e.period), 0)) for e in edits]
            try:
                written = svc.save_values(self.db, self.indicator_id or 0, mine, overwrite=True)
            except UserError as exc:
                self._show_message(str(exc))
                self.reload()
                return None
            self._show_message("Saved over the other change.", error=False)
            self.reload()
            self.changed.emit()
            return written
        self.reload()
        if choice is Resolution.RELOAD:
            typed = "; ".join(
                f"{e.where or e.period}: {', '.join(str(v) for v in e.fields.values())}"
                for e in edits
            )
            self._show_message(f"Reloaded their values. Yours, not saved: {typed}")
        else:
            self._show_message("")
        return None

    def _write(self, edits: list[svc.ValueEdit], text: str = "Edit value") -> bool:
        before = self._before(edits)
        written = self.apply_edits(edits)
        if written is None:
            return False
        command = EditValuesCommand(self, edits, before, text)
        command.versions = written
        self.undo_stack.push(command)
        return True

    def paste_text(self, text: str) -> None:
        """Paste a tab-separated block at the current cell, in one transaction."""
        block = parse_clipboard_block(text)
        if not block:
            return
        index = self.table.currentIndex()
        top = index.row() if index.isValid() else 0
        left = index.column() if index.isValid() else 1
        try:
            edits = self.model.edits_for_block(top, left, block)
        except UserError as exc:
            self._show_message(str(exc))
            return
        if self._write(edits, f"Paste {len(edits)} row(s)"):
            self._show_message(f"Pasted {len(edits)} row(s); statuses recalculated.", error=False)

    def clear_selection(self) -> None:
        """Delete clears the selected editable cells (figures, notes and flags)."""
        edits: dict[str, dict[str, str | bool]] = {}
        for index in self.table.selectionModel().selectedIndexes():
            column = self.model.columns[index.column()]
            row = self.model.row_at(index.row())
            if not column.editable or row.locked:
                continue
            edits.setdefault(row.period, {})[column.key] = False if column.kind == "flag" else ""
        if edits:
            self._write([svc.ValueEdit(p, f) for p, f in edits.items()], "Clear cells")
