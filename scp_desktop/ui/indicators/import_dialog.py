"""Importing indicator values from a workbook: read in a worker, preview, then apply."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.services.errors import UserError
from scp_desktop.services.indicator_import import ImportPreview, apply_import, preview_import
from scp_desktop.storage.database import Database, DatabaseError


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)


class Task(QRunnable):
    """Runs `work(should_stop, progress)` off the GUI thread; the service opens its own
    database sessions there, so nothing is shared between threads."""

    def __init__(
        self, work: Callable[[Callable[[], bool], Callable[[int, int], None]], Any]
    ) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            result = self.work(self.stop.is_set, self.signals.progress.emit)
        except (UserError, DatabaseError) as exc:
            self.signals.failed.emit(str(exc))
            return
        except Exception as exc:  # a bug must reach the user, not kill the worker silently
            self.signals.failed.emit(f"The import failed unexpectedly: {exc!r}")
            return
        self.signals.finished.emit(result)


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
    """Drives one import: worker for reading, progress with Cancel, preview, apply."""

    done = Signal(str)  # message for the status line
    failed = Signal(str)

    def __init__(self, db: Database, plan_id: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_id = plan_id
        self.parent_widget = parent
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None
        self.interactive = True

    def start(self, path: Path) -> None:
        db, plan_id = self.db, self.plan_id

        def work(stop: Callable[[], bool], progress: Callable[[int, int], None]) -> ImportPreview:
            return preview_import(db, plan_id, path, should_stop=stop, progress=progress)

        self._run(work, f"Reading {path.name}…", self._previewed)

    def _run(self, work: Any, label: str, then: Callable[[Any], None]) -> None:
        task = Task(work)
        self.task = task
        dialog = QProgressDialog(label, "Cancel", 0, 0, self.parent_widget)
        dialog.setWindowTitle("Import indicator values")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.canceled.connect(task.stop.set)
        self.progress = dialog
        task.signals.progress.connect(self._on_progress)
        task.signals.finished.connect(lambda result: self._finish(then, result))
        task.signals.failed.connect(self._failed)
        QThreadPool.globalInstance().start(task)

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None and total:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None

    def _finish(self, then: Callable[[Any], None], result: Any) -> None:
        self._close_progress()
        then(result)

    def _failed(self, message: str) -> None:
        self._close_progress()
        self.failed.emit(message)

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

        def work(_stop: Callable[[], bool], _progress: Callable[[int, int], None]) -> int:
            return apply_import(db, preview)

        self._run(
            work,
            f"Writing values from {preview.file_name}…",
            lambda n: self.done.emit(f"{n} value(s) imported from {preview.file_name}."),
        )
