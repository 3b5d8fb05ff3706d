"""The "Export plan to Excel" dialog: the whole plan laid out like its Appendix A."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.services.returns.export import export_plan_workbook
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken
from scp_desktop.ui.returns.common import ReturnsDialog, button_row_with_open


class ExportPlanDialog(ReturnsDialog):
    exported = Signal(int)  # number of actions written
    failed = Signal(str)

    def __init__(
        self, db: Database, plan_id: int, quarter_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(db, plan_id, quarter_code, parent)
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
        self.buttons, self.export_button, self.open_button = button_row_with_open(
            self,
            "Export",
            self.export,
            "Open file",
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self.path_edit.text())),
        )
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

        def work(_token: CancelToken) -> int:
            return export_plan_workbook(db, plan_id, path, quarter)

        self.export_button.setEnabled(False)
        self._start_writing(work, "Writing the plan…", self._done, self._failed)

    def _finish(self) -> None:
        self._finish_task()
        self.export_button.setEnabled(True)

    def _done(self, count: int) -> None:
        self._finish()
        self.status.setText(f"Wrote {count} actions to {self.path_edit.text()}.")
        self.open_button.setEnabled(True)
        self.exported.emit(count)

    def _failed(self, message: str) -> None:
        self._finish()
        self.status.setText(f"<span style='color:#C62828'>Nothing was written: {message}</span>")
        self.failed.emit(message)
