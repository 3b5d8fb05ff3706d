"""Editors for reference data (partners, frameworks, funding streams, acronyms) and the
record form also used for key priorities and objectives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.money import format_pounds, parse_pounds
from scp_desktop.services import records
from scp_desktop.services.errors import ConflictError
from scp_desktop.services.records import FieldSpec, Record, RecordKind
from scp_desktop.storage.database import Database
from scp_desktop.ui.conflict_dialog import Resolution, ask_resolution
from scp_desktop.ui.edits import Edits
from scp_desktop.ui.list_table_model import ListTableModel, list_view
from scp_desktop.ui.user_guide import install_help

CHOICE_WORDS = {"key": "Key priority", "other": "Other work (outside the key priorities)"}


def _show(spec: FieldSpec, value: Any) -> str:
    if spec.kind == "bool":
        return "Yes" if value else "No"
    if spec.kind == "money":
        return format_pounds(int(value or 0))
    if spec.kind == "choice":
        return CHOICE_WORDS.get(str(value), str(value))
    return "" if value is None else str(value)


class RecordTableModel(ListTableModel[Record]):
    def __init__(self, kind: RecordKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.fields = [f for f in records.SPECS[kind].fields if f.kind != "long"] or list(
            records.SPECS[kind].fields
        )
        self._headings = tuple(f.label.replace("&", "") for f in self.fields)

    def headings(self) -> tuple[str, ...]:
        return self._headings

    def cell(self, row: int, item: Record, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            spec = self.fields[column]
            return _show(spec, item.values.get(spec.name))
        return None


class RecordFormDialog(QDialog):
    """A form built from a kind's field list; OK only when required fields are filled."""

    def __init__(
        self,
        kind: RecordKind,
        values: dict[str, Any] | None = None,
        parent: QWidget | None = None,
        mine: dict[str, Any] | None = None,
    ) -> None:
        """`mine`: the officer's unsaved values after Reload, listed where they differ."""
        super().__init__(parent)
        spec = records.SPECS[kind]
        verb = "Edit" if values else "New"
        self.setWindowTitle(f"{verb} {spec.singular}")
        self.setAccessibleName(self.windowTitle())
        self.resize(560, 200 + 40 * len(spec.fields))
        self.spec = spec
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.editors: dict[str, QWidget] = {}
        for f in spec.fields:
            editor: QWidget
            value = (values or {}).get(f.name)
            if f.kind == "bool":
                box = QCheckBox(self)
                box.setChecked(bool(value))
                editor = box
            elif f.kind == "int":
                spin = QSpinBox(self)
                spin.setRange(0, 9999)
                spin.setValue(int(value or 0))
                editor = spin
            elif f.kind == "long":
                text = QPlainTextEdit(self)
                text.setTabChangesFocus(True)
                text.setPlainText(str(value or ""))
                text.setMaximumHeight(110)
                editor = text
            elif f.kind == "choice":
                combo = QComboBox(self)
                for c in f.choices:
                    combo.addItem(CHOICE_WORDS.get(c, c), c)
                combo.setCurrentIndex(max(combo.findData(value), 0))
                editor = combo
            else:
                line = QLineEdit(self)
                if f.kind == "money":
                    line.setText(format_pounds(int(value)) if value is not None else "")
                    line.setPlaceholderText("e.g. £43,000 or 43k")
                else:
                    line.setText(str(value or ""))
                line.textChanged.connect(self._validate)
                editor = line
            editor.setAccessibleName(f.label.replace("&", ""))
            form.addRow(f.label + (" *" if f.required else "") + ":", editor)
            self.editors[f.name] = editor
        self.mine: QPlainTextEdit | None = None
        if mine is not None:
            self.mine = QPlainTextEdit(self)
            self.mine.setReadOnly(True)
            self.mine.setAccessibleName("Your unsaved values")
            self.mine.setMaximumHeight(90)
            self.mine.setPlainText(
                "\n".join(
                    f"{f.label.replace('&', '')}: {_show(f, mine.get(f.name))}"
                    for f in spec.fields
                    if mine.get(f.name) != (values or {}).get(f.name)
                )
                or "Your values are the same as theirs."
            )
            layout.addWidget(QLabel("<b>Yours, not saved</b> (copy what you need):", self))
            layout.addWidget(self.mine)
        self.problems = QLabel(self)
        self.problems.setStyleSheet("color: #B71C1C;")
        layout.addWidget(self.problems)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        install_help(self, "The workspace")
        self._validate()

    def values(self) -> tuple[dict[str, Any], list[str]]:
        out: dict[str, Any] = {}
        problems: list[str] = []
        for f in self.spec.fields:
            editor = self.editors[f.name]
            label = f.label.replace("&", "")
            if isinstance(editor, QCheckBox):
                out[f.name] = editor.isChecked()
            elif isinstance(editor, QSpinBox):
                out[f.name] = editor.value()
            elif isinstance(editor, QPlainTextEdit):
                out[f.name] = editor.toPlainText().strip()
            elif isinstance(editor, QComboBox):
                out[f.name] = editor.currentData()
            elif isinstance(editor, QLineEdit):
                text = editor.text().strip()
                if f.kind == "money":
                    try:
                        out[f.name] = parse_pounds(text) if text else None
                    except ValueError:
                        problems.append(f"{label}: '{text}' is not an amount in £.")
                        out[f.name] = None
                else:
                    out[f.name] = text
                    if f.one_line and records.line_break_in(text):
                        problems.append(records.line_break_message(label))
            if f.required and out.get(f.name) in ("", None):
                problems.append(f"{label} is required.")
        return out, problems

    def _validate(self) -> None:
        _values, problems = self.values()
        self.problems.setText("\n".join(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)


class RecordPanel(QWidget):
    """A table of one kind of record with Add / Edit / Delete."""

    def __init__(
        self,
        kind: RecordKind,
        db: Database,
        edits: Edits,
        parent: QWidget | None = None,
        *,
        parent_id: Callable[[], int | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.db = db
        self.edits = edits
        self._parent_id = parent_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = RecordTableModel(kind, self)
        self.view = list_view(self.model, records.SPECS[kind].singular.capitalize() + " list", self)
        self.view.doubleClicked.connect(lambda _i: self.edit())
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        singular = records.SPECS[kind].singular
        self.add_button = QPushButton(f"&Add {singular}…", self)
        self.edit_button = QPushButton("&Edit…", self)
        self.delete_button = QPushButton("&Delete", self)
        for b in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.reload()

    def reload(self) -> None:
        parent = self._parent_id() if self._parent_id else None
        if self._parent_id and parent is None:
            self.model.set_rows([])
        else:
            self.model.set_rows(records.list_records(self.db, self.kind, parent))
        self.view.resizeColumnsToContents()

    def current(self) -> Record | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def add(self) -> None:
        dialog = RecordFormDialog(self.kind, None, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if accepted:
            values, _ = dialog.values()
            parent = self._parent_id() if self._parent_id else None
            self.edits.save_record(self.kind, None, values, parent_id=parent)
            self.reload()

    def edit(self) -> None:
        record = self.current()
        if record is None:
            return
        parent = self._parent_id() if self._parent_id else None
        edit_record(self, self.edits, self.kind, parent, record, self._show_error)
        self.reload()

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, "Reference data", message)

    def delete(self) -> None:
        record = self.current()
        if record is not None:
            self.edits.delete_record(self.kind, record.id)
            self.reload()


def _ask_form(
    kind: RecordKind, values: dict[str, Any], mine: dict[str, Any] | None, parent: QWidget
) -> dict[str, Any] | None:
    dialog = RecordFormDialog(kind, values, parent, mine=mine)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return dialog.values()[0] if accepted else None


def edit_record(
    parent: QWidget,
    edits: Edits,
    kind: RecordKind,
    parent_id: int | None,
    record: Record,
    show_error: Callable[[str], None],
) -> None:
    """Edit one record in its form, saved only over the version the form showed.

    A change saved meanwhile (another window, another instance) is shown with the choice
    to reload it (keeping the officer's values in view), save over it, or cancel.
    """
    mine: dict[str, Any] | None = None
    while True:
        values = _ask_form(kind, record.values, mine, parent)
        if values is None:
            return
        try:
            edits.save_record(kind, record.id, values, expected_version=record.version)
            return
        except ConflictError as conflict:
            choice = ask_resolution(conflict, parent)
            if choice is Resolution.OVERWRITE:
                try:
                    edits.save_record(
                        kind,
                        record.id,
                        values,
                        expected_version=conflict.current_version,
                        overwrite=True,
                    )
                except ConflictError as again:
                    show_error(str(again))
                return
            if choice is not Resolution.RELOAD:
                return
            found = [
                r for r in records.list_records(edits.db, kind, parent_id) if r.id == record.id
            ]
            if not found:
                show_error(str(conflict))
                return
            record, mine = found[0], values


class ReferenceDataDialog(QDialog):
    """Partners, frameworks (and their items), funding streams and acronyms, one tab each."""

    def __init__(self, db: Database, edits: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reference data")
        self.setAccessibleName("Reference data")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)
        self.partners = RecordPanel(RecordKind.PARTNER, db, edits, self)
        self.tabs.addTab(self.partners, "&Partner agencies")
        frameworks = QWidget(self)
        f_layout = QHBoxLayout(frameworks)
        self.frameworks = RecordPanel(RecordKind.FRAMEWORK, db, edits, frameworks)
        self.items = RecordPanel(
            RecordKind.FRAMEWORK_ITEM, db, edits, frameworks, parent_id=self._framework_id
        )
        # Both panels show at once: the items' buttons take letters of their own.
        self.items.add_button.setText("Add framework &item…")
        self.items.edit_button.setText("Edit i&tem…")
        self.items.delete_button.setText("De&lete item")
        f_layout.addWidget(self.frameworks, 2)
        f_layout.addWidget(self.items, 3)
        self.frameworks.view.selectionModel().currentChanged.connect(lambda *_: self.items.reload())
        self.tabs.addTab(frameworks, "&Frameworks")
        self.funding = RecordPanel(RecordKind.FUNDING_STREAM, db, edits, self)
        self.tabs.addTab(self.funding, "F&unding streams")
        self.acronyms = RecordPanel(RecordKind.ACRONYM, db, edits, self)
        self.tabs.addTab(self.acronyms, "A&cronyms")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        edits.undo.changed.connect(self._changed)

    def _framework_chosen(self, *_args: object) -> None:
        self.items.reload()

    def _framework_id(self) -> int | None:
        record = self.frameworks.current()
        if record is None and self.frameworks.model.rowCount():
            self.frameworks.view.selectRow(0)
            record = self.frameworks.current()
        return record.id if record else None

    def _changed(self, _change: object) -> None:
        self.reload()

    def reload(self) -> None:
        for panel in (self.partners, self.frameworks, self.items, self.funding, self.acronyms):
            panel.reload()
