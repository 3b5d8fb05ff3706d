"""The "Prepare returns" dialog: choose agencies and options, write a folder of return workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.services.returns.export import ExportResult, agency_choices, export_returns
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken
from scp_desktop.ui.returns.common import ReturnsDialog, button_row_with_open


class PrepareReturnsDialog(ReturnsDialog):
    """Writes the quarter's returns (and optionally email drafts) into a folder the officer picks."""

    prepared = Signal(object)  # ExportResult
    failed = Signal(str)

    def __init__(
        self, db: Database, plan_id: int, quarter_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(db, plan_id, quarter_code, parent)
        self.export_result: ExportResult | None = None
        self.setWindowTitle(f"Prepare returns — {self.quarter.label}")
        self.resize(640, 620)

        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Each agency gets a workbook listing the actions it leads (and those it supports), with "
            f"last quarter's RAG and progress update, ready to fill in for {self.quarter.label}."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.per_agency = QRadioButton("One return per lead agency")
        self.all_in_one = QRadioButton("One return covering every agency")
        self.per_agency.setChecked(True)
        layout.addWidget(self.per_agency)
        layout.addWidget(self.all_in_one)

        self.agencies = QListWidget()
        self.agencies.setAccessibleName("Agencies")
        for choice in agency_choices(db, plan_id):
            text = f"{choice.abbreviation} — {choice.name} ({choice.leads} led, {choice.supports} supported)"
            if not choice.email:
                text += "  · no email address"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, choice.abbreviation)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice.leads else Qt.CheckState.Unchecked)
            self.agencies.addItem(item)
        layout.addWidget(self.agencies, 1)
        # Agencies that only support actions are left unticked; one tick brings them all in.
        self.include_supporting = QCheckBox("Include agencies that only &support actions", self)
        self.include_supporting.setAccessibleName("Include supporting agencies")
        self.include_supporting.toggled.connect(self._tick_supporting)
        self._support_only = {
            choice.abbreviation
            for choice in agency_choices(db, plan_id)
            if choice.supports and not choice.leads
        }
        self.include_supporting.setEnabled(bool(self._support_only))
        layout.addWidget(self.include_supporting)
        buttons_row = QHBoxLayout()
        select_all = QPushButton("Select all")
        select_none = QPushButton("Select none")
        select_all.clicked.connect(lambda: self._check_all(True))
        select_none.clicked.connect(lambda: self._check_all(False))
        buttons_row.addWidget(select_all)
        buttons_row.addWidget(select_none)
        buttons_row.addStretch(1)
        layout.addLayout(buttons_row)
        self.all_in_one.toggled.connect(self.agencies.setDisabled)

        self.emails = QCheckBox(
            "Write an email draft (.eml) beside each return, addressed to the agency"
        )
        layout.addWidget(self.emails)
        form = QFormLayout()
        self.ask_by = QCheckBox("Ask for it back by")
        self.return_by = QDateEdit()
        self.return_by.setDisplayFormat("dd/MM/yyyy")
        self.return_by.setCalendarPopup(True)
        due = self.quarter.last_day + dt.timedelta(days=14)
        self.return_by.setDate(QDate(due.year, due.month, due.day))
        self.ask_by.setChecked(True)
        self.ask_by.toggled.connect(self.return_by.setEnabled)
        by_row = QHBoxLayout()
        by_row.addWidget(self.ask_by)
        by_row.addWidget(self.return_by)
        by_row.addStretch(1)
        layout.addLayout(by_row)
        self.folder = QLineEdit(str(Path.home() / f"Returns {self.quarter.code}"))
        self.folder.setAccessibleName("Folder")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        form.addRow("Folder:", _wrap(folder_row))
        layout.addLayout(form)

        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("The files written will be listed here.")
        self.report.setMaximumHeight(150)
        layout.addWidget(self.report)

        self.buttons, self.prepare_button, self.open_button = button_row_with_open(
            self, "Prepare returns", self.prepare, "Open folder", self._open_folder
        )
        layout.addWidget(self.buttons)

    def _tick_supporting(self, include: bool) -> None:
        state = Qt.CheckState.Checked if include else Qt.CheckState.Unchecked
        for i in range(self.agencies.count()):
            item = self.agencies.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in self._support_only:
                item.setCheckState(state)

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for i in range(self.agencies.count()):
            self.agencies.item(i).setCheckState(state)

    def chosen_agencies(self) -> list[str]:
        return [
            str(self.agencies.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.agencies.count())
            if self.agencies.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the returns", self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def prepare(self) -> None:
        folder = Path(self.folder.text().strip()).expanduser()
        if not self.folder.text().strip():
            QMessageBox.warning(self, self.windowTitle(), "Choose a folder for the returns.")
            return
        one_for_all = self.all_in_one.isChecked()
        agencies = None if one_for_all else self.chosen_agencies()
        if agencies == []:
            QMessageBox.warning(self, self.windowTitle(), "Tick at least one agency.")
            return
        return_by = self.return_by.date().toString("dd/MM/yyyy") if self.ask_by.isChecked() else ""
        emails = self.emails.isChecked()
        db, plan_id, quarter = self.db, self.plan_id, self.quarter

        def work(token: CancelToken) -> ExportResult:
            return export_returns(
                db,
                plan_id,
                quarter,
                folder,
                agencies=agencies,
                one_for_all=one_for_all,
                emails=emails,
                return_by=return_by,
                today=dt.date.today(),
                progress=token.report,
                cancelled=token.cancelled,
            )

        self.prepare_button.setEnabled(False)
        # Progress by return, with Cancel: stopping between returns leaves whole files only.
        self._run_job(work, "Writing the returns…", self._done, self._failed)

    def _close_progress(self) -> None:
        self._job_ended()
        self.prepare_button.setEnabled(True)

    def _done(self, result: ExportResult) -> None:
        self._close_progress()
        self.export_result = result
        self.report.setPlainText("\n".join(result.lines()))
        self.open_button.setEnabled(True)
        self.prepared.emit(result)

    def _failed(self, message: str) -> None:
        self._close_progress()
        self.report.setPlainText(f"Nothing was prepared: {message}")
        self.failed.emit(message)

    def _open_folder(self) -> None:
        if self.export_result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.export_result.folder)))


def _wrap(layout: Any) -> QWidget:
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget
