"""The action table: a model over plain ActionRow objects, its RAG chip delegate and view.

Sorting and filtering work on the Python list inside the model: a QSortFilterProxyModel
calling back into Python is ~100× slower on large plans (see MEASURED.md).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.domain.rag import RAG, RAG_ORDER, parse_rag
from scp_desktop.services.errors import UserError
from scp_desktop.storage.errors import DatabaseError
from scp_desktop.ui.filtering import ActionFilter

if TYPE_CHECKING:
    from scp_desktop.services.plan_reads import ActionRow, Progress

Index = QModelIndex | QPersistentModelIndex
RAG_ROLE = Qt.ItemDataRole.UserRole + 1  # the RAG letter (or None) in a quarter column
ID_ROLE = Qt.ItemDataRole.UserRole


class Column(IntEnum):
    REF = 0
    PRIORITY = 1
    TITLE = 2
    LEAD = 3
    DEADLINE = 4
    Q1 = 5
    Q2 = 6
    Q3 = 7
    Q4 = 8
    PROGRESS = 9
    FLAGS = 10


QUARTER_COLUMNS = (Column.Q1, Column.Q2, Column.Q3, Column.Q4)
_HEADERS = {
    Column.REF: "Ref",
    Column.PRIORITY: "Priority",
    Column.TITLE: "Project / initiative",
    Column.LEAD: "Lead agency",
    Column.DEADLINE: "By when",
    Column.PROGRESS: "Latest progress update",
    Column.FLAGS: "Flags",
}
_NONE_LAST = 9
_REF_WIDTH_LIMIT = 120


def _natural(text: str) -> tuple[Any, ...]:
    """'2.10' after '2.9'; references mix numbers and letters."""
    parts: list[Any] = []
    number = ""
    word = ""
    for ch in text.lower():
        if ch.isdigit():
            if word:
                parts.append((1, word))
                word = ""
            number += ch
        else:
            if number:
                parts.append((0, int(number)))
                number = ""
            word += ch
    if number:
        parts.append((0, int(number)))
    if word:
        parts.append((1, word))
    return tuple(parts)


def _first_line(text: str) -> str:
    # The column shows ~60 characters; eliding a long string costs paint time.
    return text.split("\n", 1)[0][:160]


def _progress_tooltip(progress: Progress) -> str | None:
    """The latest progress in full, under its quarter, as the tooltip's rich text."""
    if not progress.text:
        return None
    text = html.escape(progress.text).replace("\n", "<br>")
    return f"<p><b>{progress.quarter}</b></p><p>{text}</p>"


def _rag_letter(i: int) -> Callable[[ActionRow], str]:
    return lambda r: r.rags[i].value if r.rags[i] is not None else ""  # type: ignore[union-attr]


_DISPLAY_FUNCS: tuple[Callable[[ActionRow], str], ...] = (
    lambda r: r.reference,
    lambda r: f"KP{r.priority_number}" if r.priority_kind == "key" else "Other",
    lambda r: r.title,
    lambda r: r.lead,
    lambda r: r.deadline,
    _rag_letter(0),
    _rag_letter(1),
    _rag_letter(2),
    _rag_letter(3),
    lambda r: "",  # the latest progress: read per screenful, see ActionTableModel._progress_at
    lambda r: flags_text(r),
)
_COLUMNS = len(Column)
_Q1, _Q4, _FLAGS = int(Column.Q1), int(Column.Q4), int(Column.FLAGS)
_PROGRESS = int(Column.PROGRESS)
# Latest progress is read for the rows about the one asked for: those above it still on
# screen, a screenful and more below it, in one query.
_PROGRESS_BEFORE, _PROGRESS_AFTER = 60, 240
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_EDIT = int(Qt.ItemDataRole.EditRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ID = int(Qt.ItemDataRole.UserRole.value)
_RAG = _ID + 1
_SKIPPED_ROLES = frozenset(
    int(r.value)
    for r in (
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.SizeHintRole,
        Qt.ItemDataRole.StatusTipRole,
        Qt.ItemDataRole.WhatsThisRole,
    )
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_FLAGS = _CELL_FLAGS | Qt.ItemFlag.ItemIsEditable
_FLAG_COLOUR = QColor("#B71C1C")
_INACTIVE_COLOUR = QColor("#616161")


def flags_text(row: ActionRow) -> str:
    flags = []
    if row.overdue:
        flags.append("Overdue")
    if row.not_reported:
        flags.append("Not reported")
    if row.status != "active":
        flags.append(row.status.capitalize())
    return ", ".join(flags)


def _sort_key(column: Column) -> Callable[[ActionRow], Any]:
    if column == Column.REF:
        return lambda r: (_natural(r.reference), r.id)
    if column == Column.PRIORITY:
        return lambda r: (r.priority_number, r.id)
    if column == Column.TITLE:
        return lambda r: r.title.lower()
    if column == Column.LEAD:
        return lambda r: (r.lead == "", r.lead.lower())
    if column == Column.DEADLINE:
        return lambda r: (r.deadline_date is None, r.deadline_date or 0, r.deadline)
    if column in QUARTER_COLUMNS:
        i = QUARTER_COLUMNS.index(column)
        return lambda r: r.rags[i].rank if r.rags[i] is not None else _NONE_LAST  # type: ignore[union-attr]
    return lambda r: (not r.overdue, not r.not_reported, r.status)


_REMEMBERED_FILTERS = 32


class ActionTableModel(QAbstractTableModel):
    """Rows of the plan's actions for one quarter; sort and filter inside the model.

    Build it from `scp_desktop.services.workspace.load_action_rows(...)`.
    """

    # action id, quarter number 1-4, RAG, and the version of the update the table showed
    rag_edit_requested = Signal(int, int, object, int)
    filter_changed = Signal()
    # The latest progress could not be read (the message says why). Emitted from inside a
    # paint: connect it queued.
    progress_failed = Signal(str)

    def __init__(
        self,
        rows: Sequence[ActionRow] = (),
        *,
        year: str = "2022-23",
        quarter_number: int = 2,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._all: list[ActionRow] = list(rows)
        self._shown: list[ActionRow] = list(self._all)
        self._year = FinancialYear.parse(year)
        self._quarter = quarter_number
        self._filter = ActionFilter()
        self._sort: tuple[int, Qt.SortOrder] | None = None
        # Search texts per action id (workspace.load_search_texts), filled when a worker
        # delivers them or, if a search is typed first, by `_search_loader` on the spot.
        self._search: dict[int, bytes] | None = None
        self._search_loader: Callable[[list[int] | None], dict[int, bytes]] | None = None
        self._search_token = object()
        self._refreshed: set[int] = set()  # rows edited since the token was issued
        self._matches: dict[ActionFilter, list[ActionRow]] = {}
        # Every row in the sort order, kept between keystrokes so that filtering never sorts;
        # None until needed after the rows or the sort change. `_all` stays in load order.
        self._ordered: list[ActionRow] | None = None
        # Latest progress per action id, read by `_progress_loader(action_ids or None)` for
        # the rows painted (a screenful at a time) or for all rows to sort on it.
        self._progress: dict[int, Progress] = {}
        self._progress_loader: Callable[[list[int] | None], dict[int, Progress]] | None = None
        self._progress_complete = False
        self._progress_failed = False
        # Off while the rows are a first look at a plan file still being opened.
        self.editable = True

    # -- loading

    def set_rows(
        self,
        rows: Sequence[ActionRow],
        *,
        year: str,
        quarter_number: int,
        search_loader: Callable[[list[int] | None], dict[int, bytes]] | None = None,
        progress_loader: Callable[[list[int] | None], dict[int, Progress]] | None = None,
    ) -> object:
        """Show new rows. `search_loader(action_ids or None)` reads the search texts of those
        rows (all when None); until `offer_search_texts` brings them they are read on the
        first search. `progress_loader(action_ids or None)` likewise reads their latest
        progress (workspace.load_latest_progress), as rows are shown. Returns the token to
        offer search texts with."""
        self.beginResetModel()
        self._all = list(rows)
        self._progress = {}
        self._progress_loader = progress_loader
        self._progress_complete = False
        self._progress_failed = False
        self._search = None
        self._search_loader = search_loader
        self._search_token = object()
        self._refreshed = set()
        self._matches.clear()
        self._ordered = None
        self._year = FinancialYear.parse(year)
        self._quarter = quarter_number
        self._apply()
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.Q1, Column.Q4)
        return self._search_token

    def offer_search_texts(self, token: object, texts: dict[int, bytes]) -> bool:
        """Take search texts loaded in the background for the rows given with `token`."""
        if token is not self._search_token or self._search is not None:
            return False
        if self._refreshed and self._search_loader is not None:
            # Rows edited while the texts were being read: read those again.
            texts = {**texts, **self._search_loader(sorted(self._refreshed))}
        self._search = texts
        self._matches.clear()
        return True

    @property
    def has_search_texts(self) -> bool:
        return self._search is not None

    def offers_search_token(self, token: object) -> bool:
        """Whether texts offered with `token` would still be taken (worth reading)."""
        return token is self._search_token and self._search is None

    def _texts_for(self, action_filter: ActionFilter) -> dict[int, bytes] | None:
        if action_filter.text.strip() and self._search is None and self._search_loader:
            self._search = self._search_loader(None)
        return self._search

    def replace_rows(self, rows: Sequence[ActionRow], removed: Sequence[int] = ()) -> None:
        """Refresh some rows in place after an edit (others keep position and selection)."""
        fresh = {r.id: r for r in rows}
        gone = set(removed)
        known = {r.id for r in self._all}
        self._matches.clear()
        self._ordered = None
        for rid in (*fresh, *gone):
            self._progress.pop(rid, None)
        if fresh and self._progress_complete:
            # Sorting on progress needs every row's: read the edited ones again now.
            self._progress_complete = self._read_progress(list(fresh))
        if fresh and self._search_loader is not None:
            if self._search is not None:
                self._search.update(self._search_loader(list(fresh)))
            else:
                self._refreshed.update(fresh)
        if gone or any(rid not in known for rid in fresh):
            # Rows appear or disappear: rebuild, keeping the sort, filter and search texts.
            self.beginResetModel()
            self._all = [fresh.pop(r.id, r) for r in self._all if r.id not in gone] + list(
                fresh.values()
            )
            self._apply()
            self.endResetModel()
            return
        self._all = [fresh.get(r.id, r) for r in self._all]
        for i, r in enumerate(self._shown):
            if r.id in fresh:
                self._shown[i] = fresh[r.id]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(Column) - 1))

    # -- filter and sort

    @property
    def action_filter(self) -> ActionFilter:
        return self._filter

    def set_filter(self, action_filter: ActionFilter) -> None:
        if action_filter == self._filter:
            return
        previous = self._filter
        self._filter = action_filter
        shown = list(self._matching(action_filter, previous))
        # Most keystrokes of a word change nothing on screen ("knif" → "knife"): the same
        # rows in the same order need no reset, and so no repaint of the whole table.
        if shown != self._shown:
            self.beginResetModel()
            self._shown = shown
            self.endResetModel()
        self.filter_changed.emit()

    def _matching(self, f: ActionFilter, previous: ActionFilter | None) -> list[ActionRow]:
        """The rows `f` keeps, in the table's order. Recent answers are kept: backspacing over
        what was just typed shows each earlier answer again without a search."""
        base = self._in_order()
        if f.is_empty:
            return base
        known = self._matches.get(f)
        if known is not None:
            return known
        if previous is not None and f.narrows(previous):
            # Typing on narrows what is shown: test only the rows the last filter kept.
            base = self._matches.get(previous, base)
        keep = f.predicate(self._quarter, self._texts_for(f))
        found = [r for r in base if keep(r)]
        if len(self._matches) >= _REMEMBERED_FILTERS:
            del self._matches[next(iter(self._matches))]
        self._matches[f] = found
        return found

    def _in_order(self) -> list[ActionRow]:
        """Every row in the table's sort order (load order when it is not sorted)."""
        if self._sort is None:
            return self._all
        if self._ordered is None:
            column, order = self._sort
            self._ordered = sorted(
                self._all,
                key=self._progress_key() if column == _PROGRESS else _sort_key(Column(column)),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
            # Remembered answers are in the old order.
            self._matches.clear()
        return self._ordered

    def _apply(self, previous: ActionFilter | None = None) -> None:
        # The matches come in the order of the rows searched, so they are already sorted.
        self._shown = list(self._matching(self._filter, previous))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self.layoutAboutToBeChanged.emit()
        before = {r.id: i for i, r in enumerate(self._shown)}
        self._sort = (column, order)
        self._ordered = None
        ordered = self._in_order()
        if self._filter.is_empty:
            self._shown = list(ordered)
        else:
            shown_ids = {r.id for r in self._shown}
            self._shown = [r for r in ordered if r.id in shown_ids]
        after = {r.id: i for i, r in enumerate(self._shown)}
        old_rows = {i: rid for rid, i in before.items()}
        persistent = self.persistentIndexList()
        if persistent:
            self.changePersistentIndexList(
                persistent,
                [
                    self.index(after[old_rows[p.row()]], p.column())
                    if p.row() in old_rows
                    else QModelIndex()
                    for p in persistent
                ],
            )
        self.layoutChanged.emit()

    # -- latest progress, read as rows are shown

    def _progress_key(self) -> Callable[[ActionRow], tuple[bool, str]]:
        """Sort key on the latest progress (rows with none last): reads every row's first."""
        if not self._progress_complete:
            self._progress_complete = self._read_progress(None)
        progress = self._progress
        from scp_desktop.services.plan_reads import NO_PROGRESS

        def key(r: ActionRow) -> tuple[bool, str]:
            text = progress.get(r.id, NO_PROGRESS).text
            return (text == "", text.lower())

        return key

    def _progress_at(self, r: int) -> Progress:
        row = self._shown[r]
        found = self._progress.get(row.id)
        if found is None:
            near = self._shown[max(0, r - _PROGRESS_BEFORE) : r + _PROGRESS_AFTER]
            self._read_progress([n.id for n in near if n.id not in self._progress])
            from scp_desktop.services.plan_reads import NO_PROGRESS

            # An action the loader does not know (or a failed read) is not asked again.
            found = self._progress.setdefault(row.id, NO_PROGRESS)
        return found

    def _read_progress(self, action_ids: list[int] | None) -> bool:
        """Read the latest progress of `action_ids` (all rows when None); whether it was."""
        if self._progress_loader is None or self._progress_failed:
            return False
        try:
            self._progress.update(self._progress_loader(action_ids))
        except (UserError, DatabaseError) as exc:
            # Once per set of rows: the officer is told, and the table stays usable.
            self._progress_failed = True
            self.progress_failed.emit(f"The latest progress updates could not be read. {exc}")
            return False
        return True

    # -- access

    @property
    def quarter_number(self) -> int:
        return self._quarter

    @property
    def total_count(self) -> int:
        return len(self._all)

    def row_at(self, row: int) -> ActionRow:
        return self._shown[row]

    def all_rows(self) -> list[ActionRow]:
        return list(self._all)

    def shown_rows(self) -> list[ActionRow]:
        return list(self._shown)

    def row_of(self, action_id: int) -> int:
        for i, r in enumerate(self._shown):
            if r.id == action_id:
                return i
        return -1

    # -- Qt model interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if column in QUARTER_COLUMNS:
                number = QUARTER_COLUMNS.index(column) + 1
                return f"Q{number}" + (" ◆" if number == self._quarter else "")
            return _HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in QUARTER_COLUMNS:
                q = self._year.quarter(QUARTER_COLUMNS.index(column) + 1)
                current = " (the chosen quarter)" if q.number == self._quarter else ""
                return f"RAG for {q.label}, {q.months}{current}"
            return _HEADERS[column]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called thousands of times per repaint: cheapest checks first, plain ints.
        if role in _SKIPPED_ROLES:
            return None
        r = index.row()
        shown = self._shown
        if r < 0 or r >= len(shown):
            return None
        row = shown[r]
        column = index.column()
        if role == _DISPLAY:
            if column == _PROGRESS:
                return _first_line(self._progress_at(r).text)
            return _DISPLAY_FUNCS[column](row) if 0 <= column < _COLUMNS else None
        if role == _FOREGROUND:
            if column == _FLAGS and (row.overdue or row.not_reported):
                return _FLAG_COLOUR
            return _INACTIVE_COLOUR if row.status != "active" else None
        if role == _ID:
            return row.id
        if _Q1 <= column <= _Q4:
            return self._quarter_data(row.rags[column - _Q1], column - _Q1 + 1, role)
        if role == _TOOLTIP:
            if column == _PROGRESS:
                return _progress_tooltip(self._progress_at(r))
            return self._tooltip(row, column)
        return None

    def _quarter_data(self, rag: RAG | None, quarter: int, role: int) -> Any:
        """A quarter's RAG cell: its letter, its spoken/tooltip sentence, or its edit text."""
        if role == _RAG:
            return rag.value if rag else None
        if role in (_TOOLTIP, _ACCESSIBLE):
            q = self._year.quarter(quarter)
            return f"{q.label}: {rag.label} ({rag.meaning})" if rag else f"{q.label}: not reported"
        if role == _EDIT:
            return rag.value if rag else ""
        return None

    def _tooltip(self, row: ActionRow, column: int) -> str | None:
        if column == Column.TITLE:
            about = f"<p>{html.escape(row.about)}</p>" if row.about else ""
            return (
                f"<p><b>{html.escape(row.title)}</b></p>{about}"
                f"<p>{html.escape(row.objective_title)}</p>"
            )
        if column == Column.PRIORITY:
            return row.priority_title
        if column == Column.LEAD and row.support:
            return f"Lead: {row.lead}\nSupporting: {row.support}"
        if column == Column.FLAGS:
            return flags_text(row) or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        if self.editable and _Q1 <= index.column() <= _Q4:
            return _EDITABLE_FLAGS
        return _CELL_FLAGS

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An edit in a RAG cell asks for a change; the window runs it as an undoable command."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable:
            return False
        if not Column.Q1 <= index.column() <= Column.Q4:
            return False
        rag = value if isinstance(value, RAG) else parse_rag(value)
        if rag is None:
            return False
        row = self._shown[index.row()]
        number = index.column() - Column.Q1 + 1
        if row.rags[number - 1] is rag:
            return False
        self.rag_edit_requested.emit(row.id, number, rag, row.rag_versions[number - 1])
        return True


def paint_rag_chip(painter: QPainter, rect: QRect, rag: RAG | None, font: QFont) -> None:
    """A rounded chip in the RAG colour with its letter, readable in greyscale too."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    size = min(rect.height() - 4, 24)
    chip = QRect(0, 0, size + 6, size)
    chip.moveCenter(rect.center())
    if rag is None:
        painter.setPen(QColor("#9E9E9E"))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, "–")
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(rag.hex_colour))
        painter.drawRoundedRect(chip, 4, 4)
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(rag.ink_colour))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, rag.value)
    painter.restore()


class RagDelegate(QStyledItemDelegate):
    """Paints RAG cells as chips; edits them with a list that also takes R, A, G, B keys."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chips: dict[tuple[str | None, int, int, float, str], QPixmap] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        # Painted by hand (no initStyleOption) so a repaint asks the model for one role only.
        state = option.state
        rect = option.rect
        palette = option.palette
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.highlight())
        elif option.features & QStyleOptionViewItem.ViewItemFeature.Alternate:
            painter.fillRect(rect, palette.alternateBase())
        code = index.data(RAG_ROLE)
        # The chips are a handful of images drawn once: a repaint only copies them.
        dpr = painter.device().devicePixelRatioF()
        size = QSize(rect.width(), rect.height())
        key = (code, size.width(), size.height(), dpr, option.font.key())
        chip = self._chips.get(key)
        if chip is None:
            chip = QPixmap(size * dpr)
            chip.setDevicePixelRatio(dpr)
            chip.fill(Qt.GlobalColor.transparent)
            chip_painter = QPainter(chip)
            paint_rag_chip(
                chip_painter, QRect(QPoint(0, 0), size), RAG(code) if code else None, option.font
            )
            chip_painter.end()
            if len(self._chips) > 64:
                self._chips.clear()
            self._chips[key] = chip
        painter.drawPixmap(rect.topLeft(), chip)
        if state & QStyle.StateFlag.State_HasFocus:
            # A clear focus mark for keyboard users (R, A, G, B act on this cell).
            painter.save()
            painter.setPen(QPen(QColor("#0D47A1"), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(44, 26)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("RAG status")
        for rag in RAG_ORDER:
            combo.addItem(f"{rag.value} — {rag.label} ({rag.meaning})", rag)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        code = index.data(RAG_ROLE)
        editor.setCurrentIndex(RAG_ORDER.index(RAG(code)) if code else 2)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, RAG_ORDER[editor.currentIndex()], Qt.ItemDataRole.EditRole)


class ActionTableView(QTableView):
    """The table view: chips in quarter columns, R/A/G/B typed on a RAG cell sets it."""

    activated_action = Signal(int)  # Enter / double-click on a non-RAG cell: open the action

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Actions")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        # Arrow keys move between cells; Tab leaves the table (keyboard-only use).
        self.setTabKeyNavigation(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._delegate = RagDelegate(self)
        for column in QUARTER_COLUMNS:
            self.setItemDelegateForColumn(column, self._delegate)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Highlight, QColor("#BBDEFB"))
        pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#000000"))
        self.setPalette(pal)
        self.doubleClicked.connect(self._double_clicked)

    def reset(self) -> None:
        super().reset()
        # Lay the rows out now, not on the next turn of the event loop: otherwise a change
        # in the number of rows paints the table twice, once before its scroll range is set.
        self.executeDelayedItemsLayout()

    def apply_default_widths(self) -> None:
        widths = {
            Column.REF: 50,
            Column.PRIORITY: 58,
            Column.TITLE: 235,
            Column.LEAD: 90,
            Column.DEADLINE: 80,
            Column.PROGRESS: 250,
            Column.FLAGS: 100,
        }
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        for column in QUARTER_COLUMNS:
            self.setColumnWidth(column, 42)

    def fit_references(self, references: Sequence[str]) -> None:
        """Widen the Ref column to show the longest reference whole ("3.30.12"), up to a
        limit; never narrower than it already is."""
        if not references:
            return
        most = max(len(r) for r in references)
        metrics = self.fontMetrics()
        # Among the longest by count, the widest in this font ("1.11.11" beside "3.30.12").
        widest = max(metrics.horizontalAdvance(r) for r in references if len(r) == most)
        margin = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 12
        wanted = min(widest + margin, _REF_WIDTH_LIMIT)
        if self.columnWidth(Column.REF) < wanted:
            self.setColumnWidth(Column.REF, wanted)

    def _double_clicked(self, index: QModelIndex) -> None:
        if not Column.Q1 <= index.column() <= Column.Q4:
            self.activated_action.emit(index.data(ID_ROLE))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        key = event.key()
        if index.isValid() and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            letter = event.text().upper()
            if Column.Q1 <= index.column() <= Column.Q4 and letter and letter in "RAGB":
                self.model().setData(index, RAG(letter))
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.activated_action.emit(index.data(ID_ROLE))
                return
        super().keyPressEvent(event)

    def current_action_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        value = index.data(ID_ROLE)
        return int(value) if value is not None else None
