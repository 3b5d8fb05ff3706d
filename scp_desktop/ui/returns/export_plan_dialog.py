"""The "Export plan to Excel" dialog: the whole plan laid out like its Appendix A."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import returns_export
from scp_desktop.storage.database import Database
from scp_desktop.ui.tasks import Task, start


class ExportPlanDialog(QDialog):
    exported = Signal(int)  # number of actions written
    failed = Signal(str)

    def __init__(
        self, db: Database, plan_id: int, quarter_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_id = plan_id
        self.quarter = Quarter.parse(quarter_code)
        self._task: Task | None = None
        self._progress: QProgressDialog | None = None
        self.setWindowTitle("Export plan to Excel")
        self.resize(560, 180)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("The whole plan in one sheet, laid out like the plan's Appendix A.")
        )
        row = QHBoxLayout()
        self.path_edit = QLineEdit(
            str(Path.home() / f"Annual Partnership Plan {self.quarter.year.label}.xlsx")
        )
        self.path_edit.setAccessibleName("File")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose)
        row.addWidget(self.path_edit, 1)
        row.addWidget(choose)
        layout.addLayout(row)
        self.with_quarter = QCheckBox(
            f"Add each action's RAG and progress update for {self.quarter.label}"
        )
        self.with_quarter.setChecked(True)
        layout.addWidget(self.with_quarter)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button = self.buttons.addButton(
            "Open file", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.export)
        self.open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self.path_edit.text()))
        )
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export plan", self.path_edit.text(), "Excel workbook (*.xlsx)"
        )
        if name:
            self.path_edit.setText(name if name.lower().endswith(".xlsx") else name + ".xlsx")

    def export(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self.status.setText("Choose where to save the workbook.")
            return
        path = Path(text).expanduser()
        db, plan_id = self.db, self.plan_id
        quarter = self.quarter if self.with_quarter.isChecked() else None

        def work(progress: Any, cancelled: Any) -> int:
            return returns_export.export_plan_workbook(db, plan_id, path, quarter)

        self.export_button.setEnabled(False)
        self._progress = QProgressDialog("Writing the plan…", "", 0, 0, self)
        self._progress.setCancelButton(None)
        self._progress.setMinimumDuration(400)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._task = Task(work)
        self._task.signals.finished.connect(self._done)
        self._task.signals.failed.connect(self._failed)
        start(self._task)

    def _finish(self) -> None:
        self._task = None
        self.export_button.setEnabled(True)
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    def _done(self, count: int) -> None:
        self._finish()
        self.status.setText(f"Wrote {count} actions to {self.path_edit.text()}.")
        self.open_button.setEnabled(True)
        self.exported.emit(count)

    def _failed(self, message: str) -> None:
        self._finish()
        self.status.setText(f"<span style='color:#C62828'>Nothing was written: {message}</span>")
        self.failed.emit(message)
