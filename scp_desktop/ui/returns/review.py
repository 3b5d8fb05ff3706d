"""The import preview's review parts: the rows table that takes R/A/G/B, the row's own text,
and choosing (or adding) the action a row is about."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.rag import RAG
from scp_desktop.services.errors import UserError
from scp_desktop.services.returns.matching import MATCH_WEAK, PreviewRow
from scp_desktop.services.returns.preview import (
    ImportPreview,
    action_choices,
    add_row_as_action,
    objective_choices,
)
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.ui.action_table import RAG_ROLE, RagDelegate
from scp_desktop.ui.returns.models import PreviewTableModel

Index = QModelIndex | QPersistentModelIndex
ACTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PreviewRagDelegate(RagDelegate):
    """The RAG chip, a '?' where the return's RAG could not be read; edited with the drop-down."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if index.data(RAG_ROLE) is None:
            QStyledItemDelegate.paint(self, painter, option, index)
            return
        super().paint(painter, option, index)


class PreviewTableView(QTableView):
    """The preview's rows; R, A, G or B typed on a row sets its RAG, as in the action table."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        model = self.model()
        letter = event.text().upper()
        if (
            index.isValid()
            and isinstance(model, PreviewTableModel)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
            and letter
            and letter in "RAGB"
        ):
            row = model.row_at(index.row())
            if row is not None and row.action_id is not None:
                model.set_rag(row, RAG(letter))
                return
        super().keyPressEvent(event)


def row_detail_html(preview: ImportPreview | None, row: PreviewRow | None) -> str:
    """The partner's own words for a row, and what the import makes of them."""
    if preview is None or row is None:
        return "<p style='color:#555'>Choose a row to read what the partner wrote.</p>"
    esc = html.escape
    action = preview.index.actions.get(row.action_id) if row.action_id is not None else None
    parts = [f"<p><b>{esc(row.file)}</b>, sheet {esc(row.sheet)}, row {row.row}</p>"]
    written = [
        ("Reference", row.reference),
        ("Title", row.title),
        ("RAG", row.rag_text or ("(cell colour)" if row.rag_from_fill else "(blank)")),
        ("Reported by", row.reported_by),
        ("Date", row.reported_on.strftime("%d/%m/%Y") if row.reported_on else ""),
    ]
    parts.append("<table cellspacing='0' cellpadding='2'>")
    for label, value in written:
        if value:
            parts.append(f"<tr><td style='color:#555'>{label}</td><td>{esc(str(value))}</td></tr>")
    parts.append("</table>")
    narrative = row.narrative
    parts.append("<p style='color:#555; margin-bottom:0'>Progress update as written</p>")
    parts.append(
        "<p style='margin-top:2px'>"
        + (esc(narrative).replace("\n", "<br>") if narrative else "<i>(blank)</i>")
        + "</p><hr>"
    )
    if row.rag_rule:
        parts.append(f"<p>RAG: {esc(row.rag_rule)}</p>")
    if action is not None:
        how = {
            "template": "from the return's own template",
            "reference": "by reference",
            "title": f"by title ({row.match_score:.0f}%)" if row.match_score else "by title",
            "officer": "chosen by you",
        }.get(row.match_how, "")
        parts.append(
            f"<p>Action: <b>{esc(f'{action.reference} {action.title}'.strip())}</b>"
            + (f" — matched {how}" if how else "")
            + "</p>"
        )
        if action.existing is not None:
            held = action.existing
            parts.append(
                f"<p style='color:#555'>Held for {esc(preview.quarter.label)}: "
                f"{held.rag.label} — {esc(held.narrative[:300])}</p>"
            )
    else:
        good = [c for c in row.candidates if c.score >= MATCH_WEAK]
        if good:
            parts.append(
                "<p>Could be: "
                + "; ".join(f"{esc(c.label)} ({c.score:.0f}%)" for c in good)
                + "</p>"
            )
        else:
            parts.append("<p>No good match in the plan: choose the action, or add it as new.</p>")
    parts.append(f"<p><i>{esc(row.message)}</i></p>")
    return "".join(parts)


def detail_pane(parent: QWidget | None = None) -> QTextBrowser:
    pane = QTextBrowser(parent)
    pane.setAccessibleName("The row as the partner wrote it")
    pane.setOpenLinks(False)
    pane.setTabChangesFocus(True)
    pane.setMinimumWidth(240)
    pane.setHtml(row_detail_html(None, None))
    return pane


_NOT_IN_PLAN = -1


class ChooseActionDialog(QDialog):
    """The plan's actions with type-to-search over reference and title, the likely ones first;
    or a new action for the row under an objective the officer picks."""

    def __init__(
        self,
        db: Database,
        preview: ImportPreview,
        row: PreviewRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.preview = preview
        self.row = row
        self.chosen: int | None = row.action_id
        self.added: int | None = None
        self.setWindowTitle("Choose action")
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        written = " ".join(x for x in (row.reference, row.title) if x) or "(no reference or title)"
        heading = QLabel(
            f"{html.escape(row.file)}, sheet {html.escape(row.sheet)}, row {row.row}: "
            f"<b>{html.escape(written)}</b>"
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type part of a reference or title")
        self.search.setAccessibleName("Search the plan's actions")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)

        self.model = QStandardItemModel(self)
        none = QStandardItem("(not an action of this plan)")
        none.setData(_NOT_IN_PLAN, ACTION_ID_ROLE)
        self.model.appendRow(none)
        shown: set[int] = set()
        for c in row.candidates:
            if c.score < MATCH_WEAK:
                continue  # no poor suggestion: the officer searches instead
            item = QStandardItem(f"{c.label}  — {c.score:.0f}% like the return's title")
            item.setData(c.action_id, ACTION_ID_ROLE)
            self.model.appendRow(item)
            shown.add(c.action_id)
        for c in action_choices(preview):
            if c.action_id in shown:
                continue
            item = QStandardItem(c.label)
            item.setData(c.action_id, ACTION_ID_ROLE)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView()
        self.list.setAccessibleName("Actions of the plan")
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)  # thousands of actions lay out at once
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.doubleClicked.connect(lambda _i: self.accept())
        layout.addWidget(self.list, 1)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._enter)
        self._select(self._position_of(row.action_id))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.add_button = buttons.addButton(
            "Add as new action…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.add_button.setToolTip("Add this row's work to the plan under an objective you pick")
        self.add_button.clicked.connect(self._add_new)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search.setFocus()

    def _position_of(self, action_id: int | None) -> int:
        wanted = _NOT_IN_PLAN if action_id is None else action_id
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ACTION_ID_ROLE) == wanted:
                return r
        return 0

    def _select(self, proxy_row: int) -> None:
        if self.proxy.rowCount():
            index = self.proxy.index(max(0, min(proxy_row, self.proxy.rowCount() - 1)), 0)
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)

    def _filter(self, text: str) -> None:
        # Every word typed must appear, in any order: '1.2 patrol' or 'patrol night'.
        words = [w for w in text.split() if w]
        pattern = "".join(f"(?=.*{_escape(w)})" for w in words)
        self.proxy.setFilterRegularExpression(pattern)
        self._select(0)

    def _enter(self) -> None:
        if self.proxy.rowCount():
            self.accept()

    def current_action(self) -> int | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return self.row.action_id
        value = index.data(ACTION_ID_ROLE)
        return None if value == _NOT_IN_PLAN else int(value)

    def accept(self) -> None:
        if self.added is None:
            self.chosen = self.current_action()
        super().accept()

    def _add_new(self) -> None:
        dialog = NewActionDialog(self.db, self.preview, self.row, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.action_id is not None:
            self.added = self.chosen = dialog.action_id
            super().accept()


def _escape(word: str) -> str:
    from re import escape

    return escape(word)


class NewActionDialog(QDialog):
    """A row's work added to the plan as a new action, under the objective the officer picks."""

    def __init__(
        self, db: Database, preview: ImportPreview, row: PreviewRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.preview = preview
        self.row = row
        self.action_id: int | None = None
        self.setWindowTitle("Add as new action")
        layout = QVBoxLayout(self)
        note = QLabel(
            "The return's row becomes a new action of the plan, and its update is imported "
            "with the rest when you press Apply."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.objective = QComboBox()
        self.objective.setAccessibleName("Objective")
        for choice in objective_choices(db, preview.plan_id):
            self.objective.addItem(choice.label, choice.id)
        self.objective.setEditable(True)  # type part of the objective to find it
        self.objective.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.title = QLineEdit(row.title)
        self.title.setAccessibleName("Title")
        self.reference = QLineEdit(row.reference)
        self.reference.setAccessibleName("Reference")
        self.reference.setMaxLength(30)
        form.addRow("Objective:", self.objective)
        form.addRow("Title:", self.title)
        form.addRow("Reference:", self.reference)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add action")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def accept(self) -> None:
        objective_id: Any = self.objective.currentData()
        if self.objective.findText(self.objective.currentText()) < 0 or objective_id is None:
            QMessageBox.warning(self, "Add as new action", "Choose one of the plan's objectives.")
            return
        try:
            self.action_id = add_row_as_action(
                self.db,
                self.preview,
                self.row,
                int(objective_id),
                title=self.title.text(),
                reference=self.reference.text(),
            )
        except (UserError, DatabaseError) as exc:
            QMessageBox.warning(self, "Add as new action", str(exc))
            return
        super().accept()
