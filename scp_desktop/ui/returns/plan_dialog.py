"""The "New plan from spreadsheet…" dialog: preview the officers' plan spreadsheet, then create the plan."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.excel.columns import Meaning
from scp_desktop.excel.plan_workbook import PlanLine
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_agencies import SIMILAR
from scp_desktop.services.plan_document import LoadSummary
from scp_desktop.services.plan_spreadsheet import (
    CANCELLED,
    DEFAULT_SECTION,
    PlanPreview,
    load_plan_spreadsheet,
    preview_plan_spreadsheet,
    remap_plan_preview,
    set_agency,
)
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken, is_running
from scp_desktop.ui.list_table_model import ListTableModel, list_view
from scp_desktop.ui.returns.common import ClosesAfterItsJob, button_row
from scp_desktop.ui.returns.plan_models import AgenciesModel, MeaningDelegate, PlanColumnsModel

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


def _with_note(edit: QWidget, note: QLabel) -> QWidget:
    """A field with a grey note after it saying where its value was read."""
    note.setStyleSheet("color: #555555")
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(note, 1)
    return box


def _with_hint(view: QWidget, hint: str) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(4, 4, 4, 4)
    label = QLabel(hint)
    label.setWordWrap(True)
    column.addWidget(label)
    column.addWidget(view, 1)
    return box


def _read_from(where: str, value: str) -> str:
    if not value:
        return "Not found in the spreadsheet: please give it."
    return f"Read from {where}." if where else ""


class NewPlanFromSpreadsheetDialog(ClosesAfterItsJob):
    """Preview first; the plan is created in one transaction only when the officer says so."""

    previewed = Signal(object)  # PlanPreview
    loaded = Signal(object)  # LoadSummary
    failed = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.preview: PlanPreview | None = None
        self._creating = False  # the job is creating the plan (not reading a spreadsheet)
        self._cancel_pressed = False
        self._before_read = ("", False)  # the file shown and Create's state before a read
        self.setWindowTitle("New plan from spreadsheet")
        self.resize(1100, 720)
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
        self.partnership_edit = QLineEdit()
        self.partnership_edit.setPlaceholderText("e.g. Safer Tendring Partnership")
        self.partnership_from = QLabel()
        form.addRow("Partnership:", _with_note(self.partnership_edit, self.partnership_from))
        self.year_edit = QLineEdit()
        self.year_edit.setPlaceholderText("e.g. 2023-24")
        self.year_from = QLabel()
        form.addRow("Financial year:", _with_note(self.year_edit, self.year_from))
        self.prepared_by_edit = QLineEdit()
        self.prepared_by_edit.setPlaceholderText(
            "Who prepares the reports, e.g. Community Safety Team (optional)"
        )
        form.addRow("Prepared by:", self.prepared_by_edit)
        self.section_edit = QLineEdit()
        self.section_edit.setEnabled(False)
        self.section_edit.setToolTip(
            "Actions with no key priority above them in the spreadsheet go under this section."
        )
        form.addRow("Section for actions without a key priority:", self.section_edit)
        self.create_agencies = QCheckBox("Create the agencies not yet known")
        self.create_agencies.setChecked(True)
        form.addRow("", self.create_agencies)
        layout.addLayout(form)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setMaximumHeight(110)
        self.notes.setAccessibleName("What was read")
        layout.addWidget(self.notes)
        self.tabs = QTabWidget()
        self.columns_model = PlanColumnsModel(self)
        self.columns_model.meaning_chosen.connect(self.choose_column_meaning)
        self.columns_view = list_view(self.columns_model, "Columns of the spreadsheet")
        self.columns_view.setItemDelegateForColumn(
            PlanColumnsModel.USED_AS, MeaningDelegate(self.columns_view)
        )
        for col, width in enumerate((60, 220, 230, 80)):
            self.columns_view.setColumnWidth(col, width)
        self.tabs.addTab(
            _with_hint(
                self.columns_view,
                "Every column with a header or data is listed: choose what each holds. A column "
                "'Not used' is left out; 'Notes' columns are kept with each action.",
            ),
            "Columns",
        )
        self.agencies_model = AgenciesModel(self._edit_agency, self)
        self.agencies_view = list_view(self.agencies_model, "Agencies named in the spreadsheet")
        self.agencies_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        for col, width in enumerate((240, 50, 120, 300)):
            self.agencies_view.setColumnWidth(col, width)
        self.tabs.addTab(
            _with_hint(
                self.agencies_view,
                "Double-click an abbreviation or full name to correct it; an abbreviation "
                "already known means that agency. Rows shaded amber were matched by a similar "
                "name: check them.",
            ),
            "Agencies",
        )
        self.model = PlanLinesModel(self)
        view = QTableView()
        view.setTabKeyNavigation(False)
        view.setModel(self.model)
        view.setAccessibleName("Actions found")
        for col, width in enumerate((220, 220, 60, 280, 110, 90)):
            view.setColumnWidth(col, width)
        self.tabs.addTab(view, "Actions")
        layout.addWidget(self.tabs, 1)
        self.status = QLabel("Choose the spreadsheet that holds this year's plan.")
        self.status.setWordWrap(True)
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
        if is_running(self._job):
            return  # one job at a time
        # What a cancelled read puts back: the read changes nothing until its preview arrives.
        self._before_read = (self.file_edit.text(), self.create_button.isEnabled())
        self.file_edit.setText(str(path))
        db = self.db
        self._run(
            lambda token: preview_plan_spreadsheet(db, path, cancelled=token.cancelled),
            f"Reading {path.name}…",
            0,
            self._previewed,
        )

    def _previewed(self, preview: PlanPreview) -> None:
        self._finish()
        self.preview = preview
        self.year_edit.setText(preview.year)
        self.year_from.setText(_read_from(preview.year_from, preview.year))
        self.partnership_edit.setText(preview.partnership)
        self.partnership_from.setText(_read_from(preview.partnership_from, preview.partnership))
        self.section_edit.setText(preview.section_title)
        self.section_edit.setEnabled(preview.without_priority > 0)
        self._show(preview)
        self.status.setText(
            "Check the partnership, the year, the columns and the agencies, then create the "
            "plan. Nothing is written until then."
        )
        self.create_button.setEnabled(bool(preview.lines))
        self.previewed.emit(preview)

    def _show(self, preview: PlanPreview) -> None:
        """The preview's columns, agencies, actions and notes (the form is left as it is)."""
        self.model.set_lines(preview.lines)
        columns = preview.columns.columns if preview.columns is not None else []
        self.columns_model.set_rows(columns)
        for row in range(len(columns)):
            # Always-open lists: what each column is used as shows, and is changed, at a glance.
            self.columns_view.openPersistentEditor(
                self.columns_model.index(row, PlanColumnsModel.USED_AS)
            )
        self.agencies_model.set_rows(preview.agencies)
        self._show_counts()

    def _show_counts(self) -> None:
        preview = self.preview
        if preview is None:
            return
        columns = preview.columns.columns if preview.columns is not None else []
        left_out = sum(1 for c in columns if c.meaning is Meaning.IGNORE)
        self.tabs.setTabText(
            0, f"Columns ({len(columns)}" + (f", {left_out} not used)" if left_out else ")")
        )
        new = len({a.abbreviation.upper() for a in preview.agencies if a.is_new})
        check = sum(1 for a in preview.agencies if a.status == SIMILAR)
        extra = ", ".join(
            part
            for part in (f"{new} new" if new else "", f"{check} to check" if check else "")
            if part
        )
        self.tabs.setTabText(
            1, f"Agencies ({len(preview.agencies)}" + (f": {extra})" if extra else ")")
        )
        self.tabs.setTabText(2, f"Actions ({len(preview.lines)})")
        self._take_form(preview)
        self.notes.setPlainText("\n".join(preview.lines_text()))

    def _take_form(self, preview: PlanPreview) -> None:
        """What the officer typed in the form, into the preview (the year is checked on Create)."""
        preview.partnership = self.partnership_edit.text().strip()
        preview.prepared_by = self.prepared_by_edit.text().strip()
        preview.section_title = self.section_edit.text().strip() or DEFAULT_SECTION

    # ------------------------------------------------------------ the officer's corrections
    def choose_column_meaning(self, column: int, meaning: Meaning) -> None:
        """Read the sheet again with one column used as `meaning` (on a worker thread)."""
        preview = self.preview
        if preview is None or is_running(self._job) or preview.columns is None:
            return
        self._take_form(preview)
        text = self.year_edit.text().strip()
        with contextlib.suppress(ValueError):
            preview.year = FinancialYear.parse(text).label if text else ""
        choices = preview.columns.overrides()
        choices[column] = meaning
        self._before_read = (self.file_edit.text(), self.create_button.isEnabled())
        self._run(
            lambda _token: remap_plan_preview(preview, choices),
            "Reading the columns again…",
            0,
            self._previewed,
        )

    def _edit_agency(self, text: str, abbreviation: str, name: str) -> None:
        preview = self.preview
        if preview is None:
            raise UserError("Choose the spreadsheet first.")
        try:
            choice = set_agency(preview, text, abbreviation, name)
        except UserError as exc:
            self.status.setText(f"<span style='color:#C62828'>{exc}</span>")
            raise
        self.status.setText(
            f"'{text}' will be {choice.abbreviation} – {choice.name}"
            + (" (already known)." if not choice.is_new else " (a new agency).")
        )
        self._show_counts()

    # ------------------------------------------------------------ creating (worker thread)
    def create_plan(self) -> None:
        preview = self.preview
        if preview is None or is_running(self._job):
            return
        try:
            preview.year = FinancialYear.parse(self.year_edit.text()).label
        except ValueError as exc:
            self.status.setText(
                f"<span style='color:#C62828'>{exc}. Give the plan's financial year, "
                "e.g. 2024-25.</span>"
            )
            return
        self._take_form(preview)
        if not preview.partnership:
            self.status.setText(
                "<span style='color:#C62828'>Give the partnership's name "
                "(e.g. Safer Tendring Partnership): it is printed on every report.</span>"
            )
            return
        db, create = self.db, self.create_agencies.isChecked()

        def work(token: CancelToken) -> LoadSummary:
            return load_plan_spreadsheet(
                db,
                preview,
                create_agencies=create,
                progress=token.report,
                cancelled=token.cancelled,
            )

        self._creating = True
        self._run(work, "Creating the plan…", len(preview.lines), self._loaded)

    def _loaded(self, summary: LoadSummary) -> None:
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
        work: Callable[[CancelToken], Any],
        label: str,
        total: int,
        done: Callable[[Any], None],
    ) -> None:
        self.create_button.setEnabled(False)
        self._cancel_pressed = False
        self._run_job(
            work,
            label,
            done,
            self._failed,
            total=total,
            describe=lambda step, of, what: f"Creating the plan: action {step + 1} of {of}\n{what}",
            on_cancel=self.cancel,
        )

    def cancel(self) -> None:
        """The progress dialog's Cancel: a read is dropped at once, a plan being created is
        rolled back by its worker (which says so through `failed`)."""
        job = self._job
        if job is None or self._cancel_pressed:
            return
        self._cancel_pressed = True
        job.cancel()
        if self._creating:
            self.status.setText("Cancelling…")
            return
        # The worker cannot be stopped inside the spreadsheet reader; its preview, when it
        # never arrives, and the dialog is at once as it was before the read.
        name = Path(self.file_edit.text()).name
        job.abandon()
        self._finish()
        file_text, create_enabled = self._before_read
        self.file_edit.setText(file_text)
        self.create_button.setEnabled(create_enabled)
        if self.preview is not None:
            self._show(self.preview)  # a cancelled re-read of the columns changes nothing
        kept = (
            f" The rows below are still those of {self.preview.path.name}."
            if self.preview is not None
            else " Choose the spreadsheet that holds this year's plan."
        )
        self.status.setText(f"Reading {name} was cancelled.{kept}")

    def _finish(self) -> None:
        self._creating = False
        self._cancel_pressed = False
        self._job_ended()

    def _failed(self, message: str) -> None:
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
