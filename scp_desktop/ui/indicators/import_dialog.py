"""Importing indicator values from a workbook: read in a worker, preview, then apply."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.services.indicator_import import ImportPreview, apply_import, preview_import
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken, run_with_progress

TITLE = "Import indicator values"


class PreviewDialog(QDialog):
    """Shows what the file would change, and every problem with its cell, before writing."""

    def __init__(self, preview: ImportPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(f"Import indicator values — {preview.file_name}")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        changes = [r for r in preview.rows if r.change != "same"]
        same = len(preview.rows) - len(changes)
        summary = QLabel(
            f"{len(changes)} value(s) to write ({same} unchanged)."
            + (
                f" <b style='color:#B71C1C'>{len(preview.problems)} problem(s) must be fixed in "
                "the file first; nothing will be written.</b>"
                if preview.problems
                else ""
            )
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        if preview.problems or preview.warnings:
            notes = QPlainTextEdit(self)
            notes.setReadOnly(True)
            notes.setAccessibleName("Problems and warnings")
            notes.setPlainText(
                "\n".join(
                    [f"Problem: {p}" for p in preview.problems]
                    + [f"Note: {w}" for w in preview.warnings]
                )
            )
            notes.setMaximumHeight(160)
            layout.addWidget(notes)
        table = QTableWidget(len(preview.rows), 6, self)
        table.setTabKeyNavigation(False)
        table.setHorizontalHeaderLabels(
            ["Indicator", "Period", "Now", "From file", "Change", "Cell"]
        )
        for i, row in enumerate(preview.rows):
            cells = [
                row.indicator_name,
                row.period_label,
                row.old_value,
                row.new_value,
                row.change,
                row.where,
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(i, j, item)
        table.resizeColumnsToContents()
        table.setColumnWidth(0, min(table.columnWidth(0), 320))
        layout.addWidget(table, 1)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(
            "Write values", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setEnabled(preview.can_apply)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


class ImportController(QObject):
    """Drives one import: read in a worker (Cancel stops it), preview, then apply."""

    done = Signal(str)  # message for the status line
    failed = Signal(str)

    def __init__(self, db: Database, plan_id: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_id = plan_id
        self.parent_widget = parent
        self.interactive = True

    def start(self, path: Path) -> None:
        db, plan_id = self.db, self.plan_id

        def work(token: CancelToken) -> ImportPreview:
            return preview_import(
                db,
                plan_id,
                path,
                should_stop=token.cancelled,
                progress=lambda done, total: token.report(done, total, ""),
            )

        run_with_progress(
            self.parent_widget,
            work,
            title=TITLE,
            label=f"Reading {path.name}…",
            done=self._previewed,
            failed=self.failed.emit,
        )

    def _previewed(self, preview: ImportPreview) -> None:
        if preview.cancelled:
            self.done.emit("Import cancelled; nothing was written.")
            return
        if not self.interactive:
            self.apply(preview)
            return
        dialog = PreviewDialog(preview, self.parent_widget)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply(preview)
        else:
            self.done.emit("Import not applied; nothing was written.")

    def apply(self, preview: ImportPreview) -> None:
        db = self.db

        def work(_token: CancelToken) -> int:
            return apply_import(db, preview)

        run_with_progress(
            self.parent_widget,
            work,
            title=TITLE,
            label=f"Writing values from {preview.file_name}…",
            done=lambda n: self.done.emit(f"{n} value(s) imported from {preview.file_name}."),
            failed=self.failed.emit,
            cancellable=False,
        )
