"""Small dialogs of the workspace: preferences, officer's name, move, roll-over, new plan."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.domain.rag import RAG
from scp_desktop.services.plan_reads import ActionRow
from scp_desktop.services.workspace import PlanStructure
from scp_desktop.ui.list_table_model import ListTableModel, list_view


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def _year_is_valid(text: str, problem: QLabel) -> bool:
    """Shows why a typed financial year cannot be read, next to the field."""
    try:
        FinancialYear.parse(text)
    except ValueError as exc:
        problem.setText(str(exc))
        return False
    problem.setText("")
    return True


class PreferencesDialog(QDialog):
    def __init__(self, officer_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.name = QLineEdit(officer_name, self)
        self.name.setAccessibleName("Your name")
        form.addRow("Your &name:", self.name)
        note = QLabel(
            "Your name is recorded with every change you make (the History panel shows it) "
            "and is the default 'reported by' of updates you type.",
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = _buttons(self)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        ok = bool(self.name.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def officer_name(self) -> str:
        return self.name.text().strip()


class MoveActionDialog(QDialog):
    def __init__(
        self, structure: PlanStructure, current_objective: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Move action")
        self.setAccessibleName("Move action")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.objective = QComboBox(self)
        self.objective.setAccessibleName("Move to objective")
        for priority, objectives in structure.priorities:
            for o in objectives:
                self.objective.addItem(f"{priority.label.split(':')[0]} — {o.label}", o.id)
        self.objective.setCurrentIndex(max(self.objective.findData(current_objective), 0))
        form.addRow("Move to &objective:", self.objective)
        layout.addWidget(_buttons(self))

    def objective_id(self) -> int:
        return int(self.objective.currentData())


class CarryOverModel(ListTableModel[ActionRow]):
    """The plan's actions with a tick each for carrying over; the ticks are a set of ids, so
    ticking all of a large plan is one change, not one per action."""

    COLUMNS = ("Ref", "Project / initiative", "Lead agency", "Status", "By when")
    chosen_changed = Signal()

    def __init__(self, rows: list[ActionRow], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.set_rows(rows)
        # Unfinished work carries over; complete (Blue) or closed actions stay behind.
        self.chosen: set[int] = {
            r.id for r in rows if r.status == "active" and RAG.BLUE not in r.rags
        }

    def cell(self, row: int, item: ActionRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if item.id in self.chosen else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            status = item.status.capitalize()
            return (item.reference, item.title, item.lead, status, item.deadline)[column]
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else flags

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0 or not index.isValid():
            return False
        action_id = self.rows[index.row()].id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.chosen.add(action_id)
        else:
            self.chosen.discard(action_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.chosen_changed.emit()
        return True

    def set_all(self, on: bool) -> None:
        self.chosen = {r.id for r in self.rows} if on else set()
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self.rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.chosen_changed.emit()

    def chosen_ids(self) -> list[int]:
        """The ticked actions, in the plan's order."""
        return [r.id for r in self.rows if r.id in self.chosen]


class RolloverDialog(QDialog):
    """Choose the year and which actions carry over (ongoing, unfinished work by default)."""

    def __init__(self, year: str, rows: list[ActionRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        target = FinancialYear.parse(year).next()
        self.setWindowTitle(f"Roll over the {year} plan")
        self.setAccessibleName("Roll over plan")
        self.resize(820, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"A new draft plan is made for the next financial year with all key priorities and "
            f"objectives of {year} and the actions ticked below. Their progress history stays "
            "with this year's plan.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.year = QLineEdit(target.label, self)
        self.year.setAccessibleName("New plan year")
        form.addRow("New plan &year:", self.year)
        layout.addLayout(form)
        self.model = CarryOverModel(rows, self)
        self.table = list_view(self.model, "Actions to carry over", self)
        for column, width in enumerate((80, 380, 120, 70)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        all_button = QPushButton("Tick &all", self)
        none_button = QPushButton("Tick &none", self)
        all_button.clicked.connect(lambda: self._tick(True))
        none_button.clicked.connect(lambda: self._tick(False))
        row.addWidget(all_button)
        row.addWidget(none_button)
        row.addStretch(1)
        self.count = QLabel(self)
        row.addWidget(self.count)
        layout.addLayout(row)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #B71C1C;")
        layout.addWidget(self.problem)
        self.buttons = _buttons(self)
        layout.addWidget(self.buttons)
        self.model.chosen_changed.connect(self._validate)
        self.year.textChanged.connect(self._validate)
        self._validate()

    def _tick(self, on: bool) -> None:
        self.model.set_all(on)

    def chosen_ids(self) -> list[int]:
        return self.model.chosen_ids()

    def target_year(self) -> str:
        return FinancialYear.parse(self.year.text()).label

    def _validate(self) -> None:
        self.count.setText(
            f"{len(self.model.chosen)} of {self.model.rowCount()} actions carry over"
        )
        ok = _year_is_valid(self.year.text(), self.problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class NewPlanDialog(QDialog):
    def __init__(self, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New empty plan")
        self.setAccessibleName("New empty plan")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Starts an empty draft plan for a financial year. Add its key priorities and "
            "objectives from the Plan menu; partners and frameworks are shared by all plans.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.year = QLineEdit(suggested, self)
        self.year.setAccessibleName("Financial year")
        form.addRow("Financial &year:", self.year)
        self.partnership = QLineEdit(self)
        self.partnership.setPlaceholderText("e.g. Safer Anytown Partnership")
        self.partnership.setAccessibleName("Partnership name")
        form.addRow("&Partnership (if new):", self.partnership)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #B71C1C;")
        layout.addWidget(self.problem)
        self.buttons = _buttons(self)
        layout.addWidget(self.buttons)
        self.year.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        ok = _year_is_valid(self.year.text(), self.problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def financial_year(self) -> FinancialYear:
        return FinancialYear.parse(self.year.text())
