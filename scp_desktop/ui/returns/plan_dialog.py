"""The "New plan from spreadsheet…" dialog: preview the officers' plan spreadsheet, then create the plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
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
    CANCELLED,
    PlanPreview,
    load_plan_spreadsheet,
    preview_plan_spreadsheet,
)
from scp_desktop.storage.database import Database
from scp_desktop.ui.list_table_model import ListTableModel
from scp_desktop.ui.returns.common import ClosesAfterItsJob, button_row
from scp_desktop.ui.tasks import Progress, Task, start

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


class NewPlanFromSpreadsheetDialog(ClosesAfterItsJob):
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
        self._creating = False  # the job is creating the plan (not reading a spreadsheet)
        self._cancel_pressed = False
        self._before_read = ("", False)  # the file shown and Create's state before a read
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

    # ------------------------------------------------------------ reading (worker thread)
    def read(self, path: Path) -> None:
        if self._task is not None:
            return  # one job at a time
        # What a cancelled read puts back: the read changes nothing until its preview arrives.
        self._before_read = (self.file_edit.text(), self.create_button.isEnabled())
        self.file_edit.setText(str(path))
        db = self.db
        self._run(
            lambda progress, cancelled: preview_plan_spreadsheet(db, path, cancelled=cancelled),
            f"Reading {path.name}…",
            0,
            self._previewed,
        )

    def _previewed(self, preview: PlanPreview) -> None:
        if not self._from_current_task():
            return  # a read the officer cancelled: its preview is not wanted
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

    # ------------------------------------------------------------ creating (worker thread)
    def create_plan(self) -> None:
        preview = self.preview
        if preview is None or self._task is not None:
            return
        try:
            preview.year = FinancialYear.parse(self.year_edit.text()).label
        except ValueError as exc:
            self.status.setText(f"<span style='color:#C62828'>{exc}</span>")
            return
        db, create = self.db, self.create_agencies.isChecked()

        def work(progress: Progress, cancelled: Callable[[], bool]) -> LoadSummary:
            return load_plan_spreadsheet(
                db, preview, create_agencies=create, progress=progress, cancelled=cancelled
            )

        self._creating = True
        self._run(work, "Creating the plan…", len(preview.lines), self._loaded)

    def _loaded(self, summary: LoadSummary) -> None:
        if not self._from_current_task():
            return
        # Cancel pressed after the last line was checked comes too late: the plan is written.
        late = " (Cancel came too late to stop it.)" if self._cancel_pressed else ""
        self._finish()
        self.status.setText("Created. " + " ".join(summary.lines()) + late)
        self.notes.setPlainText(
            "\n".join(summary.lines() + [f"note: {w}" for w in summary.warnings])
        )
        self.loaded.emit(summary)

    # ------------------------------------------------------------ the job and its progress
    def _run(
        self,
        work: Callable[[Progress, Callable[[], bool]], Any],
        label: str,
        total: int,
        done: Callable[[Any], None],
    ) -> None:
        self.create_button.setEnabled(False)
        self._cancel_pressed = False
        progress = QProgressDialog(label, "Cancel", 0, total, self)
        progress.setWindowTitle(self.windowTitle())
        # Wide enough for a line's title, so the dialog does not grow as the titles change.
        progress.setMinimumWidth(460)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self.cancel)
        self._progress = progress
        task = Task(work)
        task.signals.progress.connect(self._progressed)
        task.signals.finished.connect(done)
        task.signals.failed.connect(self._failed)
        self._task = task
        start(task)

    def _from_current_task(self) -> bool:
        """Whether the signal being handled comes from the job still wanted, not a cancelled read."""
        return self._task is not None and self.sender() is self._task.signals

    def _progressed(self, done: int, total: int, what: str) -> None:
        progress = self._progress
        if not self._from_current_task() or progress is None or self._cancel_pressed:
            return  # a cancelled progress dialog would show itself again on setValue
        if what:
            progress.setLabelText(f"Creating the plan: action {done + 1} of {total}\n{what}")
        progress.setMaximum(max(total, 1))
        # Last: a shown modal progress dialog runs the event loop in setValue, where the
        # job's result may arrive and close it.
        progress.setValue(done)

    def cancel(self) -> None:
        """The progress dialog's Cancel: a read is dropped at once, a plan being created is
        rolled back by its worker (which says so through `failed`)."""
        task = self._task
        if task is None or self._cancel_pressed:
            return
        self._cancel_pressed = True
        task.cancel()
        if self._creating:
            self.status.setText("Cancelling…")
            return
        # The worker cannot be stopped inside the spreadsheet reader; its preview, when it
        # comes, is ignored, and the dialog is at once as it was before the read.
        name = Path(self.file_edit.text()).name
        self._finish()
        file_text, create_enabled = self._before_read
        self.file_edit.setText(file_text)
        self.create_button.setEnabled(create_enabled)
        kept = (
            f" The rows below are still those of {self.preview.path.name}."
            if self.preview is not None
            else " Choose the spreadsheet that holds this year's plan."
        )
        self.status.setText(f"Reading {name} was cancelled.{kept}")

    def _finish(self) -> None:
        self._task = None
        self._creating = False
        self._cancel_pressed = False
        self._close_progress_dialog()

    def _failed(self, message: str) -> None:
        if not self._from_current_task():
            return
        creating = self._creating
        self._finish()
        if creating and message == CANCELLED:
            self.status.setText(message)
        else:
            self.status.setText(
                f"<span style='color:#C62828'>Nothing was written: {message}</span>"
            )
        self.create_button.setEnabled(self.preview is not None)
        self.failed.emit(message)
