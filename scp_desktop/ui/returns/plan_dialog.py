"""The "New plan from spreadsheet…" dialog: preview the officers' plan spreadsheet, then create the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.excel.plan_workbook import PlanLine
from scp_desktop.services.plan_document import LoadSummary
from scp_desktop.services.plan_spreadsheet import (
    PlanPreview,
    load_plan_spreadsheet,
    preview_plan_spreadsheet,
)
from scp_desktop.storage.database import Database
from scp_desktop.ui.list_table_model import ListTableModel
from scp_desktop.ui.returns.common import button_row
from scp_desktop.ui.tasks import Task, start

Index = QModelIndex | QPersistentModelIndex


class PlanLinesModel(ListTableModel[PlanLine]):
    COLUMNS = ("Key priority", "Objective", "Ref", "Project / initiative", "Lead agency", "By when")

    def set_lines(self, lines: list[PlanLine]) -> None:
        self.set_rows(lines)

    def cell(self, row: int, line: PlanLine, col: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        by_when = line.by_when
        if hasattr(by_when, "strftime"):
            by_when = by_when.strftime("%d/%m/%Y")
        number = f"{line.priority_number}. " if line.priority_number else ""
        return (
            f"{number}{line.priority_title}",
            line.objective,
            line.reference,
            line.title,
            ", ".join(line.lead),
            str(by_when or ""),
        )[col]


class NewPlanFromSpreadsheetDialog(QDialog):
    """Preview first; the plan is created in one transaction only when the officer says so."""

    previewed = Signal(object)  # PlanPreview
    loaded = Signal(object)  # LoadSummary
    failed = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.preview: PlanPreview | None = None
        self._task: Task | None = None
        self._progress: QProgressDialog | None = None
        self.setWindowTitle("New plan from spreadsheet")
        self.resize(1000, 640)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("The plan spreadsheet (.xlsx or .csv)")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose)
        row.addWidget(self.file_edit, 1)
        row.addWidget(choose)
        layout.addLayout(row)
        form = QFormLayout()
        self.year_edit = QLineEdit()
        self.year_edit.setPlaceholderText("e.g. 2023-24")
        form.addRow("Financial year:", self.year_edit)
        self.create_agencies = QCheckBox("Create the agencies not yet known")
        self.create_agencies.setChecked(True)
        form.addRow("", self.create_agencies)
        layout.addLayout(form)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setMaximumHeight(120)
        layout.addWidget(self.notes)
        self.model = PlanLinesModel(self)
        view = QTableView()
        view.setModel(self.model)
        view.setAccessibleName("Actions found")
        for col, width in enumerate((220, 220, 60, 280, 110, 90)):
            view.setColumnWidth(col, width)
        layout.addWidget(view, 1)
        self.status = QLabel("Choose the spreadsheet that holds this year's plan.")
        layout.addWidget(self.status)
        self.buttons, self.create_button = button_row(self, "Create plan", self.create_plan)
        self.create_button.setEnabled(False)
        layout.addWidget(self.buttons)

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Plan spreadsheet", str(Path.home()), "Spreadsheets (*.xlsx *.xlsm *.csv)"
        )
        if name:
            self.read(Path(name))

    def read(self, path: Path) -> None:
        self.file_edit.setText(str(path))
        db = self.db
        self._run(
            lambda progress, cancelled: preview_plan_spreadsheet(db, path),
            "Reading the plan…",
            self._previewed,
        )

    def _run(self, work: Any, label: str, done: Any) -> None:
        self.create_button.setEnabled(False)
        self._progress = QProgressDialog(label, "", 0, 0, self)
        self._progress.setCancelButton(None)
        self._progress.setMinimumDuration(300)
        task = Task(work)
        task.signals.finished.connect(done)
        task.signals.failed.connect(self._failed)
        self._task = task
        start(task)

    def _finish(self) -> None:
        self._task = None
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    def _previewed(self, preview: PlanPreview) -> None:
        self._finish()
        self.preview = preview
        self.year_edit.setText(preview.year)
        self.model.set_lines(preview.lines)
        self.notes.setPlainText("\n".join(preview.lines_text()))
        self.status.setText(
            "Check the rows below, then create the plan. Nothing is written until then."
        )
        self.create_button.setEnabled(bool(preview.lines))
        self.previewed.emit(preview)

    def create_plan(self) -> None:
        preview = self.preview
        if preview is None:
            return
        try:
            preview.year = FinancialYear.parse(self.year_edit.text()).label
        except ValueError as exc:
            self.status.setText(f"<span style='color:#C62828'>{exc}</span>")
            return
        db, create = self.db, self.create_agencies.isChecked()
        self._run(
            lambda progress, cancelled: load_plan_spreadsheet(db, preview, create_agencies=create),
            "Creating the plan…",
            self._loaded,
        )

    def _loaded(self, summary: LoadSummary) -> None:
        self._finish()
        self.status.setText("Created. " + " ".join(summary.lines()))
        self.notes.setPlainText(
            "\n".join(summary.lines() + [f"note: {w}" for w in summary.warnings])
        )
        self.loaded.emit(summary)

    def _failed(self, message: str) -> None:
        self._finish()
        self.status.setText(f"<span style='color:#C62828'>Nothing was written: {message}</span>")
        self.create_button.setEnabled(self.preview is not None)
        self.failed.emit(message)
