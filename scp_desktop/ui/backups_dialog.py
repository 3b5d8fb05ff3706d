"""File ▸ Backups…: the plan database's backups, restoring one, backing up now, purging old audit
entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.services import audit_retention
from scp_desktop.storage import backups
from scp_desktop.storage.backups import BackupInfo
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.ui.jobs import CancelToken, Job, is_running, run_with_progress
from scp_desktop.ui.list_table_model import ListTableModel, list_view

TITLE = "Backups"


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class BackupsModel(ListTableModel[BackupInfo]):
    COLUMNS = ("When", "Why", "Size", "Plans", "Actions")

    def cell(self, row: int, item: BackupInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{item.local_time:%d/%m/%Y %H:%M}",
                item.reason_text or "(no record)",
                size_text(item.size),
                f"{item.plans:,}",
                f"{item.actions:,}",
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(item.path)
        return None


class BackupsDialog(QDialog):
    """Lists backups newest first. Restoring one backs up the current file first and replaces
    its contents whole; `restored` tells the window to read everything again."""

    restored = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.resize(720, 520)
        self.job: Job | None = None
        layout = QVBoxLayout(self)

        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where)

        self.model = BackupsModel(self)
        self.table = list_view(self.model, "Backups, newest first", self)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.restore_chosen())
        self.table.selectionModel().currentRowChanged.connect(self._chosen_changed)
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.restore_button = QPushButton("&Restore…", self)
        self.restore_button.setToolTip(
            "Put the chosen backup back as the plan database (the current file is backed up first)"
        )
        self.restore_button.clicked.connect(self.restore_chosen)
        self.backup_button = QPushButton("&Back up now", self)
        self.backup_button.clicked.connect(self.back_up_now)
        self.folder_button = QPushButton("&Open folder", self)
        self.folder_button.clicked.connect(self.open_folder)
        for button in (self.restore_button, self.backup_button, self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Result")
        layout.addWidget(self.status)

        layout.addWidget(self._retention_box())

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    def _retention_box(self) -> QGroupBox:
        box = QGroupBox("Audit log retention", self)
        inner = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Purge audit entries older than", box))
        self.years = QSpinBox(box)
        self.years.setRange(1, audit_retention.MAX_YEARS)
        self.years.setSuffix(" years")
        self.years.setAccessibleName("Purge audit entries older than (years)")
        self.years.setValue(audit_retention.retention_years(self.db))
        row.addWidget(self.years)
        self.purge_button = QPushButton("&Purge now…", box)
        self.purge_button.clicked.connect(self.purge)
        row.addWidget(self.purge_button)
        row.addStretch(1)
        inner.addLayout(row)
        note = QLabel(
            "The audit log keeps old progress updates, which can hold personal data. Purging "
            "backs the file up first, then removes the old entries for good.",
            box,
        )
        note.setWordWrap(True)
        inner.addWidget(note)
        return box

    # ------------------------------------------------------------ the list

    def refresh(self) -> None:
        found = backups.list_backups(self.db.path)
        self.model.set_rows(found)
        try:
            folder = backups.backups_folder(self.db.path)
        except DatabaseError:
            folder = backups.folder_beside(self.db.path)
        self.folder = folder
        self.where.setText(
            f"Backups of {self.db.path.name} are kept in {folder}: the last "
            f"{backups.KEEP_LAST}, and one a month before that. A backup is taken before every "
            "returns import, roll-over, plan from a spreadsheet, plan deletion and restore, and "
            "on the first opening of each day."
        )
        self.table.resizeColumnsToContents()
        if found:
            self.table.selectRow(0)
        self._chosen_changed()

    def chosen(self) -> BackupInfo | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row())

    def _chosen_changed(self, *_: QModelIndex) -> None:
        self.restore_button.setEnabled(self.chosen() is not None and not is_running(self.job))

    # ------------------------------------------------------------ commands

    def back_up_now(self) -> None:
        path = self.db.path

        def work(token: CancelToken) -> BackupInfo:
            return backups.take_backup(
                path, "manual", progress=token.report, cancelled=token.cancelled
            )

        def done(info: BackupInfo) -> None:
            self.status.setText(f"Backed up as {info.path.name} ({size_text(info.size)}).")
            self.refresh()

        self._run(work, "Backing up the plan database…", done)

    def restore_chosen(self) -> None:
        info = self.chosen()
        if info is None or is_running(self.job):
            return
        answer = QMessageBox.question(
            self,
            "Restore a backup",
            f"Restore the backup of {info.local_time:%d/%m/%Y %H:%M} "
            f"({info.reason_text or 'no record'}: {info.plans} plan(s), {info.actions} "
            "action(s))?\n\nThe plan database as it is now is backed up first; everything "
            "changed since that backup is replaced. Changes cannot be undone with Ctrl+Z "
            "afterwards.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.restore(info.path)

    def restore(self, source: Path) -> None:
        path = self.db.path
        # The window's pooled connections must not keep pages of the file as it was.
        self.db.engine.dispose()

        def work(token: CancelToken) -> backups.RestoreResult:
            return backups.restore_backup(
                path, source, progress=token.report, cancelled=token.cancelled
            )

        def done(result: backups.RestoreResult) -> None:
            self.db.engine.dispose()
            r = result.restored
            kept = (
                f" The file as it was is kept as {result.before_restore.path.name}."
                if result.before_restore
                else ""
            )
            self.status.setText(
                f"Restored {r.path.name}: {r.plans} plan(s), {r.actions} action(s).{kept}"
            )
            self.refresh()
            self.restored.emit()

        self._run(work, f"Restoring {source.name}…", done)

    def open_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))

    def purge(self) -> None:
        years = self.years.value()
        today = dt.date.today()
        try:
            audit_retention.set_retention_years(self.db, years)
            count = audit_retention.count_older(self.db, years, today=today)
        except DatabaseError as exc:
            self._show_error(str(exc))
            return
        cutoff = audit_retention.cutoff_date(today, years)
        if not count:
            self.status.setText(f"No audit entries are older than {cutoff:%d/%m/%Y}.")
            return
        answer = QMessageBox.question(
            self,
            "Purge old audit entries",
            f"Delete {count:,} audit entr{'y' if count == 1 else 'ies'} older than "
            f"{cutoff:%d/%m/%Y}? The file is backed up first; the entries are then removed "
            "for good.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db = self.db

        def work(_token: CancelToken) -> audit_retention.PurgeResult:
            return audit_retention.purge_audit(db, years, today=today)

        def done(result: audit_retention.PurgeResult) -> None:
            self.status.setText(
                f"Purged {result.deleted:,} audit entr{'y' if result.deleted == 1 else 'ies'} "
                f"older than {result.cutoff:%d/%m/%Y}; the file was compacted."
            )
            self.refresh()

        self._run(work, "Purging old audit entries…", done, cancellable=False)

    def _run(self, work: Any, label: str, done: Any, *, cancellable: bool = True) -> None:
        self.job = run_with_progress(
            self,
            work,
            title=TITLE,
            label=label,
            done=done,
            failed=self._show_error,
            cancellable=cancellable,
        )

    def _show_error(self, message: str) -> None:
        self.status.setText("")
        QMessageBox.warning(self, TITLE, message)
        self.refresh()
