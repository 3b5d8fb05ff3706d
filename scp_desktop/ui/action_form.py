"""The action form: every field of a project / initiative, checked as the officer types."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.deadlines import DeadlineKind, parse_deadline
from scp_desktop.domain.money import format_pounds, parse_pounds
from scp_desktop.services.edit_inputs import ActionFields, FundingLineData
from scp_desktop.services.editing import STATUSES, validate_action
from scp_desktop.services.workspace import Choice, FrameworkChoices, PlanStructure

ERROR_STYLE = "border: 2px solid #C62828;"


class PartnerPicker(QWidget):
    """Type an agency's abbreviation or name (with completion), Enter adds it; Delete removes."""

    changed = Signal()

    def __init__(self, name: str, partners: list[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._partners = {p.label: p.id for p in partners}
        self._labels = {p.id: p.label for p in partners}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.entry = QLineEdit(self)
        self.entry.setAccessibleName(f"Add {name}")
        self.entry.setPlaceholderText("Type an abbreviation or name, then Enter")
        # The list model needs a Qt parent: QCompleter does not take ownership, so a bare
        # temporary would be deleted at once and the completion list would stay empty.
        completer = QCompleter(QStringListModel(list(self._partners), self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.entry.setCompleter(completer)
        self.add_button = QPushButton("Add", self)
        self.add_button.setAccessibleName(f"Add {name}")
        # Enter belongs to the agency box: never the form's OK (the officer is mid-list).
        self.add_button.setAutoDefault(False)
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.chosen = QListWidget(self)
        self.chosen.setAccessibleName(f"Chosen {name}")
        self.chosen.setMaximumHeight(70)
        self.chosen.setToolTip("Select and press Delete to remove")
        layout.addWidget(self.chosen)
        self.add_button.clicked.connect(self.add_typed)
        self.chosen.installEventFilter(self)
        self.entry.installEventFilter(self)

    def add_typed(self) -> bool:
        text = self.entry.text().strip()
        pid = self._match(text)
        if pid is None:
            hits = sum(1 for label in self._partners if text and text.lower() in label.lower())
            self.entry.setStyleSheet(ERROR_STYLE if text else "")
            self.entry.setToolTip(
                f"'{text}' matches {hits} agencies: type more, or pick from the list"
                if hits > 1
                else f"No partner agency matches '{text}'"
                if text
                else ""
            )
            return False
        self.entry.setStyleSheet("")
        self.entry.clear()
        self.add(pid)
        return True

    def _match(self, text: str) -> int | None:
        if text in self._partners:
            return self._partners[text]
        low = text.lower()
        exact = [
            pid for label, pid in self._partners.items() if label.split(" — ")[0].lower() == low
        ]
        if exact:
            return exact[0]
        hits = [pid for label, pid in self._partners.items() if low and low in label.lower()]
        return hits[0] if len(hits) == 1 else None

    def add(self, partner_id: int) -> None:
        if partner_id in self.ids() or partner_id not in self._labels:
            return
        item = QListWidgetItem(self._labels[partner_id])
        item.setData(Qt.ItemDataRole.UserRole, partner_id)
        self.chosen.addItem(item)
        self.changed.emit()

    def set_ids(self, ids: tuple[int, ...]) -> None:
        self.chosen.clear()
        for pid in ids:
            self.add(pid)

    def ids(self) -> tuple[int, ...]:
        return tuple(
            int(self.chosen.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.chosen.count())
        )

    def eventFilter(self, watched: object, event: object) -> bool:
        if (
            watched is self.entry
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            # Taken here so the dialog never sees it: a line edit passes Enter on to
            # the dialog's default button, which would accept the whole form.
            self.add_typed()
            return True
        if (
            watched is self.chosen
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            row = self.chosen.currentRow()
            if row >= 0:
                self.chosen.takeItem(row)
                self.changed.emit()
            return True
        return False


class FrameworkLists(QWidget):
    """One checkable list per framework of the partnership (in Essex: PFCC priorities and
    ECPS strands)."""

    def __init__(self, frameworks: list[FrameworkChoices], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.lists: list[QListWidget] = []
        for fw in frameworks:
            box = QGroupBox(f"{fw.code}: {fw.name}", self)
            inner = QVBoxLayout(box)
            lst = QListWidget(box)
            lst.setAccessibleName(f"{fw.name} cross-references")
            for item in fw.items:
                li = QListWidgetItem(item.label)
                li.setData(Qt.ItemDataRole.UserRole, item.id)
                li.setFlags(li.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                li.setCheckState(Qt.CheckState.Unchecked)
                li.setToolTip(item.label)
                lst.addItem(li)
            inner.addWidget(lst)
            layout.addWidget(box)
            self.lists.append(lst)

    def set_ids(self, ids: tuple[int, ...]) -> None:
        wanted = set(ids)
        for lst in self.lists:
            for i in range(lst.count()):
                item = lst.item(i)
                checked = item.data(Qt.ItemDataRole.UserRole) in wanted
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def ids(self) -> tuple[int, ...]:
        return tuple(
            sorted(
                int(lst.item(i).data(Qt.ItemDataRole.UserRole))
                for lst in self.lists
                for i in range(lst.count())
                if lst.item(i).checkState() == Qt.CheckState.Checked
            )
        )


class FundingTable(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 3, self)
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName("Funding lines")
        self.table.setHorizontalHeaderLabels(["Source", "Amount (£)", "Note"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add funding line", self)
        self.remove_button = QPushButton("Remove funding line", self)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_line(FundingLineData("", None)))
        self.remove_button.clicked.connect(self._remove)
        self.table.itemChanged.connect(lambda _i: self.changed.emit())

    def add_line(self, line: FundingLineData) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        amount = "" if line.amount_pence is None else format_pounds(line.amount_pence)
        for col, text in enumerate((line.source, amount, line.note)):
            self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.setCurrentCell(row, 0)
        self.changed.emit()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def set_lines(self, lines: tuple[FundingLineData, ...]) -> None:
        self.table.setRowCount(0)
        for line in lines:
            self.add_line(line)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def lines(self) -> tuple[tuple[FundingLineData, ...], list[str]]:
        result = []
        problems = []
        for row in range(self.table.rowCount()):
            texts = [self._text(row, c) for c in range(3)]
            if not any(texts):
                continue
            amount: int | None = None
            if texts[1]:
                try:
                    amount = parse_pounds(texts[1])
                except ValueError:
                    problems.append(f"Funding line {row + 1}: '{texts[1]}' is not an amount in £.")
            result.append(FundingLineData(texts[0], amount, texts[2]))
        return tuple(result), problems


def _differences(mine: ActionFields, theirs: ActionFields, partners: list[Choice]) -> str:
    """The officer's values where they differ from the record reloaded, one field a line."""
    names = {c.id: c.label for c in partners}

    def agencies(ids: tuple[int, ...]) -> str:
        return ", ".join(names.get(i, str(i)) for i in ids)

    shown = {
        "Project / initiative": (mine.title, theirs.title),
        "Reference": (mine.reference, theirs.reference),
        "About": (mine.about, theirs.about),
        "Outcome sought": (mine.outcome, theirs.outcome),
        "Target area": (mine.target_area, theirs.target_area),
        "By when": (mine.deadline_text, theirs.deadline_text),
        "Status": (mine.status, theirs.status),
        "Lead agency": (agencies(mine.lead_ids), agencies(theirs.lead_ids)),
        "Supporting": (agencies(mine.support_ids), agencies(theirs.support_ids)),
        "Outputs": ("; ".join(mine.outputs), "; ".join(theirs.outputs)),
        "Funding": (
            "; ".join(f.source for f in mine.funding),
            "; ".join(f.source for f in theirs.funding),
        ),
        "Notes": (mine.notes, theirs.notes),
    }
    lines = [f"{label}: {yours}" for label, (yours, other) in shown.items() if yours != other]
    if mine.framework_item_ids != theirs.framework_item_ids:
        lines.append("Cross-references: yours differ")
    return "\n".join(lines) or "Your changes are the same as theirs."


class ActionFormDialog(QDialog):
    """Add or edit an action. OK is enabled only when the action can be saved."""

    def __init__(
        self,
        *,
        partners: list[Choice],
        frameworks: list[FrameworkChoices],
        structure: PlanStructure,
        fields: ActionFields | None = None,
        objective_id: int | None = None,
        parent: QWidget | None = None,
        mine: ActionFields | None = None,
    ) -> None:
        """`mine`: the officer's unsaved fields after Reload, listed where they differ."""
        super().__init__(parent)
        self.setWindowTitle("Edit action" if fields else "New action")
        self.setAccessibleName(self.windowTitle())
        self.resize(900, 640)
        outer = QVBoxLayout(self)
        tabs = QTabWidget(self)
        outer.addWidget(tabs)

        main = QWidget()
        form = QFormLayout(main)
        self.objective = QComboBox(main)
        self.objective.setAccessibleName("Objective")
        for priority, objectives in structure.priorities:
            for o in objectives:
                self.objective.addItem(f"{priority.label.split(':')[0]} — {o.label}", o.id)
        if objective_id is not None:
            self.objective.setCurrentIndex(max(self.objective.findData(objective_id), 0))
        self.objective.setEnabled(fields is None)
        self.objective.setToolTip(
            "To put an existing action under another objective use Action ▸ Move…"
        )
        form.addRow("O&bjective:", self.objective)
        self.reference = QLineEdit(main)
        self.reference.setAccessibleName("Reference")
        form.addRow("&Reference:", self.reference)
        self.title_edit = QLineEdit(main)
        self.title_edit.setAccessibleName("Project / initiative title")
        form.addRow("&Project / initiative:", self.title_edit)
        self.about = QPlainTextEdit(main)
        self.about.setAccessibleName("About")
        self.about.setTabChangesFocus(True)
        self.about.setMaximumHeight(90)
        form.addRow("&About:", self.about)
        self.outcome = QPlainTextEdit(main)
        self.outcome.setAccessibleName("Performance outcome sought")
        self.outcome.setTabChangesFocus(True)
        self.outcome.setMaximumHeight(60)
        form.addRow("Outco&me sought:", self.outcome)
        self.target_area = QLineEdit(main)
        self.target_area.setAccessibleName("Target area")
        self.target_area.setPlaceholderText("Wards, 'All wards', 'Town Centre'")
        form.addRow("&Target area:", self.target_area)
        deadline_row = QHBoxLayout()
        self.deadline = QLineEdit(main)
        self.deadline.setAccessibleName("By when")
        self.deadline.setPlaceholderText("Mar 2023, 31/03/2023, Ongoing, TBC")
        self.deadline_reading = QLabel(main)
        self.deadline_reading.setAccessibleName("How the deadline was read")
        deadline_row.addWidget(self.deadline, 1)
        deadline_row.addWidget(self.deadline_reading, 2)
        deadline_label = QLabel("B&y when:", main)
        deadline_label.setBuddy(self.deadline)
        form.addRow(deadline_label, deadline_row)
        self.status = QComboBox(main)
        self.status.setAccessibleName("Status")
        for s in STATUSES:
            self.status.addItem(s.capitalize(), s)
        form.addRow("&Status:", self.status)
        self.leads = PartnerPicker("lead agency", partners, main)
        form.addRow("&Lead agency:", self.leads)
        self.supports = PartnerPicker("supporting agency", partners, main)
        form.addRow("S&upporting:", self.supports)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(main)
        tabs.addTab(scroll, "&Details")

        more = QWidget()
        more_layout = QVBoxLayout(more)
        more_layout.addWidget(QLabel("Outputs (one per line):"))
        self.outputs = QPlainTextEdit(more)
        self.outputs.setAccessibleName("Outputs, one per line")
        self.outputs.setTabChangesFocus(True)
        self.outputs.setMaximumHeight(110)
        more_layout.addWidget(self.outputs)
        more_layout.addWidget(QLabel("Funding:"))
        self.funding = FundingTable(more)
        more_layout.addWidget(self.funding)
        tabs.addTab(more, "Outputs and &funding")

        self.frameworks = FrameworkLists(frameworks)
        tabs.addTab(self.frameworks, "&Cross-references")

        kept = QWidget()
        kept_layout = QVBoxLayout(kept)
        explained = QLabel(
            "The partnership's own notes on this action. A plan loaded from a spreadsheet keeps "
            "here what its other columns held.",
            kept,
        )
        explained.setWordWrap(True)
        kept_layout.addWidget(explained)
        self.notes = QPlainTextEdit(kept)
        self.notes.setAccessibleName("Notes on the action")
        self.notes.setTabChangesFocus(True)
        kept_layout.addWidget(self.notes)
        tabs.addTab(kept, "&Notes")

        self.mine: QPlainTextEdit | None = None
        if mine is not None and fields is not None:
            self.mine = QPlainTextEdit(self)
            self.mine.setReadOnly(True)
            self.mine.setAccessibleName("Your unsaved changes")
            self.mine.setMaximumHeight(120)
            self.mine.setPlainText(_differences(mine, fields, partners))
            outer.addWidget(QLabel("<b>Yours, not saved</b> (copy what you need):", self))
            outer.addWidget(self.mine)

        self.problems = QLabel(self)
        self.problems.setAccessibleName("Problems to fix before saving")
        self.problems.setStyleSheet("color: #B71C1C;")
        self.problems.setWordWrap(True)
        outer.addWidget(self.problems)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        if fields is not None:
            self.set_fields(fields)
        for signal in (
            self.title_edit.textChanged,
            self.deadline.textChanged,
            self.leads.changed,
            self.supports.changed,
            self.funding.changed,
        ):
            signal.connect(self.validate)
        self.validate()
        self.title_edit.setFocus()

    def set_fields(self, f: ActionFields) -> None:
        self.reference.setText(f.reference)
        self.title_edit.setText(f.title)
        self.about.setPlainText(f.about)
        self.outcome.setPlainText(f.outcome)
        self.target_area.setText(f.target_area)
        self.deadline.setText(f.deadline_text)
        self.status.setCurrentIndex(max(self.status.findData(f.status), 0))
        self.leads.set_ids(f.lead_ids)
        self.supports.set_ids(f.support_ids)
        self.outputs.setPlainText("\n".join(f.outputs))
        self.funding.set_lines(f.funding)
        self.frameworks.set_ids(f.framework_item_ids)
        self.notes.setPlainText(f.notes)

    def fields(self) -> ActionFields:
        funding, _problems = self.funding.lines()
        return ActionFields(
            title=self.title_edit.text().strip(),
            reference=self.reference.text().strip(),
            about=self.about.toPlainText().strip(),
            outcome=self.outcome.toPlainText().strip(),
            target_area=self.target_area.text().strip(),
            deadline_text=self.deadline.text().strip(),
            status=str(self.status.currentData()),
            lead_ids=self.leads.ids(),
            support_ids=tuple(p for p in self.supports.ids() if p not in self.leads.ids()),
            framework_item_ids=self.frameworks.ids(),
            outputs=tuple(
                line.strip() for line in self.outputs.toPlainText().splitlines() if line.strip()
            ),
            funding=funding,
            notes=self.notes.toPlainText().strip(),
        )

    def objective_id(self) -> int | None:
        value = self.objective.currentData()
        return int(value) if value is not None else None

    def validate(self) -> bool:
        deadline = parse_deadline(self.deadline.text())
        unread = deadline.kind is DeadlineKind.UNKNOWN and bool(deadline.text)
        self.deadline_reading.setText(("⚠ " if unread else "✓ ") + deadline.explanation)
        self.deadline_reading.setStyleSheet("color: #B71C1C;" if unread else "color: #1B5E20;")
        fields = self.fields()
        problems = validate_action(fields)
        _lines, money_problems = self.funding.lines()
        problems += money_problems
        if self.objective_id() is None:
            problems.append("Add an objective to the plan first (Plan ▸ New objective).")
        self.title_edit.setStyleSheet(ERROR_STYLE if not fields.title else "")
        self.leads.chosen.setStyleSheet(ERROR_STYLE if not fields.lead_ids else "")
        self.problems.setText("\n".join(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)
        return not problems
